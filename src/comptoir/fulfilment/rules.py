"""The pure decisions of fulfilment (no database): incoterm and risk (F9), the contestation
deadline (F4, N2), the refused-delivery fee (F7), packaging refunds (F10) and attachments (A5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from comptoir.core.errors import DomainError
from comptoir.ordering.rules import end_of_day
from comptoir.terms.engine.deadlines import period_end
from comptoir.terms.engine.policy import Period
from comptoir.terms.schema.zones import EU_MEMBERS, FRENCH_OUTERMOST

ZERO = Decimal("0.00")
CENTS = Decimal("0.01")

DEFAULT_INSIDE_EU = "DAP"
DEFAULT_OUTSIDE_EU = "FCA"

# --- F9 ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncotermChoice:
    incoterm: str
    risk_passes_at: str
    inside_eu: bool


def in_eu(country: str) -> bool:
    code = (country or "FR").upper()
    return code in EU_MEMBERS or code in FRENCH_OUTERMOST


def incoterm_for(
    country: str,
    *,
    inside_eu: str | None = None,
    outside_eu: str | None = None,
    risk_passes_at: str | None = None,
) -> IncotermChoice:
    """F9: DAP inside the EU, FCA outside, unless the terms name others. Risk passes where the
    terms say; without a clause, on delivery (EU) or at hand-over to the buyer's carrier."""
    eu = in_eu(country)
    incoterm = (inside_eu or DEFAULT_INSIDE_EU) if eu else (outside_eu or DEFAULT_OUTSIDE_EU)
    if risk_passes_at is None:
        risk_passes_at = "delivery" if eu else "handover_to_buyer_carrier"
    elif not eu and risk_passes_at == "delivery" and incoterm == "FCA":
        risk_passes_at = "handover_to_buyer_carrier"  # F9: FCA hands over to the buyer's carrier
    return IncotermChoice(incoterm, risk_passes_at, eu)


# --- F4 / N2 ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deadline:
    on: date
    at: datetime


def contestation_deadline(delivered_on: date, period: Period | None) -> Deadline | None:
    """The last day to contest (start day excluded) and the instant it passes: the end of that
    day in Paris. None when the terms set no contestation period."""
    if period is None:
        return None
    last = period_end(delivered_on, period)
    return Deadline(last, end_of_day(last))


def contest_check(deadline_at: datetime | None, now: datetime, clause: str = "") -> None:
    """F4: a contest after the deadline is refused."""
    if deadline_at is not None and now >= deadline_at:
        raise DomainError(
            "contestation_deadline_passed",
            "Le délai de contestation est expiré ; la livraison est réputée conforme."
            + (f" ({clause})" if clause else ""),
            field="order",
            rule="F4",
        )


# --- F7 ---------------------------------------------------------------------------------------


def refusal_fee(valid_reason: bool, fee: Decimal | None) -> Decimal:
    """F7: the handling fee is due only for a refusal without a valid reason."""
    if valid_reason or fee is None:
        return ZERO
    return Decimal(fee).quantize(CENTS)


# --- F10 --------------------------------------------------------------------------------------


def packaging_refund(
    *,
    condition: str,
    quantity: int,
    clean: bool,
    unit_deposit: Decimal,
    deposited_quantity: int,
    deposited_amount: Decimal,
    returned_clean_before: int,
    unclean_before: bool,
    refunded_before: Decimal,
) -> Decimal:
    """What the seller owes back for a return (F10).

    ``per_item_returned``: each clean unit returned earns its deposit back. ``all_returned_clean``:
    nothing until every unit deposited has come back clean; then the whole deposit not yet
    refunded. An unclean return earns nothing (and under ``all_returned_clean`` blocks the refund).
    """
    if quantity <= 0:
        raise DomainError("invalid_quantity", "Return at least one unit.", "quantity", "F10")
    if not clean:
        return ZERO
    if condition == "all_returned_clean":
        if unclean_before or returned_clean_before + quantity < deposited_quantity:
            return ZERO
        return max(ZERO, (deposited_amount - refunded_before).quantize(CENTS))
    owed_back = max(ZERO, deposited_amount - refunded_before)
    return min(owed_back, (unit_deposit * quantity).quantize(CENTS))


# --- A5 ---------------------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def attachment_check(name: str, content_type: str, size: int, head: bytes) -> None:
    """A5: PDF, JPEG or PNG, at most 10 MB; the first bytes must match the declared type."""
    magic = ALLOWED_TYPES.get(content_type)
    if magic is None:
        raise DomainError(
            "attachment_type",
            f"{name}: seuls les fichiers PDF, JPEG et PNG sont acceptés.",
            field="attachments",
            rule="A5",
        )
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            "attachment_too_large",
            f"{name}: 10 Mo au plus par pièce jointe.",
            field="attachments",
            rule="A5",
        )
    if not any(head.startswith(m) for m in magic):
        raise DomainError(
            "attachment_content",
            f"{name}: le contenu ne correspond pas au type {content_type}.",
            field="attachments",
            rule="A5",
        )
