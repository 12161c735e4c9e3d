"""What the fulfilment services share: locking an order, checking who acts, auditing."""

from __future__ import annotations

from typing import Any

from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.core.services import audit_record
from comptoir.ordering.models import Order
from comptoir.ordering.policy import OrderingPolicy, ordering_policy
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import active_membership, require_permission


def locked_order(order_id: int) -> Order:
    """The order, locked for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Order", field="order")
    return order


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


def party_of(actor: Any, order: Order) -> Organization:
    """The side of the order `actor` speaks for (buyer first), for claims (A5): any active member
    of the buyer or the seller holding `view_orders`."""
    for org_id in (order.buyer_id, order.seller_id):
        membership = active_membership(actor, org_id)
        if membership is not None and Permission.VIEW_ORDERS in membership.effective_permissions:
            return membership.organization
    raise PermissionDenied("Only the order's buyer and seller follow its claims.", rule="A5")


def audit(actor: Any, order: Order, action: str, obj: Any, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organization_id=order.seller_id,
        action=f"fulfilment.{action}",
        obj_type=f"fulfilment.{type(obj).__name__}",
        obj_id=obj.pk,
        data={"order": order.number, **data},
    )
