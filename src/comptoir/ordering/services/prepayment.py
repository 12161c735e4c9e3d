"""The seller's faculty to ask for immediate payment, or not (O10, PT9, PT10).

Checkout flags an order `prepayment_required` when the buyer's unpaid amounts and the order
exceed its deposit or credit limit; the terms make asking for the money the seller's faculty
("le Vendeur dispose de la faculté de solliciter le règlement immédiat", 001 §4). Until paid, a
flagged order does not ship (fulfilment). The seller may instead let it go ahead on its usual
terms: the waiver is recorded on the order's timeline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, words
from comptoir.ordering.rules import OPEN_STATES
from comptoir.ordering.services._common import locked, record, require_seller


@transaction.atomic
def order_prepayment_waive(*, actor: Any, order_id: int, reason: str = "") -> Order:
    """The seller does not ask for the immediate payment the checkout flagged (PT9, PT10)."""
    order = locked(order_id)
    require_seller(actor, order)
    if not order.prepayment_required or order.payment_method == "card":
        # a card order is paid at checkout (PT2): there is nothing to waive
        raise DomainError(
            "prepayment_not_required",
            _("This order awaits no prepayment."),
            field="order",
            rule="O10",
        )
    if order.state not in OPEN_STATES:
        raise DomainError(
            "order_closed",
            _("This order is no longer to serve."),
            field="state",
            rule="O10",
        )
    order.prepayment_required = False
    order.save(update_fields=["prepayment_required"])
    record(
        order,
        action="waive_prepayment",
        actor=actor,
        from_state=order.state,
        rule="PT9",
        note=words(reason[:500]) or Note.of("prepayment_waived"),
    )
    return order


__all__ = ["order_prepayment_waive"]
