"""What every ordering service shares: locking an order, checking who acts, recording the
transition in the order's timeline and the audit log (P8), giving back reserved stock."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from comptoir.catalog.services import stock_managed, stock_release, stock_reserve
from comptoir.core import clock
from comptoir.core.audit import jsonable
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.services import audit_record
from comptoir.ordering.models import Order, OrderEvent, OrderLine, Voucher
from comptoir.ordering.notifications import notify
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import PricedCart
from comptoir.ordering.rules import SAME, next_deadline, transition_check
from comptoir.parties.models import Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.services.card import card_refund


def locked(order_id: int) -> Order:
    """The order, locked for the rest of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("Order", field="order")
    return order


def require_buyer(actor: Any, order: Order, permission: str = Permission.PLACE_ORDERS) -> None:
    if actor is not None:
        require_permission(actor, order.buyer_id, permission)


def require_seller(actor: Any, order: Order) -> None:
    """Seller staff act on orders with the `place_orders` permission of the seller (P4)."""
    if actor is not None:
        require_permission(actor, order.seller_id, Permission.PLACE_ORDERS)


def record(
    order: Order,
    *,
    action: str,
    actor: Any,
    from_state: str,
    rule: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append the event to the timeline and the audit log."""
    at = clock.now()
    payload = jsonable(data or {})
    assert isinstance(payload, dict)
    event = OrderEvent.objects.create(
        order=order,
        at=at,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=order.state,
        rule=rule,
        note=note,
        data=payload,
    )
    audit_record(
        actor=actor,
        organization_id=order.seller_id,
        action=f"order.{action}",
        obj_type="ordering.Order",
        obj_id=str(order.pk),
        data={"number": order.number, "from": from_state, "to": order.state, **payload},
    )
    order_id = order.pk
    transaction.on_commit(lambda: notify(order_id, action, note))
    return event


def reschedule(order: Order, *, acceptance_overdue_noted: bool = False) -> None:
    """Store the order's next time-driven step (N2) from its state and deadlines."""
    policy = ordering_policy(order.terms_version)
    step = next_deadline(
        state=order.state,
        acceptance_due_on=order.acceptance_due_on,
        on_silence=policy.on_silence,
        processing_on=order.processing_on if policy.monthly_processing else None,
        suspended_until=order.suspended_until,
        acceptance_overdue_noted=acceptance_overdue_noted,
    )
    order.next_deadline_at = step.at
    order.next_action = step.action


def apply(
    order: Order,
    action: str,
    *,
    actor: Any,
    note: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    rule: str | None = None,
    target: str | None = None,
) -> Order:
    """Move `order` (locked) by `action` per the transition table, save and record it;
    `target` overrides the table's target (resuming to the state before a suspension)."""
    transition = transition_check(action, order.state)
    before = order.state
    target = target or transition.target
    if target != SAME:
        order.state = target
        order.state_changed_at = clock.now()
    reschedule(order, acceptance_overdue_noted=action == "note_acceptance_overdue")
    order.save(
        update_fields=[
            "state",
            "state_changed_at",
            "next_deadline_at",
            "next_action",
            *fields,
        ]
    )
    record(
        order,
        action=action,
        actor=actor,
        from_state=before,
        rule=rule or transition.rule,
        note=note,
        data=data,
    )
    return order


def release_stock(order: Order) -> None:
    """Give back what the order still holds (refused, lapsed, cancelled)."""
    for line in order.lines.filter(reserved_quantity__gt=0):
        stock_release(product_id=line.product_id, quantity=line.reserved_quantity)
        line.reserved_quantity = 0
        line.save(update_fields=["reserved_quantity"])


def refund_if_paid(order: Order, reason: str, actor: Any = None) -> None:
    """O12 [000 §7.2]: an order that does not go ahead is refunded in full what was paid for it
    by card and not yet set against an invoice."""
    if order.payment_method == "card" and order.number:
        card_refund(reference=order.number, seller=order.seller, reason=reason, actor=actor)


def restore_voucher(order: Order) -> None:
    """A voucher of an order that never went ahead can be used again (O15)."""
    Voucher.objects.filter(redeemed_by=order).update(redeemed_by=None)


def reserve_stock(order: Order, lines: list[OrderLine]) -> None:
    """Hold the stock of every physical line (O13), or refuse the whole order; sets each line's
    `reserved_quantity` (the caller saves the lines)."""
    managed = stock_managed([line.product_id for line in lines])
    for i, line in enumerate(lines):
        if line.product_id not in managed:
            continue
        if not stock_reserve(product_id=line.product_id, quantity=line.quantity):
            raise DomainError(
                "insufficient_stock",
                f"Not enough stock of {line.sku} for {line.quantity} unit(s).",
                field=f"lines[{i}].quantity",
                rule="O13",
            )
        line.reserved_quantity = line.quantity


def refuse_on_violations(priced: PricedCart) -> None:
    violations = priced.quote.violations
    if violations:
        first = violations[0]
        raise DomainError(
            first.code,
            first.explanation.en,
            field="lines",
            rule=first.rule,
            details={
                "violations": [
                    {
                        "code": v.code,
                        "rule": v.rule,
                        "clause": v.clause.as_dict(),
                        "explanation": v.explanation.as_dict(),
                    }
                    for v in violations
                ]
            },
        )
