"""Terms sections about selling: meta, seller, pricing, ordering (credit, consumers and fulfilment
are in ``fulfilment.py`` and re-exported here)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from comptoir.terms.schema.base import (
    Amount,
    Clause,
    Count,
    DefinedIn,
    Delay,
    Flag,
    Model,
    Percent,
    PositiveCount,
    Slug,
    Weekday,
)
from comptoir.terms.schema.fulfilment import (  # re-exported: split from this module
    WITHDRAWAL_EXCEPTIONS,
    Consumers,
    Contestation,
    Credit,
    CreditLimit,
    Fulfilment,
    Incoterms,
    LargeOrderReview,
    LeadTime,
    OnDeterioration,
    RefusedDelivery,
    ReturnableDeposits,
    ReturnableItem,
    SecurityDeposit,
    UnpaidAction,
    Withdrawal,
)
from comptoir.terms.schema.selective import SelectiveDistribution

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
    selective_distribution: SelectiveDistribution | None = None
    """C2: selective-brand network and its export restriction (seed 003 §11)."""
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
    manual_handling_fee_amount: Amount | None = None
    """The handling fee excl. VAT charged on an order flagged for manual handling."""
    manual_handling_fee_defined_in: DefinedIn = "terms"
    """buyer_contract: the amount is set per buyer (``BuyerContext.contract_handling_fee``)."""
    clause: Clause | None = None

    @model_validator(mode="after")
    def _handling(self) -> Changes:
        if not self.manual_handling_fee and (
            self.manual_handling_fee_amount is not None
            or self.manual_handling_fee_defined_in == "buyer_contract"
        ):
            raise ValueError(
                "manual_handling_fee_amount and manual_handling_fee_defined_in need "
                "manual_handling_fee = true"
            )
        return self


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
    tracking_by_number_and_email: bool = False
    """O16: anyone with the order number and the buyer's e-mail can follow the order."""
    clause: Clause | None = None


__all__ = [
    "WITHDRAWAL_EXCEPTIONS",
    "Acceptance",
    "CaseMultiples",
    "Changes",
    "Consumers",
    "Contestation",
    "Credit",
    "CreditLimit",
    "Fulfilment",
    "Incoterms",
    "LargeOrderReview",
    "LeadTime",
    "Meta",
    "MinimumOrder",
    "OnDeterioration",
    "OrderFrequency",
    "Ordering",
    "PriceIncreaseRight",
    "PriceTier",
    "PriceTiers",
    "Pricing",
    "Processing",
    "Promotion",
    "RefusedDelivery",
    "ReturnableDeposits",
    "ReturnableItem",
    "SecurityDeposit",
    "Seller",
    "Shipping",
    "TariffChange",
    "UnpaidAction",
    "Vouchers",
    "Withdrawal",
    "ZoneFee",
]
