"""Pure rules of payments and collection: allocation (PT7), payment date (PT4), credit decision
(PT9, PT10), the collection calendar (PT11, N1), statement matching, payout amounts (PT14).

No database here: services feed these functions plain values and act on what they return.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

INTEREST_FIRST = "interest_and_costs_first"
OLDEST_FIRST = "oldest_debt_first"
COST_KINDS = frozenset({"interest", "fee"})


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def is_cents(value: Decimal) -> bool:
    """Whether `value` is a whole number of cents; False for one too large to round (1e400)."""
    try:
        return value == cents(value)
    except InvalidOperation:
        return False


# ------------------------------------------------------------------------------ allocation (PT7)


@dataclass(frozen=True, slots=True)
class Debt:
    """An open debit item of the buyer towards the seller."""

    id: int
    kind: str  # invoice, interest, fee
    reference: str
    due_date: date | None
    open_amount: Decimal


def allocation_order(debts: Sequence[Debt], order: str | None, designated: str = "") -> list[Debt]:
    """The debts in the order a payment settles them (PT7).

    * ``interest_and_costs_first`` [002 §14.8]: interest and costs, then principal, oldest first;
    * ``oldest_debt_first`` [001 §5]: by due date, whatever the payer designates;
    * terms silent: the debt the payer designates (its reference in the remittance), then the
      oldest (C. civ. art. 1342-10).
    """

    def age(d: Debt) -> tuple[date, int]:
        return (d.due_date or date.max, d.id)

    if order == INTEREST_FIRST:
        return sorted(debts, key=lambda d: (d.kind not in COST_KINDS, *age(d)))
    if order == OLDEST_FIRST or not designated:
        return sorted(debts, key=age)
    named = designated.upper()
    return sorted(
        debts, key=lambda d: (not (d.reference and d.reference.upper() in named), *age(d))
    )


def allocate(
    amount: Decimal, debts: Sequence[Debt], order: str | None, designated: str = ""
) -> list[tuple[int, Decimal]]:
    """(debt id, amount) pairs settling `amount` in PT7 order: never more than the payment, never
    more than a debt's open amount; what is left stays a credit of the buyer."""
    left = amount
    out: list[tuple[int, Decimal]] = []
    for debt in allocation_order(debts, order, designated):
        if left <= 0:
            break
        take = min(left, debt.open_amount)
        if take > 0:
            out.append((debt.id, take))
            left -= take
    return out


# ------------------------------------------------------------------------------ payment date (PT4)


def paid_on(
    *,
    method: str,
    value_date: date,
    due_date: date | None,
    received_on: date | None = None,
    lcr_days_before_due: int | None = None,
    transfer_hours_before_due: int | None = None,
) -> date:
    """The day a payment counts as made (PT4): the day funds are available, except that an LCR
    received N days before the due date, or a transfer made 24 hours before it, counts as paid
    on the due date [003 §7]."""
    if due_date is None or received_on is None:
        return value_date
    lcr_in_time = lcr_days_before_due is not None and received_on <= due_date - timedelta(
        days=lcr_days_before_due
    )
    if method == "lcr" and lcr_in_time:
        return min(value_date, due_date)
    if method == "transfer" and transfer_hours_before_due is not None:
        days = -(-transfer_hours_before_due // 24)
        if received_on <= due_date - timedelta(days=days):
            return min(value_date, due_date)
    return value_date


# ------------------------------------------------------------------------------ credit (PT9, PT10)


@dataclass(frozen=True, slots=True)
class CreditDecision:
    action: str  # "ok", "require_prepayment", "refuse", "bank_guarantee_or_deposit"
    rule: str = ""
    reason_fr: str = ""
    reason_en: str = ""

    @property
    def ok(self) -> bool:
        return self.action == "ok"


def credit_decision(
    *,
    unpaid: Decimal,
    new_order: Decimal,
    deposit_held: Decimal | None = None,
    deposit_requires_payment: bool = True,
    credit_limit: Decimal | None = None,
    above_limit: str = "require_prepayment",
) -> CreditDecision:
    """Whether an order of `new_order` (incl. VAT) may go on credit (PT9, PT10).

    PT9 [001 §4]: unpaid + new order above the deposit held → immediate payment may be required.
    PT10 [001 §6; 003 §7; 004 §8.7]: unpaid + new order above the buyer's credit limit → what the
    terms say (prepayment, refusal, or a bank guarantee or deposit)."""
    exposure = unpaid + new_order
    if credit_limit is not None and exposure > credit_limit:
        return CreditDecision(
            above_limit,
            "PT10",
            f"Encours {exposure} € au-delà de la limite de crédit de {credit_limit} €.",
            f"Outstanding {exposure} € above the credit limit of {credit_limit} €.",
        )
    if deposit_held is not None and deposit_requires_payment and exposure > deposit_held:
        return CreditDecision(
            "require_prepayment",
            "PT9",
            f"Impayés et commande ({exposure} €) au-delà du dépôt de garantie ({deposit_held} €) :"
            " paiement immédiat exigé.",
            f"Unpaid and order ({exposure} €) above the security deposit ({deposit_held} €):"
            " immediate payment required.",
        )
    return CreditDecision("ok")


# ------------------------------------------------------------------------------ collection calendar


@dataclass(frozen=True, slots=True)
class Calendar:
    """When reminders and the formal notice go out, in days after the due date. Not in the
    terms; the platform's defaults, documented in docs/payments.md."""

    reminders: tuple[int, ...] = (1, 15)
    formal_notice: int = 30


DEFAULT_CALENDAR = Calendar()


def reminder_step(due: date, today: date, calendar: Calendar = DEFAULT_CALENDAR) -> int:
    """How many reminder steps of the calendar have come by `today`. A case whose count of steps
    done is lower gets one reminder now and its count set to this (a sweep that missed days
    sends one reminder, not several)."""
    return sum(1 for days in calendar.reminders if today >= due + timedelta(days=days))


def formal_notice_due(
    due: date, today: date, already_sent: bool, calendar: Calendar = DEFAULT_CALENDAR
) -> bool:
    return not already_sent and today >= due + timedelta(days=calendar.formal_notice)


def notice_deadline(sent_on: date, amount: int, unit: str) -> date:
    """The day the formal notice's time runs out (N1): 8 calendar days [001 §5], 24 hours
    [003 §15] (hours are rounded up to whole days)."""
    if unit == "hours":
        return sent_on + timedelta(days=-(-amount // 24))
    if unit == "business_days":
        from comptoir.core.calendar import add_business_days

        return add_business_days(sent_on, amount)
    return sent_on + timedelta(days=amount)


def collection_costs(principal: Decimal, percent: Decimal, minimum: Decimal | None) -> Decimal:
    """Collection costs [002 §14.7]: percent of the principal, at least the minimum."""
    return max(cents(principal * percent / HUNDRED), minimum or ZERO)


# ------------------------------------------------------------------------------ statements


_RF = re.compile(r"RF\d{2}[0-9A-Z]{1,21}")


def payment_reference(invoice_number: str) -> str:
    """The structured creditor reference (ISO 11649, "RF…") a buyer writes on its transfer."""
    from stdnum import iso11649

    body = re.sub(r"[^0-9A-Z]", "", invoice_number.upper())[:21] or "0"
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    check = 98 - int(digits) % 97
    return iso11649.compact(f"RF{check:02d}{body}")


_ORDER_NUMBER = re.compile(r"(?<![0-9A-Z])CO[ -]?(\d{4})[ -]?(\d{6,})(?![0-9])")
"""An order number as ordering writes it, CO-YYYY-NNNNNN (O10), also without its hyphens or
with spaces, as payers type it in a remittance text."""


def order_numbers_in(text: str) -> set[str]:
    """The order numbers (CO-YYYY-NNNNNN) a remittance text names, in their canonical form."""
    return {f"CO-{year}-{serial}" for year, serial in _ORDER_NUMBER.findall(text.upper())}


def is_order_number(token: str) -> bool:
    """Whether a token of `references_in` is an order number in its canonical form (O10)."""
    return _ORDER_NUMBER.fullmatch(token) is not None and token.count("-") == 2


def references_in(text: str) -> set[str]:
    """RF references, order numbers (canonical CO-YYYY-NNNNNN, O10) and bare words of a
    remittance text, upper-cased and compacted."""
    upper = text.upper()
    found = set(_RF.findall(upper.replace(" ", "")))
    found.update(re.findall(r"[0-9A-Z][0-9A-Z/_.-]{3,}", upper))
    found.update(order_numbers_in(upper))
    return found


# ------------------------------------------------------------------------------ payouts (PT14)


@dataclass(frozen=True, slots=True)
class PayoutAmounts:
    gross: Decimal
    commission_excl_vat: Decimal
    commission_vat: Decimal

    @property
    def commission(self) -> Decimal:
        return self.commission_excl_vat + self.commission_vat

    @property
    def net(self) -> Decimal:
        return self.gross - self.commission


def payout_amounts(
    gross: Decimal, base: Decimal, percent: Decimal, vat_rate: Decimal, vat_on_commission: bool
) -> PayoutAmounts:
    """PT14 [000 §7.8]: the seller receives the amount incl. VAT minus the commission (percent of
    `base`, excl. VAT) and the VAT on it."""
    commission = cents(base * percent / HUNDRED)
    vat = cents(commission * vat_rate / HUNDRED) if vat_on_commission else ZERO
    return PayoutAmounts(gross, commission, vat)


def refund_due(*, credit_left: Decimal, card_paid: Decimal, card_refunded: Decimal) -> Decimal:
    """I5, O12: what a credit note gives back on the card that paid the order: what the note is
    still a credit of (after billing set it against what the buyer owes), at most what the card
    paid and was not refunded yet; never below zero."""
    return max(ZERO, min(credit_left, card_paid - card_refunded))


# ------------------------------------------------------------- refunds by transfer (O12, O17, I5)


@dataclass(frozen=True, slots=True)
class RefundCover:
    """What the buyer's credit covers in one export: the refunds sent, and the refunds held with
    what was left of the credit when their turn came."""

    sent: tuple[int, ...]
    held: tuple[tuple[int, Decimal], ...]
    left: Decimal


def refunds_covered(credit: Decimal, refunds: Sequence[tuple[int, Decimal]]) -> RefundCover:
    """O12, O17, I5: the due refunds of one buyer `(id, amount)`, in due order, against its net
    credit with the seller (less the refunds already sent to the bank). Each refund the credit
    left covers in full is sent and uses its share; one covered only in part (or not at all) is
    held whole, never sent for part of its amount, and uses nothing, so a later smaller refund
    the credit still covers is sent."""
    left = max(credit, ZERO)
    sent: list[int] = []
    held: list[tuple[int, Decimal]] = []
    for pk, amount in refunds:
        if amount <= left:
            sent.append(pk)
            left -= amount
        else:
            held.append((pk, left))
    return RefundCover(tuple(sent), tuple(held), left)


def refund_beyond_credit(amount: Decimal, credit: Decimal) -> Decimal:
    """O12, O17, I5: what a refund paid out exceeds the buyer's net credit with the seller at
    that moment (a negative credit is a debt: all of the refund is beyond it); the buyer owes
    it back."""
    return max(amount - max(credit, ZERO), ZERO)
