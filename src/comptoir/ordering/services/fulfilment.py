"""The order side of fulfilment (F2, F3, F5, I1): the fulfilment context records shipments,
deliveries and contestations, and moves the order through these services, which also issue the
invoice when the terms tie it to shipment or to freezing. Called inside fulfilment's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from comptoir.catalog.services import stock_issue
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order
from comptoir.ordering.services._common import apply, locked
from comptoir.ordering.services.invoicing import order_invoice_if_due


def order_record_shipment(
    *, order_id: int, quantities: Mapping[int, int], actor: Any, shipment: str
) -> Order:
    """Goods of the order left the warehouse: `quantities` maps order line ids to units shipped
    by this shipment. The stock held is issued; when every line is fully shipped and the terms
    invoice at shipment, the invoice is issued (I1)."""
    order = locked(order_id)
    lines = {line.pk: line for line in order.lines.all()}
    if not quantities or any(q < 0 for q in quantities.values()):
        raise DomainError("invalid_quantity", "Ship at least one unit.", field="lines", rule="F2")
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise DomainError("unknown_line", "Not a line of this order.", field="lines")
        if line.shipped_quantity + quantity > line.quantity:
            raise DomainError(
                "over_shipment",
                f"{line.sku}: {line.quantity - line.shipped_quantity} unit(s) left to ship.",
                field=f"lines[{line.position - 1}].quantity",
                rule="F2",
            )
        held = min(quantity, line.reserved_quantity)
        stock_issue(product_id=line.product_id, quantity=held)
        line.reserved_quantity -= held
        line.shipped_quantity += quantity
        line.save(update_fields=["reserved_quantity", "shipped_quantity"])
    apply(order, "ship", actor=actor, data={"shipment": shipment, "lines": dict(quantities)})
    if all(line.shipped_quantity >= line.quantity for line in lines.values()):
        order_invoice_if_due(order, "at_shipment", actor=actor)
    return order


def order_fully_shipped(order: Order) -> bool:
    return all(line.shipped_quantity >= line.quantity for line in order.lines.all())


def order_record_delivery(*, order_id: int, actor: Any, note: str = "") -> Order:
    """Every shipment of the order has been delivered (F3)."""
    order = locked(order_id)
    if not order_fully_shipped(order):
        raise DomainError(
            "not_fully_shipped", "Some goods are still to ship.", field="state", rule="F3"
        )
    return apply(order, "deliver", actor=actor, note=note)


def order_freeze(*, order_id: int, actor: Any, note: str) -> Order:
    """Validated, or the contestation deadline passed: the order is frozen and, where the terms
    say so, its invoice issued and final (F5, I1)."""
    order = locked(order_id)
    apply(order, "freeze", actor=actor, note=note)
    order_invoice_if_due(order, "at_freeze", actor=actor)
    return order
