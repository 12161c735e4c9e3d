"""Fulfilment through the API (F2–F5): the shipments of an order with their parcels and delivery,
the seller's shipment and delivery report, the buyer's validation or contest.

Reading needs the P4 right view_orders; acting needs place_orders, as on the pages: the seller's
staff ship and report deliveries, the buyer's validate or contest (the fulfilment services check
which side acts and answer 403 to the other). Other companies' orders and shipments answer 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import ReserveKind, Shipment, ShipmentState
from comptoir.ordering import queries as ordering_queries
from comptoir.ordering.models import Order
from comptoir.parties.acting import acting_membership
from comptoir.parties.models import Membership, Permission

router = Router(tags=["fulfilment"])

#: an id as the path gives it: within the database's integer range
ShipmentId = Annotated[int, Path(ge=1, le=2**62)]


def _member(request: HttpRequest, permission: str) -> Membership:
    membership = acting_membership(request)
    if membership is None:
        raise DomainError("no_organization", "Log in as a member of an organization.")
    if permission not in membership.effective_permissions:
        raise PermissionDenied(f"Permission {permission} required (P4).")
    return membership


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
                "unknown_line", f"No line {line.sku!r} in this order.", f"lines[{i}].sku", rule
            )
        if line_id in quantities:
            raise DomainError(
                "duplicate_line", f"{line.sku} is given twice.", f"lines[{i}].sku", rule
            )
        quantities[line_id] = line.quantity
    return quantities


@router.get("/orders/{number}/shipments", response=ShipmentPageOut, auth=MEMBER)
def list_shipments(request: HttpRequest, number: str, filters: Query[ShipmentFilter]):
    """The order's shipments, oldest first: lines, parcels with their tracking numbers, carrier,
    incoterm (F9), the signed delivery with its reserves (F3) or the refusal (F7); and the
    contestation window once the order is delivered (F4, F5)."""
    membership = _member(request, Permission.VIEW_ORDERS)
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
    membership = _member(request, Permission.PLACE_ORDERS)
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
    membership = _member(request, Permission.PLACE_ORDERS)
    org = membership.organization
    order = ordering_queries.orders_for(org).filter(shipments__pk=shipment_id).first()
    shipment = (
        fulfilment_queries.shipments_for(org, order).filter(pk=shipment_id).first()
        if order is not None
        else None
    )
    if order is None or shipment is None:
        raise NotFound("Shipment", field="shipment_id")
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
    membership = _member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    order = fulfilment.delivery_validate(actor=request.user, order_id=order.pk)
    return _contestation(membership, order)


@router.post("/orders/{number}/contest", response=ContestationOut, auth=MEMBER)
def contest_delivery(request: HttpRequest, number: str, payload: ContestIn):
    """The buyer contests the delivery before the deadline its seller's terms set (F4): what is
    wrong, and the lines and quantities concerned (none: the whole delivery)."""
    membership = _member(request, Permission.PLACE_ORDERS)
    order = ordering_queries.order_for(membership.organization, number)
    fulfilment.delivery_contest(
        actor=request.user,
        order_id=order.pk,
        reason=payload.reason,
        lines=_lines(order, payload.lines, "F4"),
    )
    order = ordering_queries.order_for(membership.organization, number)
    return _contestation(membership, order)
