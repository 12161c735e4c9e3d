"""The terms-of-sale document: a seller's terms as validated data (Pydantic v2, no Django).

A terms document is a TOML file. Every model forbids unknown keys and is frozen; money and rates
are ``Decimal`` (write them as strings, ``"100.00"``, or as TOML numbers: floats are converted
through ``str()`` so ``0.1`` stays ``Decimal("0.1")``). Every configurable rule carries an optional
``clause = {article = "Art. 3", text = "..."}`` quoting the seller's own sentence, so a fee, a
refusal or a due date can be explained with the rule ID of RULES.md and the seller's article.

Top-level sections (``TermsDocument``), with the RULES.md IDs they configure:

=====================  ===========================================================================
``schema_version``     always 1
``meta``               preset id, title, language, currency, source document, version label
``seller``             seller identity (name, legal form, SIREN, VAT number, address, contact)
``pricing``            C1/C3/C4/C5: prices excl./incl. VAT, tariff-change notice, price-increase
                       termination right, ``price_tiers`` (net-price tiers), ``promotions``
``ordering``           O2 ``minimum_order``, O3 ``shipping``, O4 ``case_multiples``, O5
                       ``frequency``, O6/O7 ``processing``, O8 ``acceptance``, O11 ``changes``,
                       O15 ``vouchers``, O14 ``channels``, C6 ``substitution``, O13 shortage
``credit``             O10/PT9/PT10: ``on_unpaid``, ``large_order_review``, ``security_deposit``,
                       ``credit_limit``, ``on_deterioration``
``consumers``          O17/D4: consumer sales allowed, ``withdrawal`` (days, exceptions)
``fulfilment``         F1 ``lead_time``, F4/F5 ``contestation``, F7 ``refused_delivery``, F10
                       ``returnable_deposits``, F9 ``incoterms``, F6/F8 flags
``invoicing``          I1 ``moment``, I2 ``billing_mandate``, I3 ``mentions``, I6
                       ``contest_window``, I7 ``electronic``
``payment``            PT1–PT6 ``options`` (method + ``due`` rule, instalments, deferrals),
                       ``cash_discount``, ``financial_fees``, ``method_kept_all_year``, PT4
                       ``counts_as_paid``, PT7 ``allocation``, PT8 ``set_off``, PT12
                       ``failed_debit``
``late_payment``       PT11: ``interest``, ``fixed_indemnity``, ``collection_costs``,
                       ``litigation_penalty``, ``reminder_fee``, ``acceleration``, ``suspension``,
                       ``terms_cut``, ``resolution``, ``interest_offsets_rebates``
``rebates``            PT13 periodic rebates
``marketplace``        PT14/I8/K1/K3: operator, ``commission``, liability cap
``retention_of_title`` PT15
``after_sales``        A1 ``rma``, A2 ``warranty``, A3 ``take_back``, A4 ``recalls``
``digital``            D1–D4: license purchase, rental, key/link delivery, withdrawal end
``force_majeure``      N4
``terms_changes``      N3 (when a new version applies) — C3's tariff notice is in ``pricing``
``contract_penalties`` N5
=====================  ===========================================================================

Field names are stable: new fields are added, existing ones are never renamed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

# --------------------------------------------------------------------------------------------
# Scalar types
# --------------------------------------------------------------------------------------------


def _to_decimal(value: Any) -> Any:
    """Accept str, int and TOML floats (through ``str()``, never binary float arithmetic)."""
    if isinstance(value, bool):
        raise ValueError("expected a decimal number, not a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("expected a finite decimal number")
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
        if not number.is_finite():
            raise ValueError("expected a finite decimal number")
        return number
    return value


Dec = Annotated[Decimal, BeforeValidator(_to_decimal)]
"""Any decimal (may be negative): only for signed quantities."""
Amount = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, decimal_places=2)]
"""A money amount in euros, >= 0, at most two decimals."""
Percent = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=100, decimal_places=4)]
"""A percentage: ``"1.5"`` means 1.5 %."""
Multiplier = Annotated[Decimal, BeforeValidator(_to_decimal), Field(gt=0, decimal_places=4)]
Count = Annotated[int, Strict(), Field(ge=0)]
PositiveCount = Annotated[int, Strict(), Field(gt=0)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=50)]
Text = Annotated[str, Field(max_length=4000)]

PaymentMethod = Literal[
    "card", "sepa_debit", "transfer", "lcr", "pay_by_invoice", "paypal", "financing_partner", "tip"
]
DelayUnit = Literal[
    "calendar_days",  # jours calendaires
    "business_days",  # jours ouvrés: Mon–Fri minus French public holidays
    "working_days",  # jours ouvrables: Mon–Sat minus French public holidays
    "days_from_next_day",  # counted from the day after the event, ends at the end of the last day
    "business_hours",  # heures ouvrées (e.g. 48 h ouvrées)
    "hours",
    "weeks",
    "months",
]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DefinedIn = Literal["terms", "buyer_contract"]
"""Where a figure is set: in these terms, or per buyer in its contract (C5)."""


class Model(BaseModel):
    """Base of every terms model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Clause(Model):
    """The seller's own wording for a rule: its article and a short quote."""

    article: Annotated[str, Field(min_length=1, max_length=120)]
    text: Text = ""

    def __str__(self) -> str:
        return f"{self.article} — {self.text}" if self.text else self.article


class Flag(Model):
    """A provision that is on or off, with the clause that states it."""

    enabled: bool = True
    clause: Clause | None = None


class Delay(Model):
    """A duration: ``{amount = 2, unit = "business_days"}``."""

    amount: Count
    unit: DelayUnit = "calendar_days"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


# --------------------------------------------------------------------------------------------
# meta, seller
# --------------------------------------------------------------------------------------------


class Meta(Model):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    preset: Slug | None = None
    language: Literal["fr", "en"] = "fr"
    currency: Literal["EUR"] = "EUR"
    kind: Literal["seller", "marketplace"] = "seller"
    version_label: str = ""
    source: str = ""
    """Where the terms come from (e.g. the seed document they translate)."""
    buyers: Literal["business", "business_and_consumers"] = "business"


class Seller(Model):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    legal_form: str = ""
    share_capital: Amount | None = None
    siren: Annotated[str, Field(pattern=r"^\d{9}$")] | None = None
    rcs: str = ""
    vat_number: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    court: str = ""
    """The commercial court the terms name for disputes."""


# --------------------------------------------------------------------------------------------
# pricing (C1, C3, C4, C5)
# --------------------------------------------------------------------------------------------


class TariffChange(Model):
    """C3: a tariff change needs this notice."""

    notice: Delay
    clause: Clause | None = None


class PriceIncreaseRight(Model):
    """C3: under a framework agreement, an increase above the threshold lets the buyer terminate."""

    threshold_percent: Percent
    unless_unforeseen: bool = True
    clause: Clause | None = None


class PriceTier(Model):
    """From ``min_amount`` (order total excl. VAT) the tier's discount applies."""

    min_amount: Amount
    discount_percent: Percent
    label: str = ""


class PriceTiers(Model):
    """C4: the order total (one shipment, one invoice, one delivery) selects the tier."""

    profile: Slug = "default"
    basis: Literal["order_total_excl_vat"] = "order_total_excl_vat"
    steps: list[PriceTier] = Field(default_factory=list)
    clause: Clause | None = None

    @model_validator(mode="after")
    def _ascending(self) -> PriceTiers:
        amounts = [s.min_amount for s in self.steps]
        if amounts != sorted(amounts) or len(set(amounts)) != len(amounts):
            raise ValueError("steps must have strictly increasing min_amount")
        return self


class Promotion(Model):
    """C4: a time-limited promotion that replaces or stacks with the tier discount."""

    code: Slug
    label: str = ""
    starts_on: date
    ends_on: date
    discount_percent: Percent
    stacking: Literal["replace", "stack"] = "replace"
    products: list[str] = Field(default_factory=list)
    """Seller SKUs concerned; empty means every product."""
    profiles: list[Slug] = Field(default_factory=list)
    clause: Clause | None = None

    @model_validator(mode="after")
    def _period(self) -> Promotion:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class Pricing(Model):
    prices_include_vat: bool = False
    """C1: prices are excl. VAT unless the seller prices incl. VAT."""
    tariff_at: Literal["order_date"] = "order_date"
    visible_to_visitors: bool = True
    """P5: False reserves prices to logged-in professionals."""
    customer_conditions_override: bool = True
    """C5: conditions agreed with one buyer override the general tariff for that buyer."""
    tariff_change: TariffChange | None = None
    price_increase_termination: PriceIncreaseRight | None = None
    price_tiers: list[PriceTiers] = Field(default_factory=list)
    promotions: list[Promotion] = Field(default_factory=list)
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# ordering (O2–O17 except O10 and O17, which have their sections)
# --------------------------------------------------------------------------------------------


class ZoneFee(Model):
    zone: Annotated[str, Field(min_length=1)]
    amount: Amount


class MinimumOrder(Model):
    """O2: below ``amount`` (excl. VAT) the order is refused or bears a fee."""

    amount: Amount | None = None
    defined_in: DefinedIn = "terms"
    basis: Literal["excl_vat"] = "excl_vat"
    policy: Literal["refuse", "fee"] = "refuse"
    fee: Amount | None = None
    fees_by_zone: list[ZoneFee] = Field(default_factory=list)
    fees_defined_in: DefinedIn = "terms"
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> MinimumOrder:
        if self.defined_in == "terms" and self.amount is None:
            raise ValueError("amount is required when defined_in = 'terms'")
        if (
            self.policy == "fee"
            and self.fees_defined_in == "terms"
            and self.fee is None
            and not self.fees_by_zone
        ):
            raise ValueError("policy 'fee' needs fee or fees_by_zone (or fees_defined_in)")
        return self


class Shipping(Model):
    """O3: free shipping from ``free_threshold`` (excl. VAT), otherwise ``fee`` or a zone fee."""

    free_threshold: Amount | None = None
    threshold_defined_in: DefinedIn = "terms"
    fee: Amount | None = None
    fees_by_zone: list[ZoneFee] = Field(default_factory=list)
    fees_defined_in: DefinedIn = "terms"
    basis: Literal["excl_vat"] = "excl_vat"
    area: str = ""
    """Where the threshold applies (e.g. "France métropolitaine")."""
    clause: Clause | None = None


class CaseMultiples(Model):
    """O4: quantities must respect the packaging standard."""

    policy: Literal["refuse", "round_to_nearest_standard", "surcharge"]
    case_size: PositiveCount | None = None
    """A fixed case size for every product; None = each product's packaging standard."""
    surcharge: Amount | None = None
    surcharge_per: Literal["order", "line"] = "order"
    surcharge_defined_in: DefinedIn = "terms"
    show_adjusted_quantity: bool = True
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> CaseMultiples:
        if (
            self.policy == "surcharge"
            and self.surcharge_defined_in == "terms"
            and self.surcharge is None
        ):
            raise ValueError("policy 'surcharge' needs surcharge (or surcharge_defined_in)")
        return self


class OrderFrequency(Model):
    """O5: at most ``max_orders`` per period (refuse), or a fee per started bracket of the order
    amount for each order beyond ``free_orders`` in the period."""

    period: Literal["calendar_month"] = "calendar_month"
    policy: Literal["refuse", "fee"]
    max_orders: PositiveCount | None = None
    free_orders: Count | None = None
    fee_per_bracket: Amount | None = None
    bracket: Amount | None = None
    """Bracket size of the order amount excl. VAT (24 € per started 1,000 € → 1000.00)."""
    bracket_rounding: Literal["started", "complete"] = "started"
    at_seller_discretion: bool = False
    """True when the terms say the fee "may" be charged."""
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> OrderFrequency:
        if self.policy == "refuse" and self.max_orders is None:
            raise ValueError("policy 'refuse' needs max_orders")
        if self.policy == "fee" and (
            self.free_orders is None or self.fee_per_bracket is None or self.bracket is None
        ):
            raise ValueError("policy 'fee' needs free_orders, fee_per_bracket and bracket")
        if self.bracket is not None and self.bracket <= 0:
            raise ValueError("bracket must be greater than 0")
        return self


class Processing(Model):
    """O6/O7: when orders are processed and until when the buyer may edit them."""

    mode: Literal["immediate", "daily", "monthly"] = "immediate"
    weekday: Weekday | None = None
    nth: Annotated[int, Strict(), Field(ge=-1, le=5)] | None = None
    """For monthly processing: 1..5 = the nth weekday of the month, -1 = the last one."""
    edit_until: Literal["never", "processing", "acceptance"] = "never"
    after_cutoff: Literal["forbidden", "seller_consent_before_production"] = "forbidden"
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> Processing:
        if self.mode == "monthly" and (self.weekday is None or self.nth in (None, 0)):
            raise ValueError("monthly processing needs weekday and nth")
        return self


class Acceptance(Model):
    """O8: how and within what deadline the seller accepts, modifies or refuses an order."""

    mode: Literal["manual", "auto"] = "auto"
    deadline: Delay | None = None
    """None with mode manual: the deadline is set case by case (e.g. shown by the platform)."""
    on_silence: Literal["lapse", "auto_accept", "pending"] = "pending"
    """lapse: the offer is rejected and the buyer released; auto_accept: silence accepts;
    pending: nothing happens (the buyer stays bound, the seller is late)."""
    best_effort: bool = False
    """True when the deadline is an endeavour ("fera tout son possible"), not a term."""
    acceptance_by: list[Literal["explicit", "delivery", "payment_request"]] = Field(
        default_factory=lambda: ["explicit"]
    )
    acknowledgement_is_not_acceptance: bool = True
    modification_returns_to_buyer: bool = True
    buyer_order_irrevocable: bool = False
    clause: Clause | None = None


class Changes(Model):
    """O11: changes or cancellation after acceptance."""

    after_acceptance: Literal["seller_written_consent", "forbidden", "free"] = (
        "seller_written_consent"
    )
    extra_fees_possible: bool = False
    manual_handling_fee: bool = False
    """Orders needing manual handling may bear a handling fee."""
    clause: Clause | None = None


class Vouchers(Model):
    """O15: free promotional vouchers."""

    enabled: bool = True
    shop_only: bool = True
    one_per_order: bool = True
    apply_before_finalisation_only: bool = True
    goods_value_at_least_voucher: bool = True
    remainder_refunded: bool = False
    cash_or_interest: bool = False
    transferable: bool = True
    refunded_on_withdrawal: bool = False
    clause: Clause | None = None


class Ordering(Model):
    channels: list[Literal["web", "api", "edi", "intranet", "phone", "sales_rep"]] = Field(
        default_factory=lambda: ["web"]
    )
    minimum_order: MinimumOrder | None = None
    shipping: Shipping | None = None
    case_multiples: CaseMultiples | None = None
    frequency: OrderFrequency | None = None
    processing: Processing = Processing()
    acceptance: Acceptance = Acceptance()
    changes: Changes = Changes()
    vouchers: Vouchers | None = None
    substitution: Flag | None = None
    """C6: the seller may propose a replacement item."""
    shortage: Literal["arrival_order"] = "arrival_order"
    partial_deliveries: bool = True
    forward_orders_allowed: bool = True
    """False when orders "à livrer à terme" are not admitted."""
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# credit (O10, PT9, PT10)
# --------------------------------------------------------------------------------------------

UnpaidAction = Literal["refuse", "require_prepayment", "hold_for_review"]


class LargeOrderReview(Model):
    """O10: abnormally large or disproportionate orders are held for review (or refused)."""

    threshold: Amount | None = None
    """A fixed amount excl. VAT; None = the seller's judgement (disproportionate to potential)."""
    action: Literal["hold_for_review", "refuse"] = "hold_for_review"
    clause: Clause | None = None


class SecurityDeposit(Model):
    """PT9: a deposit paid at signature, returned after the contract ends minus what is owed."""

    amount: Amount
    interest_bearing: bool = False
    refund_within: Delay | None = None
    immediate_payment_when_exceeded: bool = True
    """When unpaid amounts plus the new order exceed the deposit, immediate payment may be
    required."""
    clause: Clause | None = None


class CreditLimit(Model):
    """PT10: a cap on each buyer's outstanding."""

    amount: Amount | None = None
    defined_in: DefinedIn = "buyer_contract"
    above: Literal["bank_guarantee_or_deposit", "require_prepayment", "refuse"] = (
        "require_prepayment"
    )
    clause: Clause | None = None


class OnDeterioration(Model):
    """PT10: on credit deterioration the terms shrink to ``max_days`` (0 = cash)."""

    max_days: Count = 0
    clause: Clause | None = None


class Credit(Model):
    on_unpaid: UnpaidAction | None = None
    """O10: what the seller does with an order from a buyer with unpaid items or a dispute."""
    on_unpaid_alternatives: list[UnpaidAction] = Field(default_factory=list)
    on_unpaid_clause: Clause | None = None
    large_order_review: LargeOrderReview | None = None
    security_deposit: SecurityDeposit | None = None
    credit_limit: CreditLimit | None = None
    on_deterioration: OnDeterioration | None = None
    pay_by_invoice_limit: Amount | None = None
    """PT10: pay-by-invoice limited to orders up to this amount (None = no fixed limit)."""
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# consumers (O17)
# --------------------------------------------------------------------------------------------

WITHDRAWAL_EXCEPTIONS: dict[str, str] = {
    "services_fully_performed": "C. conso. L221-28 1°",
    "financial_market_prices": "C. conso. L221-28 2°",
    "custom_goods": "C. conso. L221-28 3°",
    "perishable_goods": "C. conso. L221-28 4°",
    "hygiene_goods_unsealed": "C. conso. L221-28 5°",
    "goods_mixed_inseparably": "C. conso. L221-28 6°",
    "alcohol_market_value": "C. conso. L221-28 7°",
    "urgent_repairs": "C. conso. L221-28 8°",
    "sealed_media_or_software_unsealed": "C. conso. L221-28 9°",
    "newspapers": "C. conso. L221-28 10°",
    "public_auction": "C. conso. L221-28 11°",
    "dated_leisure_services": "C. conso. L221-28 12°",
    "digital_content_started_with_waiver": "C. conso. L221-28 13°",
}
"""The legal exceptions to the consumer's withdrawal right (the linter checks against these)."""


class Withdrawal(Model):
    """O17: the consumer's withdrawal right."""

    days: PositiveCount = 14
    from_: Literal["receipt_of_last_lot", "conclusion"] = Field(
        default="receipt_of_last_lot", alias="from"
    )
    counting: Literal["eu_1182_71"] = "eu_1182_71"
    exceptions: list[str] = Field(default_factory=list)
    """Keys of ``WITHDRAWAL_EXCEPTIONS``."""
    refund_within_days: PositiveCount = 14
    return_costs: Literal["buyer", "seller"] = "buyer"
    form_provided: bool = True
    clause: Clause | None = None


class Consumers(Model):
    allowed: bool = False
    withdrawal: Withdrawal | None = None
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# fulfilment (F1, F4–F10)
# --------------------------------------------------------------------------------------------


class LeadTime(Model):
    """F1: estimated delivery lead time."""

    amount: Count
    unit: DelayUnit = "business_days"
    from_: Literal["order_receipt", "order", "processing", "acceptance", "payment"] = Field(
        default="order_receipt", alias="from"
    )
    indicative: bool = True
    delay_allows_cancellation: bool = False
    clause: Clause | None = None


class Contestation(Model):
    """F4/F5: within what deadline the buyer contests a delivery, and what silence means."""

    deadline: Delay
    from_: Literal["delivery", "arrival", "receipt"] = Field(default="delivery", alias="from")
    from_excluded: bool = True
    mode: Literal["validate_or_silence", "reserves_then_confirm", "written_claim"] = "written_claim"
    on_silence: Literal["conform", "no_claim"] = "no_claim"
    reserves_on: Literal["delivery_note", "waybill", "platform"] | None = None
    confirm_reserves_within: Delay | None = None
    carrier_protest_within: Delay | None = None
    wrong_goods_return_within: Delay | None = None
    freezes_invoice: bool = False
    """F5: at validation or when the deadline passes the invoice is frozen."""
    clause: Clause | None = None


class RefusedDelivery(Model):
    """F7: a delivery refused without valid reason, or not collected."""

    remains_due: bool = True
    fee: Amount | None = None
    transport_charged: bool = True
    uncollected_returned_at_buyer_cost: bool = False
    resolution_after_formal_notice: Delay | None = None
    clause: Clause | None = None


class ReturnableItem(Model):
    name: Annotated[str, Field(min_length=1)]
    deposit: Amount | None = None
    """Deposit per unit; None = the amount on the tariff."""
    unit: str = "unit"


class ReturnableDeposits(Model):
    """F10: deposits on returnable packaging."""

    items: list[ReturnableItem] = Field(min_length=1)
    pickup: Literal["monthly", "on_request", "with_next_delivery"] | None = None
    refund_condition: Literal["all_returned_clean", "per_item_returned"] = "per_item_returned"
    refund_as: Literal["credit_note_on_next_invoice", "transfer"] = "credit_note_on_next_invoice"
    clause: Clause | None = None


class Incoterms(Model):
    """F9: incoterms and transfer of risk."""

    inside_eu: Literal["DAP", "FCA", "EXW", "DDP", "CPT", "CIP"] | None = None
    outside_eu: Literal["DAP", "FCA", "EXW", "DDP", "CPT", "CIP"] | None = None
    risk_passes_at: Literal["delivery", "dispatch", "handover_to_buyer_carrier"] = "delivery"
    clause: Clause | None = None


class Fulfilment(Model):
    lead_time: LeadTime | None = None
    contestation: Contestation | None = None
    refused_delivery: RefusedDelivery | None = None
    returnable_deposits: ReturnableDeposits | None = None
    incoterms: Incoterms | None = None
    delivery_address_change: Flag | None = None
    """F6: another address needs a written request the seller approves."""
    hold_when_behind: Flag | None = None
    """F8: deliveries are suspended while the buyer is behind on its obligations."""
    clause: Clause | None = None


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


# --------------------------------------------------------------------------------------------
# after-sales (A1–A4)
# --------------------------------------------------------------------------------------------


class Rma(Model):
    """A1: return merchandise authorisations."""

    technical_only: bool = True
    validity: Delay
    inspection_within: Delay | None = None
    commercial_returns: Literal["written_agreement_only", "allowed", "forbidden"] = (
        "written_agreement_only"
    )
    clause: Clause | None = None


class WarrantyPeriod(Model):
    months: PositiveCount
    start: Literal["delivery", "resale", "transfer_of_risk"] = "delivery"
    resale_window_months: PositiveCount | None = None
    """Starts at resale when the buyer resells within this many months of delivery."""
    max_months_after_delivery: PositiveCount | None = None


class ConsumablesWarranty(Model):
    months: PositiveCount = 6
    max_life_months: PositiveCount | None = None
    max_unit_price: Amount | None = None


class Warranty(Model):
    """A2: the contractual warranty."""

    provided: bool = True
    own_brand: WarrantyPeriod | None = None
    professional_use: WarrantyPeriod | None = None
    consumables: ConsumablesWarranty | None = None
    other_brands: Literal["manufacturer", "same_as_own_brand", "none"] = "manufacturer"
    business_months: PositiveCount | None = None
    """A single period for business buyers (digital goods: 12 months)."""
    claim_within: Delay | None = None
    claim_from: Literal["discovery", "delivery"] = "discovery"
    claim_via_rma: bool = False
    remedies: list[Literal["repair", "replace", "refund"]] = Field(default_factory=list)
    replacement_restarts_period: bool = False
    no_fault_fee_minimum: Amount | None = None
    exclusions: list[str] = Field(default_factory=list)
    clause: Clause | None = None


class TakeBack(Model):
    """A3: take-backs of unsold stock."""

    allowed: bool = True
    prior_written_agreement: bool = True
    at_buyer_cost: bool = True
    abatement_percent: Percent | None = None
    tariff_reference: Literal["january_1_previous_year", "current"] = "current"
    stale_goods_credited: bool = False
    clause: Clause | None = None


class AfterSales(Model):
    rma: Rma | None = None
    warranty: Warranty | None = None
    take_back: TakeBack | None = None
    recalls: Flag | None = None
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# digital goods (D1–D4, F11)
# --------------------------------------------------------------------------------------------


class LicensePurchase(Model):
    """D1: perpetual license with a number of seats."""

    seats_enforced: bool = True
    backup_copy_allowed: bool = True
    transferable: bool = True
    transfer_ends_own_use: bool = True
    volume_packs_splittable: bool = False
    clause: Clause | None = None


class Rental(Model):
    """D2: time-limited license."""

    ends_at_term: bool = True
    ends_on_breach: bool = True
    transferable: bool = False
    clause: Clause | None = None


class DigitalDelivery(Model):
    """D3/F11: keys and download links by e-mail."""

    channel: Literal["email"] = "email"
    keys: bool = True
    download_links: bool = True
    clause: Clause | None = None


class Digital(Model):
    license_purchase: LicensePurchase | None = None
    rental: Rental | None = None
    delivery: DigitalDelivery = DigitalDelivery()
    use_requires_full_payment: bool = True
    provisional_use_allowed: bool = True
    withdrawal_ends_on: list[Literal["activation", "download", "service_start"]] = Field(
        default_factory=list
    )
    """D4: events after which a consumer no longer has a withdrawal right."""
    express_waiver_required: bool = True
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# notices and terms (N3–N5)
# --------------------------------------------------------------------------------------------


class ForceMajeure(Model):
    """N4: suspension up to ``suspend_up_to``, then adapt or terminate without compensation."""

    suspend_up_to: Delay
    then: list[Literal["adapt", "terminate"]] = Field(
        default_factory=lambda: ["adapt", "terminate"]
    )
    compensation: bool = False
    clause: Clause | None = None


class TermsChanges(Model):
    """N3: when a new version of these terms applies."""

    effective: Literal["day_after_publication", "after_notice"] = "day_after_publication"
    notice: Delay | None = None
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> TermsChanges:
        if self.effective == "after_notice" and self.notice is None:
            raise ValueError("effective 'after_notice' needs notice")
        return self


class ContractPenalties(Model):
    """N5: contractual penalties."""

    per_breach_percent: Percent | None = None
    per_day_percent: Percent | None = None
    repossession_non_cooperation_percent_per_day: Percent | None = None
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# the document
# --------------------------------------------------------------------------------------------


class TermsDocument(Model):
    """A seller's terms of sale. See the module docstring for the sections."""

    schema_version: Literal[1] = 1
    meta: Meta
    seller: Seller
    pricing: Pricing = Pricing()
    ordering: Ordering = Ordering()
    credit: Credit = Credit()
    consumers: Consumers = Consumers()
    fulfilment: Fulfilment = Fulfilment()
    invoicing: Invoicing = Invoicing()
    payment: Payment
    late_payment: LatePayment
    rebates: Rebates | None = None
    marketplace: Marketplace | None = None
    retention_of_title: RetentionOfTitle | None = None
    after_sales: AfterSales = AfterSales()
    digital: Digital | None = None
    force_majeure: ForceMajeure | None = None
    terms_changes: TermsChanges = TermsChanges()
    contract_penalties: ContractPenalties | None = None

    def clauses(self) -> Iterator[tuple[str, Clause]]:
        """Every clause in the document with its dotted location (e.g. ``ordering.shipping``)."""
        yield from _walk_clauses(self, "")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (decimals as strings, TOML key names)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _walk_clauses(node: Any, prefix: str) -> Iterator[tuple[str, Clause]]:
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            key = field.alias or name
            where = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Clause):
                yield (prefix or "document", value) if name == "clause" else (where, value)
            else:
                yield from _walk_clauses(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_clauses(item, f"{prefix}[{index}]")


__all__ = [
    "WITHDRAWAL_EXCEPTIONS",
    "Acceptance",
    "AfterSales",
    "Allocation",
    "Amount",
    "BillingMandate",
    "CaseMultiples",
    "CashDiscount",
    "Changes",
    "Clause",
    "CollectionCosts",
    "Commission",
    "Consumers",
    "ConsumablesWarranty",
    "ContestWindow",
    "Contestation",
    "ContractPenalties",
    "CountsAsPaid",
    "Credit",
    "CreditLimit",
    "Dec",
    "Delay",
    "Digital",
    "DigitalDelivery",
    "DueRule",
    "FailedDebit",
    "FinancialFees",
    "FixedIndemnity",
    "Flag",
    "ForceMajeure",
    "Fulfilment",
    "Incoterms",
    "Interest",
    "Invoicing",
    "LargeOrderReview",
    "LatePayment",
    "LeadTime",
    "LiabilityCap",
    "LicensePurchase",
    "LitigationPenalty",
    "Marketplace",
    "Meta",
    "MinimumOrder",
    "Model",
    "OnDeterioration",
    "OrderFrequency",
    "Ordering",
    "Payment",
    "PaymentOption",
    "Percent",
    "PriceIncreaseRight",
    "PriceTier",
    "PriceTiers",
    "Pricing",
    "Processing",
    "Promotion",
    "Rebates",
    "RebateTier",
    "RefusedDelivery",
    "ReminderFee",
    "Rental",
    "Resolution",
    "RetentionOfTitle",
    "ReturnableDeposits",
    "ReturnableItem",
    "Rma",
    "SecurityDeposit",
    "Seller",
    "SetOff",
    "Shipping",
    "TakeBack",
    "TariffChange",
    "TermsChanges",
    "TermsCut",
    "TermsDocument",
    "Vouchers",
    "Warranty",
    "WarrantyPeriod",
    "Withdrawal",
    "ZoneFee",
]
