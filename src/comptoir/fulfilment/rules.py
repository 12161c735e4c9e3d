"""The pure decisions of fulfilment (no database): incoterm and risk (F9), the contestation
deadline and its sub-deadlines (F4, N2), the refused-delivery fee and the formal notice for
uncollected goods (F7, N1), packaging refunds (F10), what the buyer's next invoice carries
(F7, F10, I5) and attachments (A5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from comptoir.core.calendar import is_holiday
from comptoir.core.errors import DomainError
from comptoir.ordering.rules import PARIS, end_of_day
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
            _("The contestation period has ended; the delivery is deemed conforming.")
            + (f" ({clause})" if clause else ""),
            field="order",
            rule="F4",
        )


# --- F4 sub-deadlines (selective-beauty [003 §3], electronics [002 §9.1]) ----------------------

UNIT_KINDS = {
    "calendar_days": "calendar",
    "business_days": "business",
    "working_days": "working",
    "days_from_next_day": "from_next_day",
    "months": "months",
}
UNIT_WORDS = {
    "calendar": "jour(s) calendaire(s)",
    "business": "jour(s) ouvré(s)",
    "working": "jour(s) ouvrable(s)",
    "from_next_day": "jour(s)",
    "months": "mois",
    "holidays_excluded": "jour(s), jours fériés non compris (C. com. L133-3)",
}
# F4 [003 §3]: the carrier protest is due "en cas d'avarie ou de perte partielle".
CARRIER_RESERVES = frozenset({"damaged", "missing_item", "missing_parcel"})


def days_excluding_holidays(start: date, days: int) -> date:
    """The last of `days` days after `start` (excluded), French public holidays not counted:
    the carrier protest of C. com. L133-3 ("dans les trois jours, non compris les jours
    fériés, qui suivent celui de cette réception")."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if not is_holiday(day):
            counted += 1
    return day


def delay_deadline(start: date, amount: int, unit: str) -> Deadline:
    """The last day of a delay of the terms counted from `start` (excluded) and the instant it
    passes (the end of that day, Paris time) (N2). Hours count as whole days here."""
    kind = UNIT_KINDS.get(unit, "calendar")
    days = -(-amount // 24) if unit in {"hours", "business_hours"} else amount
    if unit == "weeks":
        days = amount * 7
    last = period_end(start, Period(days, kind))
    return Deadline(last, end_of_day(last))


def carrier_protest_deadline(received_on: date, amount: int) -> Deadline:
    """F4 [003 §3]: the reasoned protest to the carrier within `amount` days of the receipt, as
    article L133-3 of the Code de commerce the terms refer to counts them: the day of receipt
    excluded, public holidays not counted (the original wins over the preset's calendar days)."""
    last = days_excluding_holidays(received_on, amount)
    return Deadline(last, end_of_day(last))


def carrier_protest_needed(kinds: Sequence[str]) -> bool:
    """F4 [003 §3]: a protest to the carrier is due for damage or partial loss only."""
    return any(kind in CARRIER_RESERVES for kind in kinds)


def counting_text(amount: int, unit: str) -> str:
    if unit == "holidays_excluded":
        return f"{amount} {UNIT_WORDS[unit]}"
    kind = UNIT_KINDS.get(unit, "calendar")
    return f"{amount} {UNIT_WORDS.get(kind, unit)}"


def follow_up_done_check(deadline_on: date, done_on: date, today: date, rule: str = "F4") -> None:
    """The act the buyer reports must have been done by the last day, and not in the future."""
    if done_on > today:
        raise DomainError(
            "invalid_date", _("That date is still to come."), field="done_on", rule=rule
        )
    if done_on > deadline_on:
        raise DomainError(
            "deadline_passed",
            _("The deadline was %(date)s.") % {"date": f"{deadline_on:%d/%m/%Y}"},
            field="done_on",
            rule=rule,
        )


def wrong_goods_charge(quantity: int, unit_price: Decimal) -> Decimal:
    """F4 [002 §9.1]: wrong or excess goods not returned in time are paid at the usual price."""
    if quantity <= 0:
        raise DomainError("invalid_quantity", _("At least one unit."), field="quantity", rule="F4")
    if unit_price < 0:
        raise DomainError("invalid_price", _("A price is positive."), field="unit_price", rule="F4")
    return (Decimal(quantity) * unit_price).quantize(CENTS)


# --- F7 ---------------------------------------------------------------------------------------


def refusal_fee(valid_reason: bool, fee: Decimal | None) -> Decimal:
    """F7: the handling fee is due only for a refusal without a valid reason."""
    if valid_reason or fee is None:
        return ZERO
    return Decimal(fee).quantize(CENTS)


def notice_deadline(sent_at: datetime, amount: int, unit: str) -> datetime:
    """F7/N1 [001 §8]: the instant a formal notice has stayed unanswered. Hours run from the
    sending to the minute ("quarante-huit heures après une mise en demeure"); days end at the
    end of the last day (N2)."""
    if unit == "hours":
        return sent_at + timedelta(hours=amount)
    return delay_deadline(sent_at.astimezone(PARIS).date(), amount, unit).at


def resolution_check(deadline_at: datetime, now: datetime) -> None:
    """F7 [001 §8]: the seller may record the resolution only once the notice stayed unanswered
    for the whole delay."""
    if now < deadline_at:
        raise DomainError(
            "notice_running",
            _("The formal notice runs until %(at)s.")
            % {"at": f"{deadline_at.astimezone(PARIS):%d/%m/%Y %H:%M}"},
            field="shipment",
            rule="F7",
        )


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
        raise DomainError("invalid_quantity", _("Return at least one unit."), "quantity", "F10")
    if not clean:
        return ZERO
    if condition == "all_returned_clean":
        if unclean_before or returned_clean_before + quantity < deposited_quantity:
            return ZERO
        return max(ZERO, (deposited_amount - refunded_before).quantize(CENTS))
    owed_back = max(ZERO, deposited_amount - refunded_before)
    return min(owed_back, (unit_deposit * quantity).quantize(CENTS))


# F10: a deposit on returnable packaging is not part of the price of the goods: it stays outside
# the VAT base while the packaging is expected back (CGI art. 267; directive 2006/112/EC art. 92),
# so it is billed at 0 % on its own line, and its refund is deducted at the same 0 %.
DEPOSIT_VAT_RATE = Decimal("0.00")
DEPOSIT_LINE_MAX = 300  # the invoice line's description


def deposit_line_text(
    *, item_name: str, unit: str, order_number: str, article: str = "", clause: str = ""
) -> str:
    """The description of a deposit's invoice line (F10): what, for which order, and the
    seller's clause; cut to the line's length."""
    text = f"Consigne : {item_name} ({unit}), commande {order_number}, remboursable au retour"
    if article:
        text += f" — {article}"
        if clause:
            text += f" : « {clause} »"
    if len(text) + len(" (F10)") <= DEPOSIT_LINE_MAX:
        return text + " (F10)"
    cut = "… (F10)"
    return text[: DEPOSIT_LINE_MAX - len(cut)] + cut


# --- the buyer's next invoice (F7, F10, I5) ----------------------------------------------------


def refunds_within(refunds: Sequence[tuple[int, Decimal]], room: Decimal) -> list[int]:
    """Which deposit refunds (id, amount), oldest first, the next invoice can deduct without its
    base going below zero (EN 16931); the rest waits for a later invoice. A refund is deducted
    whole or not at all."""
    chosen, left = [], room
    for pk, amount in refunds:
        if 0 < amount <= left:
            chosen.append(pk)
            left -= amount
    return chosen


# --- documents of their own when no next invoice comes (F7, F10, I5) ---------------------------

# F10: the 0 % deposit line is exempt (UNCL 5305 "E", reason `billing.rules.EXEMPTION_REASONS`):
# "O" (not subject to VAT) cannot share an invoice with taxed lines (EN 16931 BR-O-11 … BR-O-14).
DEPOSIT_VAT_CATEGORY = "E"
# F10: packaging kept past its return deadline is sold: its deposit becomes taxable at the
# standard rate (CGI art. 278).
PACKAGING_SALE_VAT_RATE = Decimal("20.00")
STANDALONE_AFTER_DAYS = 30  # default of COMPTOIR_STANDALONE_AFTER_DAYS
PACKAGING_RETURN_DAYS = 90  # default of COMPTOIR_PACKAGING_RETURN_DAYS (the seeds set none)
GOODS_CHARGES = frozenset({"wrong_goods_kept", "packaging_kept"})


def standalone_nature(*, deposits: int, charge_codes: Sequence[str]) -> str:
    """BT-23 of a standalone invoice: goods (deposits, goods kept), services (fees, transport),
    or mixed."""
    goods = deposits > 0 or any(c in GOODS_CHARGES for c in charge_codes)
    services = any(c not in GOODS_CHARGES for c in charge_codes)
    if goods and services:
        return "mixed"
    return "services" if services else "goods"


def deposit_credits(
    *,
    deposits: Sequence[tuple[int, Decimal]],
    consumed: Decimal,
    refunds: Sequence[tuple[int, Decimal]],
    room: dict[int, Decimal],
) -> dict[int, list[tuple[int, Decimal]]]:
    """Which invoice credits each deposit refund (F10, I5), for one item of one buyer.

    `deposits` are the (invoice id, amount) of the deposits billed, oldest first; `consumed` is
    what earlier refunds took already (they take the oldest deposits first); `refunds` (id,
    amount), oldest first; `room` what each invoice can still be credited at 0 % (its 0 % base
    less its credit notes: EN 16931 allows no negative base), lowered here as credits are chosen.
    A refund is credited whole, on one or several invoices (one credit note per invoice), or
    waits with every later one."""
    invoices: list[int] = []
    left: list[Decimal] = []
    skip = consumed
    for invoice_id, amount in deposits:
        taken = min(skip, amount)
        skip -= taken
        if amount - taken > 0:
            invoices.append(invoice_id)
            left.append(amount - taken)
    chosen: dict[int, list[tuple[int, Decimal]]] = {}
    for refund_id, amount in refunds:
        need, trial, used = amount, dict(room), [ZERO] * len(left)
        for i, invoice_id in enumerate(invoices):
            take = min(need, left[i], trial.get(invoice_id, ZERO))
            if take > 0:
                trial[invoice_id] -= take
                used[i] = take
                need -= take
        if need > 0:
            break  # waits, and every later refund with it (oldest first)
        room.update(trial)
        parts: dict[int, Decimal] = {}
        for i, take in enumerate(used):
            left[i] -= take
            if take > 0:
                parts[invoices[i]] = parts.get(invoices[i], ZERO) + take
        chosen[refund_id] = list(parts.items())
    return chosen


def packaging_kept(
    *, deposits: Sequence[tuple[int, Decimal, bool]], returned: int
) -> tuple[int, Decimal]:
    """F10: the units kept past their deadline and what their deposits amount to. `deposits` are
    (quantity, unit deposit, deadline passed), oldest first; `returned` every unit returned or
    already declared kept, which the oldest deposits account for first."""
    quantity, amount, skip = 0, Decimal("0.00"), returned
    for units, unit_deposit, due in deposits:
        taken = min(skip, units)
        skip -= taken
        if due and units - taken > 0:
            quantity += units - taken
            amount += (unit_deposit * (units - taken)).quantize(CENTS)
    return quantity, amount


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
            _("%(name)s: only PDF, JPEG and PNG files are accepted.") % {"name": name},
            field="attachments",
            rule="A5",
        )
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(
            "attachment_too_large",
            _("%(name)s: at most 10 MB per attachment.") % {"name": name},
            field="attachments",
            rule="A5",
        )
    if not any(head.startswith(m) for m in magic):
        raise DomainError(
            "attachment_content",
            _("%(name)s: the content does not match the type %(type)s.")
            % {"name": name, "type": content_type},
            field="attachments",
            rule="A5",
        )
