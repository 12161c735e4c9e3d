"""Engine output: the quote and its cited items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comptoir.terms.duedates import Instalment
from comptoir.terms.engine.citations import Clause, Explanation


@dataclass(frozen=True, slots=True)
class QuoteLine:
    sku: str
    requested_quantity: int
    quantity: int  # after O4 adjustment
    unit_price: Decimal  # net unit price after tier and promotion (informational, 2 decimals)
    list_unit_price: Decimal  # tariff unit price
    net_amount: Decimal  # quantity × tariff unit price (line net before the quote's discounts)
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class Charge:
    """A fee (added) or a discount (deducted), with its VAT rate and its citation."""

    code: str
    amount: Decimal
    vat_rate: Decimal
    rule: str
    clause: Clause
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Finding:
    """A violation (blocks the order) or a warning (does not)."""

    code: str
    rule: str
    clause: Clause
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    lines: Decimal
    fees: Decimal
    discounts: Decimal
    excl_vat: Decimal
    vat: Decimal
    incl_vat: Decimal
    vat_breakdown: tuple[VatLine, ...]


@dataclass(frozen=True, slots=True)
class PaymentOption:
    method: str
    label: str
    invoice_date: date
    due_dates: tuple[date, ...]
    discount: Decimal | None  # cash discount excl. VAT when paid by ``discount_deadline``
    discount_deadline: date | None
    amount_with_discount: Decimal | None  # incl. VAT, discount and its VAT deducted
    instalments: tuple[Instalment, ...]
    financial_fee: Decimal | None
    rule: str
    clause: Clause
    explanation: Explanation
    collection_date: date | None = None  # direct debit: the day the debit is run (PT2)
    variant: str = ""  # PT3: "x3" for 3 instalments, "+45" for a 45-day deferral, "" for the term

    @property
    def key(self) -> str:
        """The option's stable key among a quote's options (PT2, PT3): the method, then the
        variant — "transfer", "financing_partner:x3", "financing_partner:+45"."""
        return f"{self.method}:{self.variant}" if self.variant else self.method


@dataclass(frozen=True, slots=True)
class Deadline:
    code: str
    date: date
    rule: str
    clause: Clause
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class Quote:
    at: str  # ISO instant of the quote
    order_date: date  # Europe/Paris date of ``at``
    lines: tuple[QuoteLine, ...]
    fees: tuple[Charge, ...]
    discounts: tuple[Charge, ...]
    violations: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    totals: Totals
    payment_options: tuple[PaymentOption, ...]
    deadlines: tuple[Deadline, ...]

    @property
    def accepted(self) -> bool:
        return not self.violations
