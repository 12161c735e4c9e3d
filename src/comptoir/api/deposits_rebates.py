"""A seller's security deposits (PT9) and rebate agreements (PT13) with its buyers through the
API, as the page /seller/buyers/<id>/deposit-and-rebates/ (web/receivables_more.py): the
deposits received, set off and returned; recording one received; returning them once the
contract ended; the rebate agreements with their settlements; setting a quarter's tiers.

Permissions (P4), as that page: the seller's members with "credit and invoices"
(`view_invoices`, also a key's scope), 403 for the others; a buyer's organization has no such
routes (404); a buyer the seller never traded with (no order, nothing on its account) answers
404, never its data.

Recording a deposit and returning them take an `Idempotency-Key` header: the same key with the
same request answers the first result and records nothing more (api.idempotency). A rebate
agreement is one per buyer and quarter: setting it again replaces its tiers before the quarter
starts. The quarterly settlement stays the sweep's (`payments.rebates`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.api.idempotency import IdempotencyHeader, once
from comptoir.core.errors import DomainError, NotFound
from comptoir.ordering import queries as ordering
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments.models import Deposit, RebateAgreement
from comptoir.payments.services.credit import deposit_receive, deposit_return
from comptoir.payments.services.rebates import rebate_agreement_set, rebate_settle_now

router = Router(tags=["payments"])

FINANCE = Permission.VIEW_INVOICES
MAX_ID = 2**62
MAX_TIERS = 20  # as the page's form
# the period's last day must still be a date (a year period starting in 9999 ends in 10000)
LAST_PERIOD_START = date(9998, 12, 31)


# --- who sees whom -------------------------------------------------------------------------------


def _seller(request: HttpRequest) -> Organization:
    """The acting organization as a seller with `view_invoices` (403 without it); a buyer's
    organization has none of these routes (404)."""
    membership: Membership = member(request, FINANCE)
    if not membership.organization.is_seller:
        raise NotFound(_("Seller"))
    return membership.organization


def _buyer(seller: Organization, buyer_id: int) -> Organization:
    """A buyer the seller traded with (an order placed, or anything on its account, as the page
    and the statement of account); any other answers 404."""
    buyer = None
    if buyer_id != seller.pk:
        buyer = ordering.buyers_of(seller).filter(pk=buyer_id).first()
    if buyer is None:
        raise NotFound(_("Buyer"), field="buyer_id")
    return buyer


# --- schemas -------------------------------------------------------------------------------------


class DepositFilter(Schema):
    buyer_id: int | None = Field(None, ge=1, le=MAX_ID, description="one buyer's deposits")
    status: str | None = Field(
        None,
        pattern="^(" + "|".join(Deposit.Status.values) + ")$",
        description="held, or returned at the end of the contract",
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class DepositOut(Schema):
    id: int
    buyer_id: int
    buyer: str
    amount: Decimal = Field(description="received")
    received_on: date
    deducted: Decimal = Field(description="set off against what the buyer owed (PT8, PT9)")
    held: Decimal = Field(description="still held: amount − deducted − returned_amount")
    status: str = Field(description="held or returned")
    contract_ended_on: date | None
    return_due_on: date | None = Field(description="the day the rest is to be back at the latest")
    returned_on: date | None = Field(description="the day the return was recorded")
    returned_amount: Decimal = Field(description="what goes back to the buyer")


class DepositPageOut(Schema):
    items: list[DepositOut]
    count: int
    offset: int
    limit: int


class DepositIn(Schema):
    buyer_id: int = Field(ge=1, le=MAX_ID)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="euros received")
    received_on: date = Field(description="the day it was received: today or before")


class DepositReturnIn(Schema):
    buyer_id: int = Field(ge=1, le=MAX_ID)
    contract_ended_on: date = Field(
        description="today or before, not before the deposits held were received"
    )
    owed_seen: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=14,
        decimal_places=2,
        description=(
            "what the buyer owed when you decided (the balance of /api/receivables, 0 when it "
            "owed nothing); when given and no longer true, the return is refused with "
            "`balance_changed` and nothing is deducted"
        ),
    )


class DepositReturnOut(Schema):
    buyer_id: int
    deposits: list[DepositOut] = Field(description="the buyer's deposits after the return")


class RebateFilter(Schema):
    buyer_id: int | None = Field(None, ge=1, le=MAX_ID, description="one buyer's agreements")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class TierIn(Schema):
    threshold: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="rebatable turnover excl. VAT (€)"
    )
    percent: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)


class TierOut(Schema):
    threshold: Decimal
    percent: Decimal


class SettlementOut(Schema):
    turnover: Decimal = Field(description="the rebatable turnover of the period")
    percent: Decimal
    earned: Decimal
    offset: Decimal = Field(description="late-payment interest and penalties set against it")
    due: Decimal
    forfeited: bool
    reason: str
    settled_on: date


class RebateAgreementOut(Schema):
    id: int
    buyer_id: int
    buyer: str
    period_start: date
    period_end: date
    tiers: list[TierOut]
    set_on: date
    settlement: SettlementOut | None = Field(
        description="null until the sweep settles the period once it can be judged"
    )


class RebateAgreementPageOut(Schema):
    items: list[RebateAgreementOut]
    count: int
    offset: int
    limit: int


class RebateAgreementIn(Schema):
    buyer_id: int = Field(ge=1, le=MAX_ID)
    period_start: date = Field(
        le=LAST_PERIOD_START, description="the first day of the quarter, today at the earliest"
    )
    tiers: list[TierIn] = Field(min_length=1, max_length=MAX_TIERS)


def _deposit(deposit: Deposit) -> dict:
    return {
        "id": deposit.pk,
        "buyer_id": deposit.buyer_id,
        "buyer": deposit.buyer.display_name,
        "amount": deposit.amount,
        "received_on": deposit.received_on,
        "deducted": deposit.deducted,
        "held": deposit.held,
        "status": deposit.status,
        "contract_ended_on": deposit.contract_ended_on,
        "return_due_on": deposit.return_due_on,
        "returned_on": deposit.returned_on,
        "returned_amount": deposit.returned_amount,
    }


def _agreement(agreement: RebateAgreement) -> dict:
    settlement = getattr(agreement, "settlement", None)
    return {
        "id": agreement.pk,
        "buyer_id": agreement.buyer_id,
        "buyer": agreement.buyer.display_name,
        "period_start": agreement.period_start,
        "period_end": agreement.period_end,
        "tiers": [
            {"threshold": Decimal(str(t["threshold"])), "percent": Decimal(str(t["percent"]))}
            for t in agreement.tiers
        ],
        "set_on": agreement.set_on,
        "settlement": None
        if settlement is None
        else {
            "turnover": settlement.turnover,
            "percent": settlement.percent,
            "earned": settlement.earned,
            "offset": settlement.offset,
            "due": settlement.due,
            "forfeited": settlement.forfeited,
            "reason": settlement.reason_text,
            "settled_on": settlement.settled_on,
        },
    }


# --- deposits (PT9) ------------------------------------------------------------------------------


@router.get("/deposits", response=DepositPageOut, auth=MEMBER)
def list_deposits(request: HttpRequest, filters: Query[DepositFilter]):
    """The security deposits the company holds or held as a seller (PT9), oldest received
    first: received, set off (`deducted`), still held, returned, with their days. `buyer_id`
    names a buyer it traded with (else 404)."""
    seller = _seller(request)
    rows = Deposit.objects.filter(seller=seller).select_related("buyer")
    if filters.buyer_id is not None:
        rows = rows.filter(buyer=_buyer(seller, filters.buyer_id))
    if filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.order_by("received_on", "pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_deposit(d) for d in page],
        "count": rows.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.post("/deposits", response={201: DepositOut}, auth=MEMBER)
def receive_deposit(request: HttpRequest, payload: DepositIn, idempotency_key: IdempotencyHeader):
    """A security deposit received from a buyer the company traded with (PT9): posted to its
    bank and held for the buyer, without interest. The same `Idempotency-Key` again answers the
    first deposit and records nothing more."""
    seller = _seller(request)
    buyer = _buyer(seller, payload.buyer_id)
    deposit_id = once(
        organization=seller,
        key=idempotency_key,
        operation="deposit_receive",
        inputs=payload.dict(),
        create=lambda: (
            deposit_receive(
                buyer=buyer,
                seller=seller,
                amount=payload.amount,
                received_on=payload.received_on,
                actor=request.user,
            ).pk
        ),
    )
    deposit = Deposit.objects.select_related("buyer").get(pk=deposit_id, seller=seller)
    return Status(201, _deposit(deposit))


@router.post("/deposits/return", response=DepositReturnOut, auth=MEMBER)
def return_deposits(
    request: HttpRequest, payload: DepositReturnIn, idempotency_key: IdempotencyHeader
):
    """The contract with the buyer ended (PT9 [001 §4]): what it owes is deducted from the
    deposits held and the rest is due back to it within the terms' refund time (30 days when
    they say nothing); answers the buyer's deposits.
    None held: `no_deposit_held` (422); what the buyer owes no longer `owed_seen`:
    `balance_changed` (422, the amount of now in `details.owed`). The same `Idempotency-Key`
    again returns nothing more."""
    seller = _seller(request)
    buyer = _buyer(seller, payload.buyer_id)
    ended = payload.contract_ended_on

    def give_back() -> int:
        """The service checks the day (not after today, not before a deposit held was
        received); not again when the key is replayed."""
        deposit = deposit_return(
            buyer=buyer,
            seller=seller,
            contract_ended_on=ended,
            owed_seen=payload.owed_seen,
            actor=request.user,
        )
        if deposit is None:
            raise DomainError(
                code="no_deposit_held",
                message=_("No deposit of this buyer is held: there is nothing to return."),
                field="buyer_id",
                rule="PT9",
            )
        return deposit.pk

    once(
        organization=seller,
        key=idempotency_key,
        operation="deposit_return",
        inputs=payload.dict(),
        create=give_back,
    )
    rows = Deposit.objects.filter(buyer=buyer, seller=seller).select_related("buyer")
    return {
        "buyer_id": buyer.pk,
        "deposits": [_deposit(d) for d in rows.order_by("received_on", "pk")],
    }


# --- rebates (PT13) ------------------------------------------------------------------------------


@router.get("/rebate-agreements", response=RebateAgreementPageOut, auth=MEMBER)
def list_rebate_agreements(request: HttpRequest, filters: Query[RebateFilter]):
    """The rebate agreements the company set as a seller (PT13), latest period first: the
    tiers, and once the sweep settled the period, the turnover, the percent, what was earned,
    offset and is due, or why it was forfeited. `buyer_id` names a buyer it traded with (else
    404)."""
    seller = _seller(request)
    rows = RebateAgreement.objects.filter(seller=seller).select_related("buyer", "settlement")
    if filters.buyer_id is not None:
        rows = rows.filter(buyer=_buyer(seller, filters.buyer_id))
    rows = rows.order_by("-period_start", "-pk")
    page = rows[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_agreement(a) for a in page],
        "count": rows.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


def _tiers_field(field: str | None) -> str | None:
    """The service's "tiers.0.percent" as the API names places: "tiers[0].percent"."""
    parts = (field or "").split(".")
    if len(parts) == 3 and parts[0] == "tiers" and parts[1].isdigit():
        return f"tiers[{parts[1]}].{parts[2]}"
    return field


@router.post("/rebate-agreements", response=RebateAgreementOut, auth=MEMBER)
def set_rebate_agreement(request: HttpRequest, payload: RebateAgreementIn):
    """Set a buyer's rebate tiers for the quarter starting on `period_start` (PT13 [003 §8]:
    set at its start, on its first day at the latest); set again before it starts, the new
    tiers replace the old. Terms in force that day without rebates: `no_rebates` (422)."""
    seller = _seller(request)
    buyer = _buyer(seller, payload.buyer_id)
    try:
        agreement = rebate_agreement_set(
            buyer=buyer,
            seller=seller,
            period_start=payload.period_start,
            tiers=[(t.threshold, t.percent) for t in payload.tiers],
            actor=request.user,
        )
    except DomainError as error:
        if error.code == "no_rebates":
            raise DomainError(
                code=error.code,
                message=_(
                    "Your terms in force on that day grant no rebates: publish terms with "
                    "a rebates section first."
                ),
                field="period_start",
                rule="PT13",
            ) from None
        field = _tiers_field(error.field)
        if field == error.field:
            raise
        raise DomainError(
            code=error.code,
            message=error.message,
            field=field,
            rule=error.rule,
            details=error.details,
        ) from None
    agreement = (
        RebateAgreement.objects.select_related("buyer", "settlement").filter(pk=agreement.pk).get()
    )
    return _agreement(agreement)


@router.post("/rebate-agreements/{agreement_id}/settle", response=RebateAgreementOut, auth=MEMBER)
def settle_rebate_agreement(
    request: HttpRequest, agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)]
):
    """Settle a quarter now instead of at the next sweep, as the sweep would (PT13 [003 §8]):
    once it is over and each invoice of it is paid or past its due date. Answers the agreement
    with its settlement. Refusals (422): `period_running`, `already_settled`, `not_yet_judged`
    (the invoices it waits for in `details.waiting`), `settlement_running`. Another company's
    agreement: 404."""
    seller = _seller(request)
    rebate_settle_now(seller=seller, agreement_id=agreement_id, actor=request.user)
    agreement = RebateAgreement.objects.select_related("buyer", "settlement").get(
        pk=agreement_id, seller=seller
    )
    return _agreement(agreement)
