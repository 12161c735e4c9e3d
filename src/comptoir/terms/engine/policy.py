"""The engine's compiled view of a terms document: small frozen dataclasses, one per rule family.

``adapter.policy_for(doc)`` builds a ``Policy`` once per document (cached) from the validated
``TermsDocument``; ``evaluate`` then reads only these plain attributes, never the Pydantic model,
so that a quote costs no validation work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from comptoir.terms.duedates import DueRule
from comptoir.terms.engine.citations import NO_CLAUSE, Clause
from comptoir.terms.interest import DEFAULT_LATE_TERMS, LatePaymentTerms

STANDARD_VAT = Decimal("20")


@dataclass(frozen=True, slots=True)
class MinimumOrder:
    amount: Decimal | None  # None: set per buyer (BuyerContext.contract_minimum_order)
    mode: str = "refuse"  # "refuse" (O2 refusal) or "fee" (accepted with logistics fees)
    fee: Decimal = Decimal("0")
    fees_by_zone: tuple[tuple[str, Decimal], ...] = ()
    fee_from_contract: bool = False
    vat_rate: Decimal = STANDARD_VAT
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Shipping:
    free_from: Decimal | None = None  # free-shipping threshold excl. VAT; None = always charged
    free_from_contract: bool = False  # threshold set per buyer (its contractual minimum volume)
    fee: Decimal | None = Decimal("0")  # None: set per buyer (contract_shipping_fee)
    fees_by_zone: tuple[tuple[str, Decimal], ...] = ()
    vat_rate: Decimal = STANDARD_VAT
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Packaging:
    mode: str = "none"  # "round_nearest", "round_up", "surcharge", "refuse" or "none"
    case_size: int | None = None  # overrides the lines' pack_size when the terms fix it (001: 12)
    surcharge: Decimal | None = Decimal("0")  # None: set per buyer (contract_case_surcharge)
    surcharge_per: str = "order"  # "order" or "line"
    vat_rate: Decimal = STANDARD_VAT
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Frequency:
    max_orders_per_month: int | None = None  # above → violation (001: one order a month)
    max_mode: str = "refuse"  # "refuse" or "warn"
    fee_after: int | None = None  # more than this many orders in the month → fee (003: 2)
    fee_per_bracket: Decimal = Decimal("0")
    bracket: Decimal = Decimal("1000")
    started_brackets: bool = True  # "par tranche": started brackets count (False: complete ones)
    discretionary: bool = False  # the terms say the fee "may" be charged
    vat_rate: Decimal = STANDARD_VAT
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Tier:
    threshold: Decimal  # order amount excl. VAT from which the tier applies
    percent: Decimal


@dataclass(frozen=True, slots=True)
class Promotion:
    code: str
    percent: Decimal
    starts: date | None = None
    ends: date | None = None
    skus: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    stacking: str = "stack"  # "stack" with the tier, or "replace" it
    profiles: frozenset[str] = frozenset()  # pricing profiles concerned; empty = all
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Pricing:
    tiers: tuple[Tier, ...] = ()  # the default profile's tiers
    tiers_by_profile: tuple[tuple[str, tuple[Tier, ...]], ...] = ()
    promotions: tuple[Promotion, ...] = ()
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Vouchers:
    """O15: whether vouchers are accepted (their codes and values come with the cart)."""

    enabled: bool = False
    value_at_least_voucher: bool = True
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Eligibility:
    selective_brands: frozenset[str] = frozenset()
    selective_clause: Clause = NO_CLAUSE
    allowed_countries: frozenset[str] | None = None  # None = anywhere
    export_clause: Clause = NO_CLAUSE
    consumers_allowed: bool = True
    consumer_clause: Clause = NO_CLAUSE
    unpaid_mode: str | None = None  # "refuse", "require_prepayment", "hold_for_review", "warn"
    unpaid_clause: Clause = NO_CLAUSE
    deposit: Decimal | None = None  # PT9 security deposit required by the terms
    deposit_clause: Clause = NO_CLAUSE
    credit_clause: Clause = NO_CLAUSE
    kinds: frozenset[str] | None = None  # product kinds the seller sells; None = any
    handling_fee: Decimal | None = None  # O11 manual handling
    handling_clause: Clause = NO_CLAUSE
    large_order_threshold: Decimal | None = None  # O10: held for review (or refused) above
    large_order_action: str = "hold_for_review"
    large_order_clause: Clause = NO_CLAUSE
    credit_limit: Decimal | None = None  # PT10 cap fixed in the terms (else BuyerContext's)
    hold_when_overdue: bool = False  # PT11/F8: deliveries suspended while the buyer is late
    hold_clause: Clause = NO_CLAUSE
    # C2: countries carts with selective lines may go to (None = anywhere; seed 003 §11)
    selective_allowed_countries: frozenset[str] | None = None
    selective_export_clause: Clause = NO_CLAUSE
    # O11: the terms provide a handling fee (amount above, or per buyer when from contract)
    handling_possible: bool = False
    handling_fee_from_contract: bool = False


@dataclass(frozen=True, slots=True)
class CashDiscount:
    percent: Decimal
    days: int
    methods: frozenset[str] = frozenset()  # empty = any method
    base: str = "excl_vat_incl_shipping"  # or "excl_vat" (goods only) or "incl_vat"
    clause: Clause = NO_CLAUSE
    basis: str = "invoice"  # the window starts at: invoice, order, validation, receipt, issue


@dataclass(frozen=True, slots=True)
class PaymentTerm:
    method: str
    due: DueRule = field(default_factory=DueRule)
    label: str = ""
    cash_discount: CashDiscount | None = None
    instalments: tuple[int, ...] = ()  # e.g. (2, 3, 4) through the financing partner
    instalment_spacing_days: int = 30
    deferrals: tuple[int, ...] = ()  # e.g. (30, 45, 60)
    option_id: str = ""
    buyers: str = "all"  # "all", "business" or "consumer"
    max_order_amount: Decimal | None = None  # incl. VAT ceiling for this option (PT10)
    clause: Clause = NO_CLAUSE
    collection: DueRule | None = None  # direct debits: when the debit is run (seed 001 §4)


@dataclass(frozen=True, slots=True)
class FinancialFees:
    standard: DueRule
    percent_per_period: Decimal = Decimal("0.5")
    period_days: int = 15
    exempt_methods: frozenset[str] = frozenset()
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Payment:
    terms: tuple[PaymentTerm, ...] = ()
    financial_fees: FinancialFees | None = None
    no_discount_mention: bool = True


@dataclass(frozen=True, slots=True)
class Period:
    days: int
    kind: str = (
        "calendar"  # calendar, from_next_day, business (ouvrés), working (ouvrables), months
    )
    clause: Clause = NO_CLAUSE
    text: str = ""


@dataclass(frozen=True, slots=True)
class Processing:
    weekday: int  # 0 = Monday
    nth: int  # 2 = second, -1 = last
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class Deadlines:
    acceptance: Period | None = None
    acceptance_on_silence: str = "lapse"  # "lapse", "auto_accept" or "pending"
    processing: Processing | None = None
    lead_time: Period | None = None
    lead_time_from: str = "order"  # "order" or "processing"
    contestation: Period | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    seller: str = ""
    minimum: MinimumOrder | None = None
    shipping: Shipping | None = None
    packaging: Packaging | None = None
    frequency: Frequency | None = None
    pricing: Pricing = field(default_factory=Pricing)
    vouchers: Vouchers = field(default_factory=Vouchers)
    eligibility: Eligibility = field(default_factory=Eligibility)
    payment: Payment = field(default_factory=Payment)
    deadlines: Deadlines = field(default_factory=Deadlines)
    late: LatePaymentTerms = DEFAULT_LATE_TERMS
