"""What ordering reads from a seller's terms version: acceptance, processing, changes, invoicing
and contestation (O6–O8, O11, I1, F4, N4), compiled once per version."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.ordering.rules import EditPolicy
from comptoir.terms.engine.adapter import policy_for
from comptoir.terms.engine.policy import Period, Policy
from comptoir.terms.models import TermsVersion
from comptoir.terms.queries import terms_document
from comptoir.terms.schema import TermsDocument


@dataclass(frozen=True, slots=True)
class OrderingPolicy:
    document: TermsDocument
    engine: Policy
    acceptance_mode: str  # "auto" or "manual"
    on_silence: str  # "lapse", "auto_accept", "pending"
    monthly_processing: bool
    edit: EditPolicy
    invoicing_moment: str  # "at_order_end", "at_freeze", "at_shipment" (I1)
    contestation: Period | None
    contestation_on_silence: str  # "conform" or "no_claim"
    force_majeure_months: int | None  # N4
    partial_deliveries: bool


def _force_majeure_months(doc: TermsDocument) -> int | None:
    fm = doc.force_majeure
    if fm is None:
        return None
    if fm.suspend_up_to.unit == "months":
        return int(fm.suspend_up_to.amount)
    return max(1, int(fm.suspend_up_to.amount) // 30)


_CACHE: dict[str, OrderingPolicy] = {}


def _compile(version: TermsVersion) -> OrderingPolicy:
    doc = terms_document(version)
    engine = policy_for(doc)
    o = doc.ordering
    contest = doc.fulfilment.contestation
    return OrderingPolicy(
        document=doc,
        engine=engine,
        acceptance_mode=o.acceptance.mode,
        on_silence=o.acceptance.on_silence,
        monthly_processing=o.processing.mode == "monthly",
        edit=EditPolicy(
            edit_until=o.processing.edit_until,
            after_cutoff=o.processing.after_cutoff,
            after_acceptance=o.changes.after_acceptance,
        ),
        invoicing_moment=doc.invoicing.moment,
        contestation=engine.deadlines.contestation,
        contestation_on_silence=contest.on_silence if contest is not None else "no_claim",
        force_majeure_months=_force_majeure_months(doc),
        partial_deliveries=o.partial_deliveries,
    )


def ordering_policy(version: TermsVersion) -> OrderingPolicy:
    """The compiled policy of a terms version, cached by the hash of its text."""
    key = version.content_hash
    found = _CACHE.get(key)
    if found is None:
        if len(_CACHE) > 256:
            _CACHE.clear()
        found = _CACHE[key] = _compile(version)
    return found
