"""The order side of fulfilment (F2, F3, F5, I1): the fulfilment context records shipments,
deliveries and contestations, and moves the order through these services, which also issue the
invoice when the terms tie it to shipment or to freezing. Called inside fulfilment's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.services import stock_issue
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderLine
from comptoir.ordering.notes import Note, as_note
from comptoir.ordering.rules import withdrawal_deadline
from comptoir.ordering.services._common import apply, locked, withdrawal_terms
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
        raise DomainError(
            "invalid_quantity", _("Ship at least one unit."), field="lines", rule="F2"
        )
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise DomainError("unknown_line", _("Not a line of this order."), field="lines")
        if line.withdrawn_at is not None and quantity:
            raise DomainError(
                "line_withdrawn",
                _("%(sku)s: the consumer withdrew from this line.") % {"sku": line.sku},
                field=f"lines[{line.position - 1}].quantity",
                rule="O17",
            )
        if line.shipped_quantity + quantity > line.quantity:
            raise DomainError(
                "over_shipment",
                ngettext(
                    "%(sku)s: %(count)s unit left to ship.",
                    "%(sku)s: %(count)s units left to ship.",
                    line.quantity - line.shipped_quantity,
                )
                % {"sku": line.sku, "count": line.quantity - line.shipped_quantity},
                field=f"lines[{line.position - 1}].quantity",
                rule="F2",
            )
        held = min(quantity, line.reserved_quantity)
        stock_issue(product_id=line.product_id, quantity=held)
        line.reserved_quantity -= held
        line.shipped_quantity += quantity
        line.save(update_fields=["reserved_quantity", "shipped_quantity"])
    apply(order, "ship", actor=actor, data={"shipment": shipment, "lines": dict(quantities)})
    if all(_shipped(line) for line in lines.values()):
        order_invoice_if_due(order, "at_shipment", actor=actor)
    return order


def _shipped(line: OrderLine) -> bool:
    """Nothing left to ship on the line; a line the consumer withdrew from before it left is
    not shipped any more (O17)."""
    return line.shipped_quantity >= line.quantity or (
        line.withdrawn_at is not None and line.shipped_quantity == 0
    )


def order_fully_shipped(order: Order) -> bool:
    return all(_shipped(line) for line in order.lines.all())


def order_record_delivery(
    *, order_id: int, actor: Any, note: str | Note = "", delivered_on: date | None = None
) -> Order:
    """Every shipment of the order has been delivered (F3), on `delivered_on` (default today):
    the receipt of the last lot, from which a consumer's withdrawal period runs (O17, L221-18)."""
    order = locked(order_id)
    if not order_fully_shipped(order):
        raise DomainError(
            "not_fully_shipped", _("Some goods are still to ship."), field="state", rule="F3"
        )
    delivered_on = delivered_on or clock.today()
    fields: tuple[str, ...] = ()
    data: dict[str, Any] = {"delivered_on": delivered_on}
    if order.consumer and order.withdrawal_from == "delivery":
        order.withdrawal_due_on = withdrawal_deadline(delivered_on, withdrawal_terms(order).days)
        fields = ("withdrawal_due_on",)
        data["withdrawal_due_on"] = order.withdrawal_due_on
        note = as_note(note) + Note.of("withdrawal_possible_until", until=order.withdrawal_due_on)
    return apply(order, "deliver", actor=actor, note=note, fields=fields, data=data)


def order_freeze(*, order_id: int, actor: Any, note: str | Note) -> Order:
    """Validated, or the contestation deadline passed: the order is frozen and, where the terms
    say so, its invoice issued and final (F5, I1)."""
    order = locked(order_id)
    apply(order, "freeze", actor=actor, note=note)
    order_invoice_if_due(order, "at_freeze", actor=actor)
    return order
