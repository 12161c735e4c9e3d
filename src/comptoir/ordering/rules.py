"""The order's state machine and the pure decisions of ordering (no database).

`TRANSITIONS` is the single table of what may happen to an order: action → (states it starts
from, state it leads to, rule). Services look the action up, refuse it from any other state, and
record the event; `docs/ordering.md` draws the same table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from comptoir.core.calendar import consumer_period_end
from comptoir.core.errors import DomainError
from comptoir.terms.schema.fulfilment import WITHDRAWAL_EXCEPTIONS

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
    # O11 [002 §4.3]: the handling fee is notified at the latest with the acceptance
    "mark_manual_handling": _t({SUBMITTED, HELD}, SAME, "O11"),
    # C6 [002 §4.6]: a replacement is proposed and answered line by line, before shipment
    "propose_substitution": _t({SUBMITTED, HELD, ACCEPTED, IN_PROGRESS}, SAME, "C6"),
    "answer_substitution": _t({SUBMITTED, HELD, ACCEPTED, IN_PROGRESS}, SAME, "C6"),
    "note_acceptance_overdue": _t({SUBMITTED, HELD}, SAME, "O8"),
    "cancel": _t({SUBMITTED, HELD, MODIFIED, ACCEPTED, IN_PROGRESS, SUSPENDED}, CANCELLED, "O12"),
    "suspend": _t({ACCEPTED, IN_PROGRESS}, SUSPENDED, "N4"),
    "resume": _t({SUSPENDED}, ACCEPTED, "N4"),
    "ship": _t({ACCEPTED, IN_PROGRESS, SHIPPED}, SHIPPED, "F2"),
    "deliver": _t({SHIPPED}, DELIVERED, "F3"),
    "freeze": _t({DELIVERED}, FROZEN, "F5"),
    # F7 [001 §8]: goods not collected, a formal notice unanswered: the seller resolves the order
    "resolve": _t({SHIPPED}, CANCELLED, "F7"),
    # O17: a consumer withdraws from a concluded contract (accepted), before or after delivery;
    # the service ends the order (cancelled) when nothing was shipped and every line is withdrawn
    "withdraw": _t({ACCEPTED, IN_PROGRESS, SHIPPED, DELIVERED, FROZEN}, SAME, "O17"),
}


ACTION_NAMES = {
    "hold": pgettext_lazy("order action", "holding for review"),
    "release": pgettext_lazy("order action", "release from review"),
    "accept": pgettext_lazy("order action", "acceptance"),
    "auto_accept": pgettext_lazy("order action", "acceptance"),
    "modify": pgettext_lazy("order action", "a modification"),
    "confirm_modification": pgettext_lazy("order action", "confirming the modification"),
    "decline_modification": pgettext_lazy("order action", "declining the modification"),
    "refuse": pgettext_lazy("order action", "refusal"),
    "lapse": pgettext_lazy("order action", "lapsing"),
    "process": pgettext_lazy("order action", "batch processing"),
    "start": pgettext_lazy("order action", "starting preparation"),
    "edit": pgettext_lazy("order action", "editing the order"),
    "change": pgettext_lazy("order action", "a change"),
    "mark_manual_handling": pgettext_lazy("order action", "a handling fee"),
    "propose_substitution": pgettext_lazy("order action", "proposing a replacement"),
    "answer_substitution": pgettext_lazy("order action", "answering a replacement"),
    "note_acceptance_overdue": pgettext_lazy("order action", "a late-acceptance note"),
    "cancel": pgettext_lazy("order action", "cancellation"),
    "suspend": pgettext_lazy("order action", "suspension"),
    "resume": pgettext_lazy("order action", "resumption"),
    "ship": pgettext_lazy("order action", "a shipment"),
    "deliver": pgettext_lazy("order action", "recording the delivery"),
    "freeze": pgettext_lazy("order action", "freezing"),
    "resolve": pgettext_lazy("order action", "resolution"),
    "withdraw": pgettext_lazy("order action", "withdrawal"),
}
"""The actions of `TRANSITIONS` as a refusal names them, in the reader's language."""


def transition_check(action: str, state: str) -> Transition:
    """The transition of `action` from `state`, or a DomainError naming the allowed states."""
    transition = TRANSITIONS[action]
    if state not in transition.sources:
        from comptoir.ordering.models import OrderState  # (models import this module)

        def label(value: str) -> str:
            name = OrderState(value).label if value in OrderState.values else value
            return _("“%(state)s”") % {"state": name}

        names = sorted(label(s) for s in transition.sources)
        allowed = (
            names[0]
            if len(names) == 1
            else _("%(some)s or %(last)s")
            % {
                "some": ", ".join(names[:-1]),
                "last": names[-1],
            }
        )
        raise DomainError(
            code="invalid_transition",
            message=_(
                "Not possible: the order is %(state)s, and %(action)s is possible only when "
                "it is %(allowed)s."
            )
            % {
                "state": label(state),
                "action": ACTION_NAMES.get(action, action),
                "allowed": allowed,
            },
            field="state",
            rule=transition.rule,
            details={"state": state, "action": action, "allowed": sorted(transition.sources)},
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
                f"Free to change until processing on {processing_on:%d/%m/%Y}.",
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


# --------------------------------------------------------------------------------------------
# O17 consumers: the withdrawal right [001 §10; 004 §1.2, §7; C. conso. L221-18 to L221-28]
# --------------------------------------------------------------------------------------------

DIGITAL_KINDS = frozenset({"download", "license_key", "software_purchase", "software_rental"})
"""Digital content not supplied on a tangible medium: its period runs from conclusion (L221-18)."""
SERVICE_KINDS = frozenset({"service"})
UNSEALING_EXCEPTIONS = ("hygiene_goods_unsealed", "sealed_media_or_software_unsealed")
"""Exceptions that depend on what the consumer does after delivery (unsealing the goods): shown
on the line as a condition, established by the seller when the goods come back, never applied
by the system at the withdrawal."""

NATURE_EXCEPTIONS: dict[str, str] = {
    "market_price": "financial_market_prices",
    "custom": "custom_goods",
    "perishable": "perishable_goods",
    "mixed": "goods_mixed_inseparably",
    "alcohol_market": "alcohol_market_value",
    "newspaper": "newspapers",
    "dated_service": "dated_leisure_services",
}
"""The exception of ``WITHDRAWAL_EXCEPTIONS`` each product nature (``Product.withdrawal_nature``)
falls under (L221-28 2°, 3°, 4°, 6°, 7°, 10°, 12°): these follow from what the product is, so the
line is excluded from a withdrawal from the start, whatever the consumer does."""

EXCEPTION_TEXTS: dict[str, tuple[str, str]] = {
    "digital_content_started_with_waiver": (
        "contenu numérique fourni sans support matériel, exécuté dès la conclusion avec "
        "l'accord exprès du consommateur, qui a renoncé à son droit de rétractation",
        "digital content not on a tangible medium, performed from conclusion with the "
        "consumer's express consent and waiver of the withdrawal right",
    ),
    "services_fully_performed": (
        "service pleinement exécuté, commencé avec l'accord exprès du consommateur qui a "
        "renoncé à son droit de rétractation",
        "service fully performed, started with the consumer's express consent and waiver",
    ),
    "hygiene_goods_unsealed": (
        "sauf si le bien est descellé après la livraison et ne peut être renvoyé pour des "
        "raisons d'hygiène ou de protection de la santé",
        "unless unsealed after delivery and not returnable for hygiene or health reasons",
    ),
    "sealed_media_or_software_unsealed": (
        "sauf si l'enregistrement ou le logiciel est descellé après la livraison",
        "unless the recording or software is unsealed after delivery",
    ),
    "financial_market_prices": (
        "bien ou service dont le prix dépend de fluctuations sur le marché financier échappant "
        "au contrôle du professionnel",
        "goods or service whose price depends on financial market fluctuations beyond the "
        "seller's control",
    ),
    "custom_goods": (
        "bien confectionné selon les spécifications du consommateur ou nettement personnalisé",
        "goods made to the consumer's specifications or clearly personalised",
    ),
    "perishable_goods": (
        "bien susceptible de se détériorer ou de se périmer rapidement",
        "goods liable to deteriorate or expire rapidly",
    ),
    "goods_mixed_inseparably": (
        "bien qui, après livraison et de par sa nature, est mélangé de manière indissociable "
        "avec d'autres articles",
        "goods which, once delivered, are by nature inseparably mixed with other items",
    ),
    "alcohol_market_value": (
        "boisson alcoolisée livrée au-delà de trente jours, dont la valeur dépend de "
        "fluctuations sur le marché échappant au contrôle du professionnel",
        "alcoholic beverage delivered after thirty days, whose value depends on market "
        "fluctuations beyond the seller's control",
    ),
    "newspapers": (
        "journal, périodique ou magazine (hors abonnement)",
        "newspaper, periodical or magazine (outside a subscription)",
    ),
    "dated_leisure_services": (
        "hébergement, transport de biens, location de voitures, restauration ou loisirs "
        "fournis à une date ou une période déterminée",
        "accommodation, transport of goods, car rental, catering or leisure services provided "
        "at a set date or period",
    ),
}


def line_withdrawal_exception(
    kind: str, exceptions: frozenset[str], waiver: bool, nature: str = ""
) -> str:
    """The key of ``WITHDRAWAL_EXCEPTIONS`` the seller's terms attach to a line of product kind
    `kind` and withdrawal nature `nature` (O17), or "". A nature whose exception the terms list
    comes first (``NATURE_EXCEPTIONS``: excluded whatever the consumer does); a nature the
    terms do not list gives no exception of its own. Digital content and services fall under
    their exception only with the consumer's express waiver recorded at checkout (L221-28 1° and
    13°; 004 §7.2, D4)."""
    by_nature = NATURE_EXCEPTIONS.get(nature, "")
    if by_nature and by_nature in exceptions:
        return by_nature
    if kind in DIGITAL_KINDS:
        key = "digital_content_started_with_waiver"
        return key if key in exceptions and waiver else ""
    if kind in SERVICE_KINDS:
        key = "services_fully_performed"
        return key if key in exceptions and waiver else ""
    return next((key for key in UNSEALING_EXCEPTIONS if key in exceptions), "")


def withdrawal_excluded(key: str, *, performed: bool) -> bool:
    """Whether a line under exception `key` is excluded from a withdrawal now: digital content
    with the waiver and the nature-based exceptions at once, a service once fully performed;
    unsealing exceptions never here."""
    if not key or key in UNSEALING_EXCEPTIONS:
        return False
    if key == "services_fully_performed":
        return performed
    return True


def exception_reason(key: str, lang: str = "fr") -> str:
    """The reason shown for exception `key`, with its legal reference (L221-28)."""
    law = WITHDRAWAL_EXCEPTIONS.get(key, "C. conso. L221-28")
    fr, en = EXCEPTION_TEXTS.get(key, ("exception légale", "legal exception"))
    return f"{fr if lang == 'fr' else en} ({law})"


def withdrawal_start(*, withdrawable_kinds: set[str], terms_from: str) -> str:
    """From which event the period runs (L221-18): "delivery" (receipt of the last lot) when a
    withdrawable line is goods, "conclusion" for services and digital content only (or when the
    terms say so), "" when no line can be withdrawn."""
    if not withdrawable_kinds:
        return ""
    if terms_from == "conclusion":
        return "conclusion"
    if withdrawable_kinds - DIGITAL_KINDS - SERVICE_KINDS:
        return "delivery"
    return "conclusion"


def withdrawal_deadline(event_day: date, days: int) -> date:
    """The last day to withdraw: `days` from the event, the event day not counted, a Saturday,
    Sunday or holiday end moved to the next working day (Reg. 1182/71 art. 3; L221-19; N2).
    Seed 001 §10 says "premier jour ouvrable suivant" under the regulation, whose art. 2(2)
    counts neither Saturdays nor Sundays as working days: delivered Fri 11 Dec 2026 → day 14 is
    Fri 25 Dec (Christmas) → Mon 28 Dec 2026."""
    return consumer_period_end(event_day, days)


def refund_due_on(notified_on: date, days: int) -> date:
    """The refund is due within `days` calendar days of the day the seller learns of the
    withdrawal (L221-24; 001 §10)."""
    return notified_on + timedelta(days=days)


def check_withdrawal_in_time(*, today: date, due_on: date | None) -> None:
    """O17: refused once the period is over (the end of `due_on`, Paris time); before the
    deadline is known (goods not yet delivered) the consumer may withdraw at any time."""
    if due_on is not None and today > due_on:
        raise DomainError(
            "withdrawal_period_over",
            _("The withdrawal period ended on %(date)s.") % {"date": f"{due_on:%d/%m/%Y}"},
            field="order",
            rule="O17",
            details={"deadline": due_on.isoformat()},
        )


def payment_choice(offered: list[tuple[str, str]], method: str, option: str) -> tuple[str, str]:
    """(method, option key) the order keeps from the buyer's choice (PT1, PT2, PT3).

    `offered` is the quote's options as (key, method) pairs, in the quote's order. Without an
    option the method alone is kept and the invoice takes the method's first option; without a
    method either, the first option's method. An option not offered, or of another method than
    the one named, is refused."""
    methods = [m for _key, m in offered]
    if option:
        found = next((m for k, m in offered if k == option), None)
        if found is None:
            raise DomainError(
                "payment_option_not_offered",
                _("Payment option '%(option)s' is not offered (offered: %(offered)s).")
                % {"option": option, "offered": ", ".join(k for k, _m in offered) or _("none")},
                field="payment_option",
                rule="PT2",
            )
        if method and method != found:
            raise DomainError(
                "payment_option_method_mismatch",
                _("Payment option '%(option)s' is not paid by '%(method)s'.")
                % {"option": option, "method": method},
                field="payment_option",
                rule="PT2",
            )
        return found, option
    if not method:
        return (methods[0] if methods else ""), ""
    if methods and method not in methods:
        raise DomainError(
            "payment_method_not_offered",
            _("Payment method '%(method)s' is not offered (offered: %(offered)s).")
            % {"method": method, "offered": ", ".join(methods)},
            field="payment_method",
            rule="PT1",
        )
    return method, ""


def schedule_variant(option: str) -> str:
    """The variant of an option key the invoice schedule picks by its label's ending (PT3):
    "financing_partner:x3" → "×3", "financing_partner:+45" → "+45", "transfer" → ""."""
    _head, _sep, variant = option.partition(":")
    return "×" + variant[1:] if variant.startswith("x") else variant


# --------------------------------------------------------------------------------------------
# O17 before placing: the withdrawal right of each cart line, shown to a consumer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineWithdrawal:
    """What a consumer ordering a cart line would have (O17, L221-18 to L221-28): whether the
    withdrawal right applies; when it does not, or may be lost, why (the exception with its
    article) and the seller's clause listing it; the period that would run; and what the
    express waiver changes for digital content and services. Texts in French and English."""

    sku: str
    applies: bool
    exception: str  # a key of WITHDRAWAL_EXCEPTIONS, or ""
    law: str  # "C. conso. L221-28 9°", or ""
    reason_fr: str
    reason_en: str
    runs_from: str  # "delivery", "conclusion", "" (no right)
    days: int
    period_fr: str
    period_en: str
    waiver_fr: str
    waiver_en: str
    clause_article: str = ""
    clause_text: str = ""
    rule: str = "O17"

    def reason(self, lang: str = "fr") -> str:
        return self.reason_fr if lang == "fr" else self.reason_en


_PERIOD_TEXTS: dict[str, tuple[str, str]] = {
    "delivery": (
        "{d} jours à compter de la réception du dernier lot (le jour de réception ne compte "
        "pas ; une fin un samedi, un dimanche ou un jour férié passe au jour ouvrable suivant)",
        "{d} days from the receipt of the last lot (the day of receipt not counted; an end on "
        "a Saturday, Sunday or holiday moves to the next working day)",
    ),
    "conclusion": (
        "{d} jours à compter de la conclusion du contrat (l'acceptation de la commande par le "
        "vendeur)",
        "{d} days from the conclusion of the contract (the seller's acceptance of the order)",
    ),
}

_WAIVER_TEXTS: dict[tuple[str, bool], tuple[str, str]] = {
    ("digital_content_started_with_waiver", True): (
        "Vous demandez la fourniture immédiate et renoncez à votre droit de rétractation "
        "pour cette ligne.",
        "You ask for immediate supply and waive your withdrawal right for this line.",
    ),
    ("digital_content_started_with_waiver", False): (
        "Si vous demandez la fourniture immédiate (renonciation), vous perdez le droit de "
        "rétractation pour cette ligne.",
        "If you ask for immediate supply (waiver), you lose the withdrawal right for this line.",
    ),
    ("services_fully_performed", True): (
        "Vous demandez que le service commence immédiatement : le droit de rétractation est "
        "perdu une fois le service pleinement exécuté.",
        "You ask for the service to start at once: the withdrawal right is lost once the "
        "service is fully performed.",
    ),
    ("services_fully_performed", False): (
        "Si vous demandez que le service commence immédiatement (renonciation), le droit de "
        "rétractation sera perdu une fois le service pleinement exécuté.",
        "If you ask for the service to start at once (waiver), the withdrawal right is lost "
        "once the service is fully performed.",
    ),
}


def _waiver_key(kind: str, exceptions: frozenset[str]) -> str:
    """The exception the express waiver brings a line of `kind` under, when the terms list it
    (L221-28 1°, 13°), or ""."""
    if kind in DIGITAL_KINDS and "digital_content_started_with_waiver" in exceptions:
        return "digital_content_started_with_waiver"
    if kind in SERVICE_KINDS and "services_fully_performed" in exceptions:
        return "services_fully_performed"
    return ""


def line_withdrawal(
    *,
    sku: str,
    kind: str,
    nature: str,
    exceptions: frozenset[str],
    waiver: bool,
    days: int,
    runs_from: str,
    clause: tuple[str, str] = ("", ""),
) -> LineWithdrawal:
    """O17 for one cart line: the exception the terms attach to it (`line_withdrawal_exception`)
    and whether it excludes the line from the start (`withdrawal_excluded`, as placing decides);
    `runs_from` is the order's start (`withdrawal_start`); `clause` (article, text) is the terms'
    clause listing the exceptions, given with a line under one."""
    key = line_withdrawal_exception(kind, exceptions, waiver, nature)
    applies = not withdrawal_excluded(key, performed=False)
    law = WITHDRAWAL_EXCEPTIONS.get(key, "") if key else ""
    reason_fr = reason_en = ""
    if key and not applies:
        reason_fr = f"Pas de droit de rétractation : {exception_reason(key, 'fr')}"
        reason_en = f"No withdrawal right: {exception_reason(key, 'en')}"
    elif key == "services_fully_performed":
        reason_fr = f"Droit de rétractation perdu une fois le service pleinement exécuté ({law})"
        reason_en = f"Withdrawal right lost once the service is fully performed ({law})"
    elif key:
        reason_fr = f"Droit de rétractation, {exception_reason(key, 'fr')}"
        reason_en = f"Withdrawal right, {exception_reason(key, 'en')}"
    start = runs_from if applies else ""
    period_fr, period_en = (t.format(d=days) for t in _PERIOD_TEXTS.get(start, ("", "")))
    waiver_fr, waiver_en = _WAIVER_TEXTS.get((_waiver_key(kind, exceptions), waiver), ("", ""))
    article, text = clause if key else ("", "")
    return LineWithdrawal(
        sku=sku,
        applies=applies,
        exception=key,
        law=law,
        reason_fr=reason_fr,
        reason_en=reason_en,
        runs_from=start,
        days=days,
        period_fr=period_fr,
        period_en=period_en,
        waiver_fr=waiver_fr,
        waiver_en=waiver_en,
        clause_article=article,
        clause_text=text,
    )


def cart_withdrawal(
    lines: Sequence[tuple[str, str, str]],
    *,
    exceptions: frozenset[str],
    waiver: bool,
    days: int,
    terms_from: str,
    clause: tuple[str, str] = ("", ""),
) -> tuple[LineWithdrawal, ...]:
    """O17 before placing, for the cart `lines` as (sku, product kind, withdrawal nature): each
    line's `line_withdrawal`, the period running from the order's start as placing will store it
    (`withdrawal_start`: from delivery as soon as a withdrawable line is goods)."""
    withdrawable: set[str] = set()
    for _sku, kind, nature in lines:
        key = line_withdrawal_exception(kind, exceptions, waiver, nature)
        if not withdrawal_excluded(key, performed=False):
            withdrawable.add(kind)
    start = withdrawal_start(withdrawable_kinds=withdrawable, terms_from=terms_from)
    return tuple(
        line_withdrawal(
            sku=sku,
            kind=kind,
            nature=nature,
            exceptions=exceptions,
            waiver=waiver,
            days=days,
            runs_from=start,
            clause=clause,
        )
        for sku, kind, nature in lines
    )


def consumer_document(order_flags: Iterable[bool]) -> bool:
    """Whether a document billing the orders whose `consumer` flags are `order_flags` is a
    consumer's (O17: no B2B penalty-rate and 40 € mentions): an order's invoice follows its
    order; a document gathering several orders' items is a consumer's only when every one of
    them is (a professional's item keeps the mentions L441-9 requires)."""
    flags = list(order_flags)
    return bool(flags) and all(flags)


def consumer_split(order_flags: Sequence[bool]) -> list[tuple[bool, list[int]]]:
    """O17, I1: the documents for items whose orders' `consumer` flags are `order_flags` (a
    natural person may buy for itself and for its trade), as (consumer document, positions of
    its items): the professional items on one document that keeps the L441-9 mentions, the
    consumer items on another without them; the professional one first, none when empty."""
    groups = []
    for consumer in (False, True):
        positions = [i for i, flag in enumerate(order_flags) if bool(flag) == consumer]
        if positions:
            groups.append((consumer, positions))
    return groups


def consumers_served_check(sellers: Sequence[tuple[int, str, bool]]) -> None:
    """O17, O1: a consumer's one-step checkout over `sellers` (id, name, whether its terms in
    force serve consumers) places nothing while one of them sells to professionals only: the
    buyer leaves it out or orders as a professional. Placing the others alone would split one
    confirmation the buyer gave as a whole; placing that seller's order as a professional's
    would take the consumer's protection away without its say."""
    refusing = [(pk, name) for pk, name, allowed in sellers if not allowed]
    if refusing:
        names = ", ".join(name for _pk, name in refusing)
        raise DomainError(
            "consumers_not_served",
            ngettext(
                "Sales to professionals only at %(names)s: nothing was ordered. Leave this "
                "seller out of the checkout or order as a professional.",
                "Sales to professionals only at %(names)s: nothing was ordered. Leave these "
                "sellers out of the checkout or order as a professional.",
                len(refusing),
            )
            % {"names": names},
            field="as_consumer",
            rule="O17",
            details={"sellers": [{"id": pk, "name": name} for pk, name in refusing]},
        )


def consumer_buyer_check(*, is_company: bool) -> None:
    """O17: only a natural person orders (or has a quote) as a consumer."""
    if is_company:
        raise DomainError(
            "consumer_must_be_a_person",
            _("Only a natural person (not a company) can order as a consumer."),
            field="as_consumer",
            rule="O17",
        )
