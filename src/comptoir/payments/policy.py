"""What payments reads from a seller's terms: the document in force, compiled late-payment terms,
and the clause to cite for each consequence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from comptoir.terms.engine.adapter import policy_for
from comptoir.terms.interest import LatePaymentTerms
from comptoir.terms.queries import terms_document, terms_in_force
from comptoir.terms.schema import TermsDocument


@dataclass(frozen=True)
class PaymentPolicy:
    version_id: int
    document: TermsDocument
    late: LatePaymentTerms

    @property
    def allocation(self) -> str | None:
        a = self.document.payment.allocation
        return a.order if a is not None else None

    def enabled(self, name: str) -> bool:
        """acceleration, suspension, interest_offsets_rebates: a Flag that is on."""
        flag = getattr(self.document.late_payment, name)
        return flag is not None and flag.enabled

    def clause(self, *path: str) -> str:
        """The article of the clause at `path` (e.g. "late_payment", "acceleration"), or ""."""
        node: Any = self.document
        for name in path:
            node = getattr(node, name, None)
            if node is None:
                return ""
        clause = getattr(node, "clause", None)
        return clause.article if clause is not None else ""

    @property
    def is_marketplace(self) -> bool:
        return self.document.marketplace is not None


DEPOSIT_REFUND_DAYS = 30  # PT9 [001 §4]: « au plus tard dans les trente jours »


def deposit_refund_days(policy: PaymentPolicy | None) -> int:
    """The days within which a security deposit is returned (PT9): the terms' refund time when
    they count it in calendar days, else the 30 days of [001 §4]."""
    section = policy.document.credit.security_deposit if policy is not None else None
    within = section.refund_within if section is not None else None
    if within is None or within.unit != "calendar_days":
        return DEPOSIT_REFUND_DAYS
    return int(within.amount)


_CACHE: dict[str, PaymentPolicy] = {}


def payment_policy(seller: Any, on: date) -> PaymentPolicy | None:
    """The payment policy of `seller`'s terms in force on `on` (None: no terms published),
    compiled once per terms text (versions are immutable once published)."""
    version = terms_in_force(seller, on)
    if version is None:
        return None
    hit = _CACHE.get(version.content_hash)
    if hit is None:
        document = terms_document(version)
        hit = PaymentPolicy(version.pk, document, policy_for(document).late)
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[version.content_hash] = hit
    return hit
