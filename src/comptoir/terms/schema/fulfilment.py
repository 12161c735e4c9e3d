"""Terms sections about the buyer and delivery: credit (O10, PT9, PT10), consumers (O17) and
fulfilment (F1, F4–F10). Split from ``commerce.py``, which re-exports every name."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from comptoir.terms.schema.base import (
    Amount,
    Clause,
    Count,
    DefinedIn,
    Delay,
    DelayUnit,
    Flag,
    Model,
    PositiveCount,
)

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
