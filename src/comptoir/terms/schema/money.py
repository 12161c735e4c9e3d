"""Terms sections about money: invoicing, payment, late payment, rebates, marketplace, retention of
title."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, Strict, model_validator

from comptoir.terms.schema.base import (
    Amount,
    Clause,
    Count,
    Delay,
    Flag,
    Model,
    Multiplier,
    PaymentMethod,
    Percent,
    PositiveCount,
    Slug,
    _to_decimal,
)

# --------------------------------------------------------------------------------------------
# invoicing (I1–I7)
# --------------------------------------------------------------------------------------------


class BillingMandate(Model):
    """I2: invoices issued by ``issuer`` in the name and on behalf of the seller."""

    issuer: Annotated[str, Field(min_length=1)]
    clause: Clause | None = None


class ContestWindow(Model):
    """I6: until when an invoice can be contested."""

    kind: Literal["before_due_date", "days_from_invoice", "until_freeze"]
    days: PositiveCount | None = None
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> ContestWindow:
        if self.kind == "days_from_invoice" and self.days is None:
            raise ValueError("kind 'days_from_invoice' needs days")
        return self


class Invoicing(Model):
    moment: Literal["at_order_end", "at_freeze", "at_shipment"] = "at_shipment"
    one_per_order: bool = True
    billing_mandate: BillingMandate | None = None
    mentions: list[str] = Field(default_factory=list)
    """I3: extra mentions printed on every invoice (the legal ones are always printed)."""
    contest_window: ContestWindow | None = None
    electronic: bool = True
    vat_rate_at: Literal["invoice_date"] = "invoice_date"
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# payment (PT1–PT8, PT12)
# --------------------------------------------------------------------------------------------

DueBasis = Literal["invoice", "order", "validation", "receipt", "issue"]
"""invoice: invoice issue date; order: order date; validation: the buyer's conformity validation
(or the contest deadline); receipt: receipt of goods and invoice; issue: issue of the debit
order."""
DueConvention = Literal["calendar", "end_of_month_then_days", "days_then_end_of_month", "immediate"]
"""calendar: basis + days; end_of_month_then_days: eom(basis) + days; days_then_end_of_month:
eom(basis + days) (the common "30 jours fin de mois"); immediate: due on the basis date."""


class DueRule(Model):
    """PT2: when an amount falls due."""

    basis: DueBasis = "invoice"
    days: Count = 0
    convention: DueConvention = "calendar"

    @model_validator(mode="after")
    def _complete(self) -> DueRule:
        if self.convention == "immediate" and self.days:
            raise ValueError("convention 'immediate' takes days = 0")
        return self

    def __str__(self) -> str:
        if self.convention == "immediate":
            return f"immediate ({self.basis})"
        return f"{self.days} days {self.convention} from {self.basis}"


class PaymentOption(Model):
    """PT1–PT3: one way of paying, with its due-date rule."""

    id: Slug
    method: PaymentMethod
    label: str = ""
    due: DueRule
    collection: DueRule | None = None
    """For direct debits: when the debit is run (may differ from the due date)."""
    pre_notification_days: Count | None = None
    partner: str = ""
    """PT3: the financing partner's name (method financing_partner)."""
    deferrals: list[PositiveCount] = Field(default_factory=list)
    """PT3: deferred payment, in days (30, 45, 60)."""
    instalments: list[Annotated[int, Strict(), Field(ge=2, le=12)]] = Field(default_factory=list)
    """PT3: split payment, number of instalments (2, 3, 4)."""
    instalment_spacing_days: PositiveCount = 30
    """PT3: calendar days between two instalments (the first falls on the due date)."""
    invoice_assigned: bool = False
    """PT3: the invoice is assigned to the partner and says so ("Facture cédée à ...")."""
    requires_agreement: bool = False
    """Only when agreed in writing with the buyer."""
    max_order_amount: Amount | None = None
    buyers: Literal["all", "business", "consumer"] = "all"
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> PaymentOption:
        if (self.deferrals or self.instalments) and self.method != "financing_partner":
            raise ValueError("deferrals and instalments need method 'financing_partner'")
        if self.method == "financing_partner" and not self.partner:
            raise ValueError("method 'financing_partner' needs partner")
        return self


class CashDiscount(Model):
    """PT2/PT6: an early-payment discount ("escompte")."""

    percent: Percent
    within_days: Count
    basis: DueBasis = "invoice"
    base: Literal["excl_vat_incl_shipping", "excl_vat", "incl_vat"] = "excl_vat_incl_shipping"
    methods: list[PaymentMethod] = Field(default_factory=list)
    """Methods that earn the discount; empty = any accepted method."""
    clause: Clause | None = None


class FinancialFees(Model):
    """PT2: fees charged for payment beyond the standard terms (not late-payment interest)."""

    percent: Percent
    per_days: PositiveCount = 30
    granularity_days: PositiveCount | None = None
    """Counted by started periods of this many days (0.5 % per 15 days → 15)."""
    beyond: DueRule
    exempt_methods: list[PaymentMethod] = Field(default_factory=list)
    clause: Clause | None = None


class CountsAsPaid(Model):
    """PT4: when a payment counts as made."""

    rule: Literal["funds_available", "payment_sent"] = "funds_available"
    lcr_received_days_before_due: Count | None = None
    transfer_hours_before_due: Count | None = None
    tip_received_days_before_due: Count | None = None
    clause: Clause | None = None


class Allocation(Model):
    """PT7: how partial payments are allocated."""

    order: Literal["interest_and_costs_first", "oldest_debt_first"]
    clause: Clause | None = None


class SetOff(Model):
    """PT8: set-off and deductions."""

    buyer_may_set_off: bool = False
    seller_may_set_off: bool = True
    unagreed_deduction_is_incident: bool = True
    clause: Clause | None = None


class FailedDebit(Model):
    """PT12: a rejected direct debit caused by the buyer bears the bank's fees (or a fixed fee)."""

    charge: Literal["bank_fees", "fixed"] = "bank_fees"
    amount: Amount | None = None
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> FailedDebit:
        if self.charge == "fixed" and self.amount is None:
            raise ValueError("charge 'fixed' needs amount")
        return self


class Payment(Model):
    options: list[PaymentOption] = Field(min_length=1)
    cash_discount: CashDiscount | None = None
    """None prints "Pas d'escompte pour paiement anticipé" (PT6)."""
    financial_fees: FinancialFees | None = None
    method_kept_all_year: Flag | None = None
    """PT5: the buyer keeps its payment method for the calendar year unless the seller agrees."""
    counts_as_paid: CountsAsPaid = CountsAsPaid()
    allocation: Allocation | None = None
    set_off: SetOff = SetOff()
    failed_debit: FailedDebit | None = None
    deferral_needs_consent: bool = True
    clause: Clause | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Payment:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError("payment option ids must be unique")
        return self

    def option(self, option_id: str) -> PaymentOption:
        for candidate in self.options:
            if candidate.id == option_id:
                return candidate
        raise KeyError(option_id)

    @property
    def methods(self) -> list[str]:
        return sorted({o.method for o in self.options})


# --------------------------------------------------------------------------------------------
# late payment (PT11)
# --------------------------------------------------------------------------------------------


class Interest(Model):
    """PT11: late-payment interest, from the day after the due date until full payment.

    kind = legal_rate_multiple: ``multiplier`` × the French legal interest rate (professional
    creditor) taken at ``rate_date``; fixed_annual: ``rate`` % a year; monthly: ``rate`` % a month;
    reference_plus_points: the ``reference`` rate (ECB main refinancing rate) + ``points``.
    """

    kind: Literal["legal_rate_multiple", "fixed_annual", "monthly", "reference_plus_points"]
    multiplier: Multiplier | None = None
    rate: Percent | None = None
    reference: Literal["ecb"] | None = None
    points: Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=100)] | None = None
    rate_date: Literal["invoice_date", "each_half_year"] = "invoice_date"
    base: Literal["incl_vat", "excl_vat"] = "incl_vat"
    day_count: Literal["actual_365"] = "actual_365"
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> Interest:
        needed = {
            "legal_rate_multiple": ("multiplier",),
            "fixed_annual": ("rate",),
            "monthly": ("rate",),
            "reference_plus_points": ("reference", "points"),
        }[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"kind {self.kind!r} needs {', '.join(missing)}")
        extra = [
            name
            for name in ("multiplier", "rate", "reference", "points")
            if name not in needed and getattr(self, name) is not None
        ]
        if extra:
            raise ValueError(f"kind {self.kind!r} does not take {', '.join(extra)}")
        return self


class FixedIndemnity(Model):
    """PT11 / D441-5: the fixed recovery indemnity per late invoice."""

    amount: Amount = Decimal("40.00")
    per: Literal["invoice"] = "invoice"
    more_on_proof: bool = True
    clause: Clause | None = None


class CollectionCosts(Model):
    """PT11: extrajudicial collection costs, ``percent`` of the principal, at least ``minimum``."""

    percent: Percent
    minimum: Amount | None = None
    vat: Literal["excl_vat"] = "excl_vat"
    clause: Clause | None = None


class LitigationPenalty(Model):
    """PT11: a penalty on invoices recovered through litigation (clause pénale)."""

    percent: Percent
    base: Literal["incl_vat", "excl_vat"] = "incl_vat"
    clause: Clause | None = None


class ReminderFee(Model):
    """PT11: a fee per reminder."""

    amount: Amount
    consumers_exempt: bool = True
    clause: Clause | None = None


class TermsCut(Model):
    """PT11: after an incident, payment terms are cut to ``max_days`` (0 = cash) for at least
    ``min_months``."""

    max_days: Count = 30
    cash_possible: bool = True
    min_months: Count = 0
    clause: Clause | None = None


class Resolution(Model):
    """PT11: the sale is resolved after an unanswered formal notice."""

    after_formal_notice: Delay
    indemnity_percent: Percent | None = None
    """An indemnity on the sums still due (15 %)."""
    goods_taken_back: bool = True
    deposit_deduction: bool = False
    """The seller may deduct what is owed from the security deposit instead."""
    clause: Clause | None = None


class LatePayment(Model):
    interest: Interest
    fixed_indemnity: FixedIndemnity | None = None
    collection_costs: CollectionCosts | None = None
    litigation_penalty: LitigationPenalty | None = None
    reminder_fee: ReminderFee | None = None
    acceleration: Flag | None = None
    """Every debt, even not yet due, becomes payable at once."""
    suspension: Flag | None = None
    """Pending orders and deliveries are suspended."""
    terms_cut: TermsCut | None = None
    resolution: Resolution | None = None
    interest_offsets_rebates: Flag | None = None
    without_reminder: bool = True
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# rebates, marketplace, retention of title
# --------------------------------------------------------------------------------------------


class RebateTier(Model):
    threshold: Amount
    percent: Percent


class Rebates(Model):
    """PT13: periodic rebates on the rebatable turnover."""

    period: Literal["quarter", "half_year", "year"] = "quarter"
    set_at: Literal["start_of_period"] = "start_of_period"
    condition: Literal["all_invoices_paid_on_time", "none"] = "all_invoices_paid_on_time"
    base: Literal["rebatable_turnover"] = "rebatable_turnover"
    """Invoiced and collected excl. VAT, net of discounts, take-backs and credit notes."""
    domestic_vat_sales_only: bool = True
    paid_by: PaymentMethod = "transfer"
    advances_clawed_back: bool = True
    tiers: list[RebateTier] = Field(default_factory=list)
    """Set at the start of each period; empty in the published terms."""
    clause: Clause | None = None


class Commission(Model):
    """PT14/I8: the operator's commission."""

    percent: Percent
    base: Literal["incl_vat_incl_shipping", "incl_vat", "excl_vat", "excl_vat_incl_shipping"] = (
        "incl_vat_incl_shipping"
    )
    vat_on_commission: bool = True
    """The commission is excl. VAT; VAT is added on the commission invoice."""
    taken_at: Literal["payment"] = "payment"
    refundable: bool = False
    clause: Clause | None = None


class LiabilityCap(Model):
    """K3: the operator's liability cap: the larger of the commissions of the last ``months``
    and ``floor_amount`` incl. VAT."""

    months: PositiveCount = 12
    floor_amount: Amount
    clause: Clause | None = None


class Marketplace(Model):
    operator: Annotated[str, Field(min_length=1)]
    commission: Commission
    funds_on_regulated_account: bool = True
    platform_conditions_prevail: Flag | None = None
    """K1: the platform's delivery, validation and payment conditions prevail over the seller's."""
    liability_cap: LiabilityCap | None = None
    clause: Clause | None = None


class RetentionOfTitle(Model):
    """PT15: goods remain the seller's until the price (and accessories) is paid."""

    enabled: bool = True
    includes_interest_and_costs: bool = True
    stock_presumed_unpaid: bool = False
    resale_allowed: bool = True
    clause: Clause | None = None
