"""The order's state machine and the pure decisions of ordering (no database).

`TRANSITIONS` is the single table of what may happen to an order: action → (states it starts
from, state it leads to, rule). Services look the action up, refuse it from any other state, and
record the event; `docs/ordering.md` draws the same table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.core.errors import DomainError

PARIS = ZoneInfo("Europe/Paris")

SUBMITTED = "submitted"
HELD = "held"
MODIFIED = "modified"
ACCEPTED = "accepted"
IN_PROGRESS = "in_progress"
SUSPENDED = "suspended"
SHIPPED = "shipped"
DELIVERED = "delivered"
FROZEN = "frozen"
REFUSED = "refused"
LAPSED = "lapsed"
CANCELLED = "cancelled"

OPEN_STATES = frozenset({SUBMITTED, HELD, MODIFIED, ACCEPTED, IN_PROGRESS, SUSPENDED})
"""Orders still to serve: what a suspension of pending orders (PT11) and stock (O13) concern."""
FINAL_STATES = frozenset({FROZEN, REFUSED, LAPSED, CANCELLED})
SAME = ""
"""Target of the actions that leave the state as it is (edits, changes, notes)."""


@dataclass(frozen=True, slots=True)
class Transition:
    sources: frozenset[str]
    target: str
    rule: str


def _t(sources: set[str], target: str, rule: str) -> Transition:
    return Transition(frozenset(sources), target, rule)


TRANSITIONS: dict[str, Transition] = {
    "hold": _t({SUBMITTED}, HELD, "O10"),
    "release": _t({HELD}, SUBMITTED, "O10"),
    "accept": _t({SUBMITTED, HELD}, ACCEPTED, "O8"),
    "auto_accept": _t({SUBMITTED}, ACCEPTED, "O8"),
    "modify": _t({SUBMITTED, HELD}, MODIFIED, "O8"),
    "confirm_modification": _t({MODIFIED}, ACCEPTED, "O8"),
    "decline_modification": _t({MODIFIED}, CANCELLED, "O8"),
    "refuse": _t({SUBMITTED, HELD, MODIFIED}, REFUSED, "O10"),
    "lapse": _t({SUBMITTED, HELD}, LAPSED, "O8"),
    "process": _t({SUBMITTED, ACCEPTED}, IN_PROGRESS, "O6"),
    "start": _t({ACCEPTED}, IN_PROGRESS, "O7"),
    "edit": _t({SUBMITTED, HELD, ACCEPTED}, SAME, "O6"),
    "change": _t({SUBMITTED, HELD, ACCEPTED, IN_PROGRESS}, SAME, "O11"),
    "note_acceptance_overdue": _t({SUBMITTED, HELD}, SAME, "O8"),
    "cancel": _t({SUBMITTED, HELD, MODIFIED, ACCEPTED, IN_PROGRESS, SUSPENDED}, CANCELLED, "O12"),
    "suspend": _t({ACCEPTED, IN_PROGRESS}, SUSPENDED, "N4"),
    "resume": _t({SUSPENDED}, ACCEPTED, "N4"),
    "ship": _t({ACCEPTED, IN_PROGRESS, SHIPPED}, SHIPPED, "F2"),
    "deliver": _t({SHIPPED}, DELIVERED, "F3"),
    "freeze": _t({DELIVERED}, FROZEN, "F5"),
}


def transition_check(action: str, state: str) -> Transition:
    """The transition of `action` from `state`, or a DomainError naming the allowed states."""
    transition = TRANSITIONS[action]
    if state not in transition.sources:
        allowed = ", ".join(sorted(transition.sources))
        raise DomainError(
            code="invalid_transition",
            message=f"An order in state {state!r} cannot be {action!r}-ed (only from: {allowed}).",
            field="state",
            rule=transition.rule,
        )
    return transition


def end_of_day(day: date) -> datetime:
    """The instant a deadline "at the end of `day`" passes: midnight after it, Paris time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS)


@dataclass(frozen=True, slots=True)
class EditPolicy:
    """O6, O7, O11 as read from the seller's terms."""

    edit_until: str  # "never", "processing", "acceptance"
    after_cutoff: str  # "forbidden", "seller_consent_before_production"
    after_acceptance: str  # "seller_written_consent", "forbidden", "free"


@dataclass(frozen=True, slots=True)
class EditDecision:
    allowed: bool
    needs_seller_consent: bool
    rule: str
    reason_fr: str
    reason_en: str


def edit_decision(
    *, state: str, policy: EditPolicy, today: date, processing_on: date | None
) -> EditDecision:
    """May the buyer change the composition or volume of the order today? (O6, O7, O11)."""
    if state in FINAL_STATES or state in {SHIPPED, DELIVERED, SUSPENDED}:
        return EditDecision(
            False,
            False,
            "O7",
            "La commande ne peut plus être modifiée.",
            "The order can no longer be changed.",
        )
    if policy.edit_until == "processing" and processing_on is not None:
        if state in {SUBMITTED, ACCEPTED} and today < processing_on:
            return EditDecision(
                True,
                False,
                "O6",
                f"Modifiable librement jusqu'au traitement du {processing_on:%d/%m/%Y}.",
                f"Free to change until processing on {processing_on.isoformat()}.",
            )
        if policy.after_cutoff == "seller_consent_before_production":
            return EditDecision(
                True,
                True,
                "O6",
                "Le traitement a eu lieu : une modification exige l'accord du vendeur.",
                "Processing has taken place: a change needs the seller's consent.",
            )
        return EditDecision(
            False,
            False,
            "O6",
            "Le traitement a eu lieu : plus de modification possible.",
            "Processing has taken place: no more changes.",
        )
    if policy.edit_until == "acceptance" and state in {SUBMITTED, HELD}:
        return EditDecision(
            True,
            False,
            "O8",
            "Modifiable jusqu'à l'acceptation du vendeur.",
            "Can be changed until the seller accepts.",
        )
    if state == IN_PROGRESS or policy.after_acceptance == "forbidden":
        return EditDecision(
            False,
            False,
            "O7",
            "Une commande en cours ne peut pas être modifiée.",
            "An order in progress cannot be changed.",
        )
    if policy.after_acceptance == "free":
        return EditDecision(True, False, "O11", "Modifiable.", "Can be changed.")
    return EditDecision(
        True,
        True,
        "O11",
        "Toute modification exige l'accord écrit du vendeur et peut entraîner des frais.",
        "Any change needs the seller's written consent and may add fees.",
    )


def request_hash(payload: dict[str, Any]) -> str:
    """A stable fingerprint of a submission, to tell a retry from a different order reusing the
    same idempotency key."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class NextDeadline:
    at: datetime | None
    action: str  # "", "lapse", "auto_accept", "acceptance_overdue", "process", "terminate"


def next_deadline(
    *,
    state: str,
    acceptance_due_on: date | None,
    on_silence: str,
    processing_on: date | None,
    suspended_until: date | None,
    acceptance_overdue_noted: bool = False,
) -> NextDeadline:
    """The single next time-driven step of an order (N2), stored for the sweep."""
    if state in {SUBMITTED, HELD} and acceptance_due_on is not None:
        action = {"lapse": "lapse", "auto_accept": "auto_accept"}.get(on_silence)
        if action is None and not acceptance_overdue_noted:
            action = "acceptance_overdue"
        if action is not None:
            return NextDeadline(end_of_day(acceptance_due_on), action)
    if state in {SUBMITTED, ACCEPTED} and processing_on is not None:
        return NextDeadline(start_of_day(processing_on), "process")
    if state == SUSPENDED and suspended_until is not None:
        return NextDeadline(end_of_day(suspended_until), "terminate")
    return NextDeadline(None, "")
