"""Fulfilment through the API (F2–F5): the shipments of an order with their parcels and delivery,
the seller's shipment and delivery report, the buyer's validation or contest.

Reading needs the P4 right view_orders; acting needs place_orders, as on the pages: the seller's
staff ship and report deliveries, the buyer's validate or contest (the fulfilment services check
which side acts and answer 403 to the other). Other companies' orders and shipments answer 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.api.idempotency import IdempotencyHeader, once
from comptoir.api.orders import OrderOut
from comptoir.api.orders import _out as order_out
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import (
    AddressChangeRequest,
    CollectionNotice,
    RequestStatus,
    ReserveKind,
    Shipment,
    ShipmentState,
    WrongGoodsKind,
)
from comptoir.ordering import queries as ordering_queries
from comptoir.ordering.models import Order
from comptoir.parties.models import Membership, Permission

router = Router(tags=["fulfilment"])

#: an id as the path gives it: within the database's integer range
ShipmentId = Annotated[int, Path(ge=1, le=2**62)]


class LineQuantityIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=1_000_000)


class ShipmentIn(Schema):
    carrier: str = Field(min_length=1, max_length=100)
    parcels: list[str] = Field(
        min_length=1, max_length=50, description="one tracking number per parcel"
    )
    lines: list[LineQuantityIn] | None = Field(
        None, max_length=1000, description="what leaves; omitted: everything not yet shipped"
    )


class ReserveIn(Schema):
    kind: str = Field(pattern="^(" + "|".join(ReserveKind.values) + ")$")
    text: str = Field("", max_length=1000)


class DeliveryIn(Schema):
    delivered_on: date | None = Field(None, description="default: today")
    signed_by: str = Field(min_length=1, max_length=200)
    reserves: list[ReserveIn] = Field(
        default_factory=list, max_length=20, description="none: delivered without reserves"
    )


class ContestIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    lines: list[LineQuantityIn] = Field(
        default_factory=list, max_length=1000, description="none: the whole delivery"
    )


class ShipmentFilter(Schema):
    state: str | None = Field(None, pattern="^(" + "|".join(ShipmentState.values) + ")$")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class ShipmentLineOut(Schema):
    sku: str
    title: str
    quantity: int


class ParcelOut(Schema):
    tracking_number: str
    carrier: str


class ReserveOut(Schema):
    kind: str
    text: str


class DeliveryOut(Schema):
    delivered_on: date
    signed_by: str
    with_reserves: bool
    reserves: list[ReserveOut]


class RefusalOut(Schema):
    reason: str
    valid_reason: bool


class ShipmentOut(Schema):
    id: int
    number: str
    order: str
    state: str
    carrier: str
    shipped_at: datetime
    estimated_delivery_on: date | None
    delivered_on: date | None
    delivery_country: str
    incoterm: str
    risk_passes_at: str
    incoterm_clause: str
    lines: list[ShipmentLineOut]
    parcels: list[ParcelOut]
    delivery: DeliveryOut | None
    refusal: RefusalOut | None


class ContestationOut(Schema):
    order: str
    order_state: str
    status: str
    delivered_on: date
    deadline_on: date | None
    deadline_at: datetime | None
    period: str
    on_silence: str
    clause: str
    reason: str
    lines: list[dict[str, Any]]
    contested_at: datetime | None
    closed_at: datetime | None


class ShipmentPageOut(Schema):
    items: list[ShipmentOut]
    count: int
    offset: int
    limit: int
    contestation: ContestationOut | None = Field(
        description="the contestation window once the order is delivered (F4), else null"
    )


def _shipment(shipment: Shipment, number: str) -> dict:
    delivery = getattr(shipment, "delivery", None)
    refusal = getattr(shipment, "refusal", None)
    return {
        **{
            f: getattr(shipment, f)
            for f in (
                "id",
                "number",
                "state",
                "carrier",
                "shipped_at",
                "estimated_delivery_on",
                "delivered_on",
                "delivery_country",
                "incoterm",
                "risk_passes_at",
                "incoterm_clause",
            )
        },
        "order": number,
        "lines": [
            {"sku": line.order_line.sku, "title": line.order_line.title, "quantity": line.quantity}
            for line in shipment.lines.all()
        ],
        "parcels": list(shipment.parcels.all()),
        "delivery": None
        if delivery is None
        else {
            "delivered_on": delivery.delivered_on,
            "signed_by": delivery.signed_by,
            "with_reserves": delivery.with_reserves,
            "reserves": list(delivery.reserves.all()),
        },
        "refusal": None
        if refusal is None
        else {"reason": refusal.reason, "valid_reason": refusal.valid_reason},
    }


def _contestation(membership: Membership, order: Order) -> dict | None:
    found = fulfilment_queries.contestation_for(membership.organization, order)
    if found is None:
        return None
    return {
        **{
            f: getattr(found, f)
            for f in ContestationOut.model_fields
            if f not in ("order", "order_state")
        },
        "order": order.number,
        "order_state": order.state,
    }


def _lines(order: Order, lines: list[LineQuantityIn], rule: str) -> dict[int, int]:
    """{order line id: quantity} from lines named by SKU, each SKU once, of this order only."""
    by_sku = {line.sku: line.pk for line in order.lines.all()}
    quantities: dict[int, int] = {}
    for i, line in enumerate(lines):
        line_id = by_sku.get(line.sku)
        if line_id is None:
            raise DomainError(
                "unknown_line",
                _("No line “%(sku)s” in this order.") % {"sku": line.sku},
                f"lines[{i}].sku",
                rule,
            )
        if line_id in quantities:
            raise DomainError(
                "duplicate_line",
                _("%(sku)s is given twice.") % {"sku": line.sku},
                f"lines[{i}].sku",
                rule,
            )
        quantities[line_id] = line.quantity
    return quantities


@router.get("/orders/{number}/shipments", response=ShipmentPageOut, auth=MEMBER)
def list_shipments(request: HttpRequest, number: str, filters: Query[ShipmentFilter]):
    """The order's shipments, oldest first: lines, parcels with their tracking numbers, carrier,
    incoterm (F9), the signed delivery with its reserves (F3) or the refusal (F7); and the
    contestation window once the order is delivered (F4, F5)."""
    membership = member(request, Permission.VIEW_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    found = fulfilment_queries.shipments_for(membership.organization, order)
    if filters.state:
        found = found.filter(state=filters.state)
    return {
        "items": [
            _shipment(s, order.number or "")
            for s in found[filters.offset : filters.offset + filters.limit]
        ],
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
        "contestation": _contestation(membership, order),
    }


@router.post("/orders/{number}/shipments", response={201: ShipmentOut}, auth=MEMBER)
def create_shipment(request: HttpRequest, number: str, payload: ShipmentIn):
    """The seller ships lines of the order (all that remains when `lines` is omitted) with the
    carrier and one tracking number per parcel (F2); refused while the buyer is behind (F8)."""
    membership = member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    if payload.lines is None:
        quantities = {
            line.pk: line.quantity - line.shipped_quantity
            for line in order.lines.all()
            if line.quantity > line.shipped_quantity
        }
    else:
        quantities = _lines(order, payload.lines, "F2")
    shipment = fulfilment.shipment_create(
        actor=request.user,
        order_id=order.pk,
        lines=quantities,
        carrier=payload.carrier,
        parcels=payload.parcels,
    )
    created = fulfilment_queries.shipments_for(membership.organization, order).get(pk=shipment.pk)
    return Status(201, _shipment(created, order.number or ""))


@router.post("/shipments/{shipment_id}/delivery", response=ShipmentOut, auth=MEMBER)
def record_delivery(request: HttpRequest, shipment_id: ShipmentId, payload: DeliveryIn):
    """The seller reports the signed delivery note, with or without reserves (F3); when every
    shipment of a fully shipped order is delivered, the contestation window opens (F4)."""
    membership = member(request, Permission.PLACE_ORDERS)
    org = membership.organization
    order = ordering_queries.orders_for(org).filter(shipments__pk=shipment_id).first()
    shipment = (
        fulfilment_queries.shipments_for(org, order).filter(pk=shipment_id).first()
        if order is not None
        else None
    )
    if order is None or shipment is None:
        raise NotFound(_("Shipment"), field="shipment_id")
    fulfilment.delivery_record(
        actor=request.user,
        shipment_id=shipment.pk,
        delivered_on=payload.delivered_on or clock.today(),
        signed_by=payload.signed_by,
        reserves=[fulfilment.ReserveInput(r.kind, r.text) for r in payload.reserves],
    )
    updated = fulfilment_queries.shipments_for(org, order).get(pk=shipment.pk)
    return _shipment(updated, order.number or "")


@router.post("/orders/{number}/validate", response=ContestationOut, auth=MEMBER)
def validate_delivery(request: HttpRequest, number: str):
    """The buyer validates the conformity of the delivery: the order is final now (F5)."""
    membership = member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    order = fulfilment.delivery_validate(actor=request.user, order_id=order.pk)
    return _contestation(membership, order)


@router.post("/orders/{number}/contest", response=ContestationOut, auth=MEMBER)
def contest_delivery(request: HttpRequest, number: str, payload: ContestIn):
    """The buyer contests the delivery before the deadline its seller's terms set (F4): what is
    wrong, and the lines and quantities concerned (none: the whole delivery)."""
    membership = member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    fulfilment.delivery_contest(
        actor=request.user,
        order_id=order.pk,
        reason=payload.reason,
        lines=_lines(order, payload.lines, "F4"),
    )
    order = ordering_queries.order_for(membership.organization, number)
    return _contestation(membership, order)


# --- refusals, contests settled, address changes, reception deadlines, uncollected goods,
# --- returnable packaging (F4, F5, F6, F7, F10) ------------------------------------------------
# Acting needs place_orders (P4), as on the order page; the order's other side is refused (403,
# with the rule) before the service is called, and the service checks again.


def _acting_side(membership: Membership, order: Order, side: str, rule: str) -> None:
    party_id = order.seller_id if side == "seller" else order.buyer_id
    if party_id != membership.organization_id:
        message = (
            _("Only the order's seller may do this.")
            if side == "seller"
            else _("Only the order's buyer may do this.")
        )
        raise PermissionDenied(message, rule=rule)


def _order_side(
    request: HttpRequest, number: str, side: str, rule: str
) -> tuple[Membership, Order]:
    membership = member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    _acting_side(membership, order, side, rule)
    return membership, order


def _shipment_side(
    request: HttpRequest, shipment_id: int, side: str, rule: str
) -> tuple[Membership, Order, Shipment]:
    """A shipment of one of the company's orders (else 404), acted on by the order's `side`."""
    membership = member(request, Permission.PLACE_ORDERS)
    org = membership.organization
    order = ordering_queries.orders_for(org).filter(shipments__pk=shipment_id).first()
    shipment = (
        fulfilment_queries.shipments_for(org, order).filter(pk=shipment_id).first()
        if order is not None
        else None
    )
    if order is None or shipment is None:
        raise NotFound(_("Shipment"), field="shipment_id")
    _acting_side(membership, order, side, rule)
    return membership, order, shipment


def _pending_row(rows: list[Any], row_id: int, kind: str, field: str) -> Any:
    found = next((row for row in rows if row.pk == row_id), None)
    if found is None:
        raise NotFound(kind, field=field)
    return found


Money = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=14, decimal_places=2)]
RowId = Annotated[int, Path(ge=1, le=2**62)]


class RefusalIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    valid_reason: bool = Field(
        False, description="a valid reason: no fee, the goods are not due (F7)"
    )
    transport_cost: Money | None = Field(
        None, description="outward and return transport, excl. VAT, when the terms charge it"
    )


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class AddressIn(Schema):
    name: str = Field("", max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field("", max_length=200)
    postcode: str = Field(min_length=1, max_length=20)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field("FR", pattern="^[A-Za-z]{2}$")


class AddressChangeIn(Schema):
    address: AddressIn


class AddressDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class AddressChangeOut(Schema):
    id: int
    order: str
    status: str
    requested_address: dict[str, str]
    requested_at: datetime
    decided_at: datetime | None
    note: str


class WrongGoodsIn(Schema):
    kind: str = Field(pattern="^(" + "|".join(WrongGoodsKind.values) + ")$")
    description: str = Field(min_length=1, max_length=300, description="what was delivered")
    quantity: int = Field(ge=1, le=1_000_000)
    sku: str = Field("", max_length=64, description="a SKU of the order: its usual price")
    unit_price: Money | None = Field(None, description="the usual price, excl. VAT, without SKU")


class DoneIn(Schema):
    done_on: date | None = Field(None, description="default: today")
    reference: str = Field("", max_length=120, description="e.g. the registered letter")


class ReturnIn(Schema):
    returned_on: date | None = Field(None, description="default: today")
    reference: str = Field("", max_length=120)


class WrongGoodsOut(Schema):
    id: int
    order: str
    kind: str
    description: str
    sku: str
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    received_on: date
    deadline_on: date
    deadline_at: datetime
    clause: str
    status: str
    returned_on: date | None
    return_reference: str


class FollowUpOut(Schema):
    id: int
    order: str
    kind: str
    deadline_on: date
    deadline_at: datetime
    counting: str
    clause: str
    status: str
    done_on: date | None
    reference: str
    consequence: str


class CollectionNoticeIn(Schema):
    reference: str = Field("", max_length=120, description="the registered letter's reference")


class CollectionNoticeOut(Schema):
    id: int
    order: str
    shipment: str
    status: str
    sent_at: datetime
    deadline_at: datetime
    letter_reference: str
    letter: str
    clause: str


class ResolveIn(Schema):
    return_cost: Money | None = Field(None, description="the return at the buyer's cost, excl. VAT")


class ReceptionOut(Schema):
    follow_ups: list[FollowUpOut]
    wrong_goods: list[WrongGoodsOut]
    collection_notices: list[CollectionNoticeOut]


class PackagingReturnIn(Schema):
    buyer_id: int = Field(ge=1, le=2**62)
    item: str = Field(min_length=1, max_length=100, description="a returnable item of the terms")
    quantity: int = Field(ge=1, le=1_000_000)
    returned_on: date | None = Field(None, description="default: today")
    clean: bool = Field(description="returned clean and unlabelled (F10)")


class PackagingReturnOut(Schema):
    id: int
    buyer_id: int
    seller_id: int
    item: str
    quantity: int
    returned_on: date
    returned_clean: bool
    refund_due: Decimal
    explanation: str


def _fields(row: Any, schema: type[Schema], **given: Any) -> dict:
    """The attributes of `row` that `schema` answers, and the values `given` for the others."""
    return {**{f: getattr(row, f) for f in schema.model_fields if f not in given}, **given}


def _notice(notice: CollectionNotice, number: str) -> dict:
    return _fields(notice, CollectionNoticeOut, order=number, shipment=notice.shipment.number)


@router.post("/shipments/{shipment_id}/refusal", response=ShipmentOut, auth=MEMBER)
def refuse_delivery(request: HttpRequest, shipment_id: ShipmentId, payload: RefusalIn):
    """The seller reports that the buyer refused the delivery (F7): without a valid reason the
    terms' fee, and the transport given, are charged on the buyer's next invoice."""
    membership, order, shipment = _shipment_side(request, shipment_id, "seller", "F7")
    fulfilment.delivery_refuse(
        actor=request.user,
        shipment_id=shipment.pk,
        reason=payload.reason,
        valid_reason=payload.valid_reason,
        transport_cost=payload.transport_cost,
    )
    updated = fulfilment_queries.shipments_for(membership.organization, order).get(pk=shipment.pk)
    return _shipment(updated, order.number or "")


@router.post("/orders/{number}/contestation/resolve", response=ContestationOut, auth=MEMBER)
def resolve_contestation(request: HttpRequest, number: str, payload: NoteIn | None = None):
    """The seller settles the buyer's contest (agreement, credit note or replacement handled
    elsewhere): the order is final (F4, F5)."""
    membership, order = _order_side(request, number, "seller", "F5")
    note = payload.note if payload is not None else ""
    order = fulfilment.contestation_resolve(actor=request.user, order_id=order.pk, note=note)
    return _contestation(membership, order)


@router.get("/orders/{number}/reception", response=ReceptionOut, auth=MEMBER)
def reception(request: HttpRequest, number: str):
    """The deadlines after reception still tracked for the order and what became of them: the
    reserves to confirm and the carrier protest (F4), wrong or excess goods to return (F4), the
    formal notices to collect (F7)."""
    membership = member(request, Permission.VIEW_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    pending = fulfilment_queries.pending_for(membership.organization, order)
    number = order.number or ""
    return {
        "follow_ups": [_fields(row, FollowUpOut, order=number) for row in pending.follow_ups],
        "wrong_goods": [_fields(row, WrongGoodsOut, order=number) for row in pending.wrong_goods],
        "collection_notices": [_notice(row, number) for row in pending.notices],
    }


@router.post("/orders/{number}/follow-ups/{follow_up_id}/done", response=FollowUpOut, auth=MEMBER)
def follow_up_done(request: HttpRequest, number: str, follow_up_id: RowId, payload: DoneIn):
    """The buyer records that it confirmed its reserves, or protested to the carrier, within
    the deadline (F4)."""
    membership, order = _order_side(request, number, "buyer", "F4")
    pending = fulfilment_queries.pending_for(membership.organization, order)
    found = _pending_row(pending.follow_ups, follow_up_id, _("Reserve follow-up"), "follow_up_id")
    row = fulfilment.reserve_follow_up_record(
        actor=request.user,
        follow_up_id=found.pk,
        done_on=payload.done_on or clock.today(),
        reference=payload.reference,
    )
    return _fields(row, FollowUpOut, order=order.number or "")


@router.post("/orders/{number}/wrong-goods", response={201: WrongGoodsOut}, auth=MEMBER)
def report_wrong_goods(
    request: HttpRequest, number: str, payload: WrongGoodsIn, idempotency_key: IdempotencyHeader
):
    """The buyer or the seller reports wrong or excess goods delivered (F4): the buyer returns
    them before the deadline or pays them at the usual price. The same `Idempotency-Key` again
    returns the same report."""
    membership = member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    row_id = once(
        organization=membership.organization,
        key=idempotency_key,
        operation="wrong_goods_report",
        inputs=[order.pk, payload.dict()],
        create=lambda: (
            fulfilment.wrong_goods_report(
                actor=request.user,
                order_id=order.pk,
                kind=payload.kind,
                description=payload.description,
                quantity=payload.quantity,
                sku=payload.sku,
                unit_price=payload.unit_price,
            ).pk
        ),
    )
    pending = fulfilment_queries.pending_for(membership.organization, order)
    row = _pending_row(pending.wrong_goods, row_id, _("Wrong goods report"), "wrong_goods_id")
    return Status(201, _fields(row, WrongGoodsOut, order=order.number or ""))


@router.post(
    "/orders/{number}/wrong-goods/{wrong_goods_id}/return", response=WrongGoodsOut, auth=MEMBER
)
def return_wrong_goods(request: HttpRequest, number: str, wrong_goods_id: RowId, payload: ReturnIn):
    """The buyer records that it sent the wrong or excess goods back in time (F4)."""
    membership, order = _order_side(request, number, "buyer", "F4")
    pending = fulfilment_queries.pending_for(membership.organization, order)
    found = _pending_row(
        pending.wrong_goods, wrong_goods_id, _("Wrong goods report"), "wrong_goods_id"
    )
    row = fulfilment.wrong_goods_return(
        actor=request.user,
        wrong_goods_id=found.pk,
        returned_on=payload.returned_on or clock.today(),
        reference=payload.reference,
    )
    return _fields(row, WrongGoodsOut, order=order.number or "")


@router.post("/orders/{number}/address-change", response={201: AddressChangeOut}, auth=MEMBER)
def request_address_change(
    request: HttpRequest,
    number: str,
    payload: AddressChangeIn,
    idempotency_key: IdempotencyHeader,
):
    """The buyer asks, in writing, to be delivered elsewhere before the order ships; the seller
    approves or refuses (F6). One request waits at a time. The same `Idempotency-Key` again
    returns the same request."""
    membership, order = _order_side(request, number, "buyer", "F6")
    address = {k: v for k, v in payload.address.dict().items() if v}
    request_id = once(
        organization=membership.organization,
        key=idempotency_key,
        operation="address_change_request",
        inputs=[order.pk, address],
        create=lambda: (
            fulfilment.address_change_request(
                actor=request.user, order_id=order.pk, address=address
            ).pk
        ),
    )
    return Status(201, _address_change(order, request_id))


@router.post("/orders/{number}/address-change/decide", response=AddressChangeOut, auth=MEMBER)
def decide_address_change(request: HttpRequest, number: str, payload: AddressDecisionIn):
    """The seller approves the pending request (the delivery address changes) or refuses it
    (F6); none pending: `no_pending_request`."""
    _membership, order = _order_side(request, number, "seller", "F6")
    found = AddressChangeRequest.objects.filter(order=order, status=RequestStatus.PENDING).first()
    if found is None:
        raise DomainError(
            "no_pending_request", _("No address change is waiting."), field="order", rule="F6"
        )
    decided = fulfilment.address_change_decide(
        actor=request.user, request_id=found.pk, approve=payload.approve, note=payload.note
    )
    return _address_change(order, decided.pk)


def _address_change(order: Order, request_id: int) -> dict:
    row = AddressChangeRequest.objects.get(order=order, pk=request_id)
    return _fields(row, AddressChangeOut, order=order.number or "")


@router.post(
    "/shipments/{shipment_id}/collection-notice",
    response={201: CollectionNoticeOut},
    auth=MEMBER,
)
def send_collection_notice(
    request: HttpRequest, shipment_id: ShipmentId, payload: CollectionNoticeIn | None = None
):
    """The seller gives the buyer formal notice to collect goods it did not take (F7, N1); the
    registered letter and its deadline are kept. A second notice: `notice_already_sent`."""
    membership, order, shipment = _shipment_side(request, shipment_id, "seller", "F7")
    notice = fulfilment.collection_notice_send(
        actor=request.user,
        shipment_id=shipment.pk,
        letter_reference=payload.reference if payload is not None else "",
    )
    found = fulfilment_queries.collection_notice_for(
        membership.organization, order, notice.shipment.number
    )
    return Status(201, _notice(found, order.number or ""))


@router.post("/shipments/{shipment_id}/resolve-uncollected", response=OrderOut, auth=MEMBER)
def resolve_uncollected(
    request: HttpRequest, shipment_id: ShipmentId, payload: ResolveIn | None = None
):
    """The formal notice stayed unanswered: the seller resolves the order at the buyer's
    exclusive fault, the parcel going back at its cost (F7)."""
    _membership, order, shipment = _shipment_side(request, shipment_id, "seller", "F7")
    resolved = fulfilment.order_resolve_uncollected(
        actor=request.user,
        shipment_id=shipment.pk,
        return_cost=payload.return_cost if payload is not None else None,
    )
    return order_out(resolved)


@router.post("/packaging-returns", response={201: PackagingReturnOut}, auth=MEMBER)
def record_packaging_return(
    request: HttpRequest, payload: PackagingReturnIn, idempotency_key: IdempotencyHeader
):
    """The seller records empty returnable packaging taken back from a buyer it sold to, and
    what it owes back (F10). The same `Idempotency-Key` again records nothing more."""
    membership = member(request, Permission.PLACE_ORDERS)
    seller = membership.organization
    if (
        not ordering_queries.orders_for(seller, role="seller")
        .filter(buyer_id=payload.buyer_id)
        .exists()
    ):
        raise NotFound(_("Buyer"), field="buyer_id")
    row_id = once(
        organization=seller,
        key=idempotency_key,
        operation="packaging_return",
        inputs=payload.dict(),
        create=lambda: (
            fulfilment.packaging_return_record(
                actor=request.user,
                buyer_id=payload.buyer_id,
                seller_id=seller.pk,
                item=payload.item,
                quantity=payload.quantity,
                returned_on=payload.returned_on or clock.today(),
                clean=payload.clean,
            ).pk
        ),
    )
    row = fulfilment_queries.packaging_returns_for(seller).get(pk=row_id)
    return Status(
        201, _fields(row, PackagingReturnOut, item=row.item_name, explanation=row.explanation_text)
    )


# --- packaging deposits charged with an order (F10) -------------------------------------------


class PackagingDepositIn(Schema):
    item: str = Field(min_length=1, max_length=100, description="a returnable item of the terms")
    quantity: int = Field(ge=1, le=1_000_000)
    unit_deposit: Money | None = Field(
        None, description="euros per unit, from the tariff, when the terms set no deposit"
    )


class PackagingDepositOut(Schema):
    id: int
    order: str
    item: str
    unit: str
    quantity: int
    unit_deposit: Decimal
    amount: Decimal
    vat_rate: Decimal
    created_at: datetime
    invoiced: bool
    invoice: str | None = Field(description="the invoice that billed it; null while it waits")


class PackagingItemOut(Schema):
    name: str
    unit: str
    deposit: Decimal | None = Field(description="per unit; null: the tariff's amount")


class PackagingOut(Schema):
    order: str
    items: list[PackagingItemOut] = Field(description="what the terms charge a deposit on")
    clause: str
    pickup: str | None
    refund_condition: str
    deposits: list[PackagingDepositOut]
    returns: list[PackagingReturnOut] = Field(
        description="returns of the deposited items by the order's buyer to its seller"
    )
    deposited: Decimal
    refund_due: Decimal


def _deposit_out(row: fulfilment_queries.DepositRow, number: str) -> dict:
    deposit = row.deposit
    return _fields(
        deposit,
        PackagingDepositOut,
        item=deposit.item_name,
        order=number,
        amount=row.amount,
        invoice=row.invoice_number,
    )


@router.post(
    "/orders/{number}/packaging-deposits", response={201: PackagingDepositOut}, auth=MEMBER
)
def record_packaging_deposit(
    request: HttpRequest,
    number: str,
    payload: PackagingDepositIn,
    idempotency_key: IdempotencyHeader,
):
    """The seller charges the deposit on returnable packaging sent with the order: an item of
    its terms, the quantity, and the unit deposit of its tariff when the terms set none (F10).
    Billed at 0 % on the order's invoice, or the buyer's next one. The same `Idempotency-Key`
    again records nothing more."""
    membership, order = _order_side(request, number, "seller", "F10")
    row_id = once(
        organization=membership.organization,
        key=idempotency_key,
        operation="packaging_deposit",
        inputs=[order.pk, payload.dict()],
        create=lambda: (
            fulfilment.packaging_deposit_record(
                actor=request.user,
                order_id=order.pk,
                item=payload.item,
                quantity=payload.quantity,
                unit_deposit=payload.unit_deposit,
            ).pk
        ),
    )
    found = fulfilment_queries.packaging_for(membership.organization, order).deposits
    row = next((r for r in found if r.deposit.pk == row_id), None)
    if row is None:  # the key was used for a deposit of another order
        raise NotFound(_("Packaging deposit"), field="Idempotency-Key")
    return Status(201, _deposit_out(row, order.number or ""))


@router.get("/orders/{number}/packaging", response=PackagingOut, auth=MEMBER)
def order_packaging(request: HttpRequest, number: str):
    """For the order's buyer or seller: the returnable items of the terms, the deposits charged
    with the order and the returns of those items, with what is owed back (F10)."""
    membership = member(request, Permission.VIEW_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    found = fulfilment_queries.packaging_for(membership.organization, order)
    number = order.number or ""
    return {
        "order": number,
        "items": [{"name": i.name, "unit": i.unit, "deposit": i.deposit} for i in found.items],
        "clause": found.clause,
        "pickup": found.pickup,
        "refund_condition": found.refund_condition,
        "deposits": [_deposit_out(r, number) for r in found.deposits],
        "returns": [
            _fields(r, PackagingReturnOut, item=r.item_name, explanation=r.explanation_text)
            for r in found.returns
        ],
        "deposited": found.deposited,
        "refund_due": found.refund_due,
    }
