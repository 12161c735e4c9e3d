"""Fulfilment reads, always scoped to a company that is the order's buyer or seller: anyone else
gets NotFound, as for a missing row (P9)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from comptoir.core.errors import NotFound
from comptoir.fulfilment.models import Claim, Contestation, PackagingReturn, Shipment
from comptoir.ordering.models import Order
from comptoir.parties.models import Organization


def _org_id(org: Organization | int | None) -> int | None:
    return org if org is None or isinstance(org, int) else org.pk


def _party_order(org: Organization | int | None, order: Order | int) -> Order:
    org_id = _org_id(org)
    order_id = order if isinstance(order, int) else order.pk
    found = (
        Order.objects.filter(pk=order_id).filter(Q(buyer_id=org_id) | Q(seller_id=org_id)).first()
        if org_id is not None
        else None
    )
    if found is None:
        raise NotFound("Order", field="order")
    return found


def shipments_for(org: Organization | int | None, order: Order | int) -> QuerySet[Shipment]:
    """The order's shipments with their lines and parcels, for its buyer or seller."""
    found = _party_order(org, order)
    return (
        Shipment.objects.filter(order=found)
        .select_related("delivery", "refusal")
        .prefetch_related("lines__order_line", "parcels", "delivery__reserves")
    )


def claims_for(org: Organization | int | None) -> QuerySet[Claim]:
    """Claims on the orders `org` bought or sold, newest activity first, with their threads."""
    org_id = _org_id(org)
    if org_id is None:
        return Claim.objects.none()
    return (
        Claim.objects.filter(Q(order__buyer_id=org_id) | Q(order__seller_id=org_id))
        .select_related("order", "opened_by_organization")
        .prefetch_related("messages__attachments", "messages__organization")
    )


def claim_for(org: Organization | int | None, claim_id: int) -> Claim:
    found = claims_for(org).filter(pk=claim_id).first()
    if found is None:
        raise NotFound("Claim", field="claim")
    return found


def contestation_for(org: Organization | int | None, order: Order | int) -> Contestation | None:
    """The contestation window of a delivered order (None before delivery)."""
    found = _party_order(org, order)
    return Contestation.objects.filter(order=found).first()


def packaging_returns_for(org: Organization | int | None) -> QuerySet[PackagingReturn]:
    org_id = _org_id(org)
    return PackagingReturn.objects.filter(Q(buyer_id=org_id) | Q(seller_id=org_id))
