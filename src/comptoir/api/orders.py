"""Orders through the API (O1, O8, O9, O14): place an order with an `Idempotency-Key` header,
list and read the company's orders with their timeline, and answer them as the seller.

Every call acts for the acting organization of the session and needs the P4 right: view_orders
to read, place_orders to place or answer. Other companies' orders answer 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.catalog.queries import seller_for
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.fulfilment.services.prepayment import order_prepayment_record, prepayment_status
from comptoir.ordering import queries
from comptoir.ordering import services as ordering
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.parties.models import Membership, Organization, Permission

router = Router(tags=["orders"])


class OrderLineIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1_000_000)


class OrderIn(Schema):
    lines: list[OrderLineIn] = Field(min_length=1, max_length=1000)
    accepted_terms_version: int = Field(ge=1, description="the terms version the buyer read")
    payment_method: str = Field("", max_length=32)
    payment_option: str = Field(
        "",
        max_length=48,
        description="the key of a payment option of the quote (PT2, PT3), e.g. "
        "'financing_partner:+45'; empty: the method's first option",
    )
    delivery_country: str = Field("FR", min_length=2, max_length=2)
    voucher_code: str = Field("", max_length=40)
    as_consumer: bool = Field(
        False,
        description="a natural person ordering outside its trade (O17: the withdrawal right); "
        "refused for a company and where the seller's terms serve no consumers",
    )
    withdrawal_waiver: bool = Field(
        False,
        description="as a consumer, the express request that digital content or a service "
        "start at once, waiving the withdrawal right once performed (O17, L221-28)",
    )


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class OrderLineOut(Schema):
    sku: str
    title: str
    requested_quantity: int
    quantity: int
    shipped_quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    net_amount: Decimal


class EventOut(Schema):
    at: datetime
    action: str
    from_state: str
    to_state: str
    rule: str
    note: str = Field(description="in the language of the request, as the pages show it")

    @staticmethod
    def resolve_note(obj: Any) -> str:
        return obj.note_text


class OrderOut(Schema):
    number: str
    seller_id: int
    buyer_id: int
    state: str
    placed_at: datetime
    terms_version: int
    payment_method: str
    payment_option: str
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    prepayment_required: bool
    prepayment_due: Decimal | None = Field(
        description="awaiting its prepayment (O10): what is still to pay before it ships; "
        "null when no prepayment is awaited"
    )
    acceptance_due_on: date | None
    processing_on: date | None
    estimated_delivery_on: date | None
    next_action: str
    next_deadline_at: datetime | None
    reason: str
    invoice: str | None
    consumer: bool = Field(description="placed by a consumer (O17)")
    withdrawal_due_on: date | None = Field(
        description="a consumer's last day to withdraw (O17); null until it is known"
    )
    manual_handling: bool = Field(description="marked for manual handling by the seller (O11)")
    handling_fee: Decimal | None = Field(
        description="the O11 handling fee excl. VAT, in the totals; null when none"
    )
    lines: list[OrderLineOut]
    events: list[EventOut]


class OrderSummaryOut(Schema):
    number: str
    seller_id: int
    buyer_id: int
    state: str
    placed_at: datetime
    total_incl_vat: Decimal
    next_action: str
    next_deadline_at: datetime | None


SUMMARY_FIELDS = tuple(f.removesuffix("_id") for f in OrderSummaryOut.model_fields)


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    count: int
    offset: int
    limit: int


class OrderFilter(Schema):
    state: str | None = Field(None, max_length=16)
    role: str = Field("any", pattern="^(any|buyer|seller)$")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _prepayment_due(order: Order) -> Decimal | None:
    status = prepayment_status(order)
    return None if status is None else status.due


class PrepaymentIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="euros received")
    method: str = Field(min_length=1, max_length=20, description="transfer, sepa_debit, …")
    value_date: date = Field(description="the day the funds were available (PT4)")


class PrepaymentOut(Schema):
    payment_id: int
    amount: Decimal
    method: str
    still_due: Decimal


def _out(order: Order) -> dict:
    return {
        **{f: getattr(order, f) for f in OrderSummaryOut.model_fields if f != "number"},
        "number": order.number,
        "terms_version": order.terms_version.version,
        "payment_method": order.payment_method,
        "payment_option": order.payment_option,
        "total_excl_vat": order.total_excl_vat,
        "total_vat": order.total_vat,
        "prepayment_required": order.prepayment_required,
        "prepayment_due": _prepayment_due(order),
        "acceptance_due_on": order.acceptance_due_on,
        "processing_on": order.processing_on,
        "estimated_delivery_on": order.estimated_delivery_on,
        "reason": order.reason_text,
        "invoice": order.invoice.number if order.invoice_id and order.invoice else None,
        "consumer": order.consumer,
        "withdrawal_due_on": order.withdrawal_due_on,
        "manual_handling": order.manual_handling,
        "handling_fee": order.handling_fee,
        "lines": list(order.lines.all()),
        "events": list(order.events.all()),
    }


@router.post("/sellers/{seller_id}/orders", response={201: OrderOut}, auth=MEMBER)
def place_order(
    request: HttpRequest,
    seller_id: int,
    payload: OrderIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=80),
):
    """Place an order under the seller's terms in force (the version the buyer accepted). The
    same `Idempotency-Key` again returns the same order; with another body it is refused."""
    membership = member(request, Permission.PLACE_ORDERS)
    seller: Organization = seller_for(membership.organization, seller_id)
    submission = ordering.Submission(
        buyer=membership.organization,
        seller=seller,
        lines=tuple(LineRequest(line.sku, line.quantity) for line in payload.lines),
        accepted_terms_version=payload.accepted_terms_version,
        idempotency_key=idempotency_key,
        payment_method=payload.payment_method,
        payment_option=payload.payment_option,
        delivery_country=payload.delivery_country.upper(),
        voucher_code=payload.voucher_code,
        as_consumer=payload.as_consumer,
        withdrawal_waiver=payload.withdrawal_waiver,
        channel="api",
    )
    order = ordering.order_place(
        actor=request.user,
        submission=submission,
        signature=ordering.Signature(
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", "")[:300],
        ),
    )
    return Status(201, _out(order))


@router.get("/orders", response=OrderPageOut, auth=MEMBER)
def list_orders(request: HttpRequest, filters: Query[OrderFilter]):
    """The company's orders, newest first (as buyer, as seller or both)."""
    membership = member(request, Permission.VIEW_ORDERS)
    found = queries.orders_for(membership.organization, role=filters.role, state=filters.state)
    # a summary: no terms version, quote or texts to read for each order
    summary = found.select_related(None).only(*SUMMARY_FIELDS)
    return {
        "items": list(summary[filters.offset : filters.offset + filters.limit]),
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.get("/orders/{number}", response=OrderOut, auth=MEMBER)
def get_order(request: HttpRequest, number: str):
    membership = member(request, Permission.VIEW_ORDERS)
    return _out(queries.order_for(membership.organization, number))


def _answer(request: HttpRequest, number: str) -> tuple[Membership, Order]:
    membership = member(request, Permission.PLACE_ORDERS)
    return membership, queries.order_for(membership.organization, number)


@router.post("/orders/{number}/accept", response=OrderOut, auth=MEMBER)
def accept_order(request: HttpRequest, number: str):
    """The seller accepts (O8)."""
    _membership, order = _answer(request, number)
    return _out(ordering.order_accept(actor=request.user, order_id=order.pk))


@router.post("/orders/{number}/refuse", response=OrderOut, auth=MEMBER)
def refuse_order(request: HttpRequest, number: str, payload: ReasonIn):
    """The seller refuses, with its reason (O10)."""
    _membership, order = _answer(request, number)
    return _out(ordering.order_refuse(actor=request.user, order_id=order.pk, reason=payload.reason))


@router.post("/orders/{number}/cancel", response=OrderOut, auth=MEMBER)
def cancel_order(request: HttpRequest, number: str, payload: ReasonIn):
    """Cancel as the buyer (before acceptance) or as the seller (O11, O12)."""
    membership, order = _answer(request, number)
    by = "seller" if order.seller_id == membership.organization_id else "buyer"
    return _out(
        ordering.order_cancel(actor=request.user, order_id=order.pk, reason=payload.reason, by=by)
    )


@router.post("/orders/{number}/prepayment", response={201: PrepaymentOut}, auth=MEMBER)
def record_prepayment(
    request: HttpRequest,
    number: str,
    payload: PrepaymentIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=64),
):
    """The seller records money received for an order awaiting its prepayment (O10, PT9,
    PT10); never more than is still due. The same `Idempotency-Key` again records nothing."""
    membership = member(request, Permission.VIEW_INVOICES)
    order = queries.order_for(membership.organization, number)
    if order.seller_id != membership.organization_id:
        raise PermissionDenied(_("Only the seller records a prepayment received."), rule="O10")
    payment = order_prepayment_record(
        actor=request.user,
        order_id=order.pk,
        amount=payload.amount,
        method=payload.method,
        on=payload.value_date,
        idempotency_key=idempotency_key,
    )
    order.refresh_from_db()
    return Status(
        201,
        {
            "payment_id": payment.pk,
            "amount": payment.amount,
            "method": payment.method,
            "still_due": _prepayment_due(order) or Decimal("0.00"),
        },
    )


@router.post("/orders/{number}/waive-prepayment", response=OrderOut, auth=MEMBER)
def waive_prepayment(request: HttpRequest, number: str, payload: ReasonIn | None = None):
    """The seller does not require the immediate payment checkout flagged (PT9, PT10: its
    faculty); the order follows its usual terms."""
    _membership, order = _answer(request, number)
    reason = payload.reason if payload is not None else ""
    return _out(
        ordering.order_prepayment_waive(actor=request.user, order_id=order.pk, reason=reason)
    )


@router.post("/orders/{number}/confirm-modification", response=OrderOut, auth=MEMBER)
def confirm_modification(request: HttpRequest, number: str):
    """The buyer confirms the seller's modification (O8)."""
    _membership, order = _answer(request, number)
    return _out(ordering.order_confirm_modification(actor=request.user, order_id=order.pk))


# --- the other transitions of an order (O6–O11, O17, N4) --------------------------------------
# Each needs place_orders (P4), as the order page's actions; the order's other side is refused
# (403, with the rule) before the service is called, and the service checks again.


def _side(request: HttpRequest, number: str, side: str, rule: str) -> Order:
    """The order, acted on by its `side` ("buyer" or "seller") only."""
    membership, order = _answer(request, number)
    party_id = order.seller_id if side == "seller" else order.buyer_id
    if party_id != membership.organization_id:
        message = (
            _("Only the order's seller may do this.")
            if side == "seller"
            else _("Only the order's buyer may do this.")
        )
        raise PermissionDenied(message, rule=rule)
    return order


class OptionalReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class LinesIn(Schema):
    lines: list[OrderLineIn] = Field(
        min_length=1, max_length=1000, description="the order's new lines, by SKU"
    )


class ModifyIn(LinesIn):
    reason: str = Field(min_length=1, max_length=2000, description="why the order changes")


class ChangeIn(Schema):
    lines: list[OrderLineIn] | None = Field(
        None, min_length=1, max_length=1000, description="the new lines; omitted: unchanged"
    )
    consent: str = Field(
        min_length=1, max_length=2000, description="the seller's written consent (O11)"
    )
    fee: Decimal | None = Field(
        None, gt=0, le=100_000, max_digits=14, decimal_places=2, description="euros excl. VAT"
    )
    fee_reason: str = Field("", max_length=150)
    new_delivery_date: date | None = None


class WithdrawIn(Schema):
    lines: list[str] | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="SKUs of the lines withdrawn from; omitted: every line still withdrawable",
    )
    note: str = Field("", max_length=2000)


def _requests(lines: list[OrderLineIn]) -> list[LineRequest]:
    return [LineRequest(line.sku, line.quantity) for line in lines]


def _line_ids(order: Order, skus: list[str], rule: str) -> list[int]:
    """The ids of the order's lines named by SKU, each once (unknown or twice: 422)."""
    by_sku = {line.sku: line.pk for line in order.lines.all()}
    ids: list[int] = []
    for i, sku in enumerate(skus):
        line_id = by_sku.get(sku)
        if line_id is None:
            raise DomainError(
                "unknown_line",
                _("No line “%(sku)s” in this order.") % {"sku": sku},
                f"lines[{i}]",
                rule,
            )
        if line_id in ids:
            raise DomainError(
                "duplicate_line", _("%(sku)s is given twice.") % {"sku": sku}, f"lines[{i}]", rule
            )
        ids.append(line_id)
    return ids


@router.post("/orders/{number}/start", response=OrderOut, auth=MEMBER)
def start_order(request: HttpRequest, number: str):
    """The seller starts preparing an accepted order: the buyer can no longer edit it (O7)."""
    order = _side(request, number, "seller", "O7")
    return _out(ordering.order_start(actor=request.user, order_id=order.pk))


@router.post("/orders/{number}/release", response=OrderOut, auth=MEMBER)
def release_order(request: HttpRequest, number: str):
    """The seller lifts the review hold; the order then waits for acceptance (O10)."""
    order = _side(request, number, "seller", "O10")
    return _out(ordering.order_release(actor=request.user, order_id=order.pk))


@router.post("/orders/{number}/modify", response=OrderOut, auth=MEMBER)
def modify_order(request: HttpRequest, number: str, payload: ModifyIn):
    """The seller answers with a modification of the lines, with its reason: it goes back to the
    buyer, who confirms or declines it (O8)."""
    order = _side(request, number, "seller", "O8")
    return _out(
        ordering.order_modify(
            actor=request.user,
            order_id=order.pk,
            lines=_requests(payload.lines),
            reason=payload.reason,
        )
    )


@router.post("/orders/{number}/decline-modification", response=OrderOut, auth=MEMBER)
def decline_modification(
    request: HttpRequest, number: str, payload: OptionalReasonIn | None = None
):
    """The buyer declines the seller's modification: the order ends (O8)."""
    order = _side(request, number, "buyer", "O8")
    reason = payload.reason if payload is not None else ""
    return _out(
        ordering.order_decline_modification(actor=request.user, order_id=order.pk, reason=reason)
    )


@router.post("/orders/{number}/edit", response=OrderOut, auth=MEMBER)
def edit_order(request: HttpRequest, number: str, payload: LinesIn):
    """The buyer changes the lines while its seller's terms allow it (O6, O7); after that, a
    change needs the seller's consent (`seller_consent_required`, O11)."""
    order = _side(request, number, "buyer", "O6")
    return _out(
        ordering.order_edit(actor=request.user, order_id=order.pk, lines=_requests(payload.lines))
    )


@router.post("/orders/{number}/change", response=OrderOut, auth=MEMBER)
def change_order(request: HttpRequest, number: str, payload: ChangeIn):
    """The seller changes an accepted order with its written consent, optionally with a fee and
    a new delivery date (O6, O11)."""
    order = _side(request, number, "seller", "O11")
    return _out(
        ordering.order_change(
            actor=request.user,
            order_id=order.pk,
            lines=_requests(payload.lines) if payload.lines is not None else None,
            consent=payload.consent,
            fee=payload.fee,
            fee_reason=payload.fee_reason,
            new_delivery_date=payload.new_delivery_date,
        )
    )


@router.post("/orders/{number}/suspend", response=OrderOut, auth=MEMBER)
def suspend_order(request: HttpRequest, number: str, payload: ReasonIn):
    """Force majeure: the seller suspends the order for at most its terms' period (N4)."""
    order = _side(request, number, "seller", "N4")
    return _out(
        ordering.order_suspend(actor=request.user, order_id=order.pk, reason=payload.reason)
    )


@router.post("/orders/{number}/resume", response=OrderOut, auth=MEMBER)
def resume_order(request: HttpRequest, number: str):
    """The seller resumes a suspended order where it stood (N4)."""
    order = _side(request, number, "seller", "N4")
    return _out(ordering.order_resume(actor=request.user, order_id=order.pk))


@router.post("/orders/{number}/withdraw", response=OrderOut, auth=MEMBER)
def withdraw_order(request: HttpRequest, number: str, payload: WithdrawIn | None = None):
    """The consumer withdraws from the order, or from the lines named, within the period (O17)."""
    order = _side(request, number, "buyer", "O17")
    skus = payload.lines if payload is not None else None
    return _out(
        ordering.order_withdraw(
            actor=request.user,
            order_id=order.pk,
            lines=_line_ids(order, skus, "O17") if skus is not None else None,
            note=payload.note if payload is not None else "",
        )
    )


class ManualHandlingIn(Schema):
    fee: Decimal | None = Field(
        None,
        gt=0,
        le=100_000,
        max_digits=14,
        decimal_places=2,
        description="euros excl. VAT: required when the terms leave the amount to the buyer's "
        "contract; omitted, the terms' amount (refused when it differs from it)",
    )
    note: str = Field("", max_length=500, description="for the timeline")


@router.post("/orders/{number}/manual-handling", response=OrderOut, auth=MEMBER)
def mark_manual_handling(
    request: HttpRequest, number: str, payload: ManualHandlingIn | None = None
):
    """The seller marks an order waiting for acceptance as needing manual handling: the handling
    fee its terms provide (or the buyer's contractual one, given as `fee`) is added to the
    order's quote and invoice (O11)."""
    order = _side(request, number, "seller", "O11")
    return _out(
        ordering.order_mark_manual_handling(
            actor=request.user,
            order_id=order.pk,
            fee=payload.fee if payload is not None else None,
            note=payload.note if payload is not None else "",
        )
    )
