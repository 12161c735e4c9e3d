"""What the fulfilment services share: locking an order, checking who acts, auditing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.core.services import audit_record
from comptoir.fulfilment.models import Shipment, ShipmentState
from comptoir.ordering.models import Order
from comptoir.ordering.policy import OrderingPolicy, ordering_policy
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import active_membership, require_permission

M = TypeVar("M", bound=Model)
BATCH = 500
SHIPMENT_STATE_TEXTS: dict[str, Promise] = {
    ShipmentState.SHIPPED: gettext_lazy("Shipment %(number)s is shipped."),
    ShipmentState.DELIVERED: gettext_lazy("Shipment %(number)s is delivered."),
    ShipmentState.REFUSED: gettext_lazy("Shipment %(number)s is refused."),
    ShipmentState.RETURNED: gettext_lazy("Shipment %(number)s is returned."),
}


def locked_order(order_id: int) -> Order:
    """The order, locked for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order"), field="order")
    return order


def locked_shipment(shipment_id: int) -> Shipment:
    """The shipment, locked for the rest of the transaction."""
    shipment = Shipment.objects.select_for_update().filter(pk=shipment_id).first()
    if shipment is None:
        raise NotFound(_("Shipment"), field="shipment")
    return shipment


def shipment_state_text(shipment: Shipment) -> str:
    """Why a shipment no longer in transit is refused ("Shipment … is delivered."), in the
    reader's language."""
    return str(SHIPMENT_STATE_TEXTS[shipment.state]) % {"number": shipment.number}


def policy_of(order: Order) -> OrderingPolicy:
    return ordering_policy(order.terms_version)


def require_seller(actor: Any, order: Order) -> None:
    """Seller staff act on fulfilment with the seller's `place_orders` permission (P4);
    `actor=None` is the system (sweeps, hooks)."""
    if actor is not None:
        require_permission(actor, order.seller_id, Permission.PLACE_ORDERS)


def require_buyer(actor: Any, order: Order) -> None:
    if actor is not None:
        require_permission(actor, order.buyer_id, Permission.PLACE_ORDERS)


def require_party(actor: Any, order: Order, rule: str) -> None:
    """The buyer's or the seller's members with `place_orders` (P4)."""
    if actor is None:
        return
    for org_id in (order.buyer_id, order.seller_id):
        membership = active_membership(actor, org_id)
        if membership is not None and Permission.PLACE_ORDERS in membership.effective_permissions:
            return
    raise PermissionDenied(_("Only the order's buyer and seller act on it."), rule=rule)


def due_ids(query: QuerySet[M], until: datetime) -> list[int]:
    """The ids of the rows of `query` whose `deadline_at` passed by `until`, oldest first."""
    return list(
        query.filter(deadline_at__lte=until)
        .order_by("deadline_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def take(query: QuerySet[M]) -> M | None:
    """The row of `query` (pk, state and deadline re-checked in the filter), locked for the
    transaction; on PostgreSQL a row another worker holds is skipped (N2 sweeps)."""
    if connection.vendor == "postgresql":
        query = query.select_for_update(skip_locked=True)
    return query.first()


def sweep(ids_of: Any, one: Any, until: datetime) -> int:
    """Apply `one(pk, until)` to every row `ids_of(until)` returns, batch after batch, one
    transaction per row (`one` opens it); returns how many changed."""
    done = 0
    while True:
        ids = ids_of(until)
        progressed = sum(1 for pk in ids if one(pk, until))
        done += progressed
        if len(ids) < BATCH or progressed == 0:
            return done


def party_of(actor: Any, order: Order) -> Organization:
    """The side of the order `actor` speaks for (buyer first), for claims (A5): any active member
    of the buyer or the seller holding `view_orders`."""
    for org_id in (order.buyer_id, order.seller_id):
        membership = active_membership(actor, org_id)
        if membership is not None and Permission.VIEW_ORDERS in membership.effective_permissions:
            return membership.organization
    raise PermissionDenied(_("Only the order's buyer and seller follow its claims."), rule="A5")


def audit(actor: Any, order: Order, action: str, obj: Any, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organization_id=order.seller_id,
        action=f"fulfilment.{action}",
        obj_type=f"fulfilment.{type(obj).__name__}",
        obj_id=obj.pk,
        data={"order": order.number, **data},
    )
