"""An order placed under "immediate payment required" (O10, PT9, PT10) waits for its
prepayment before it ships (F8): what is still due, and the seller recording what it received.

A card order is paid through the provider at checkout (PT2) and is held by `hold_check` until
the card payment succeeds; every other method is held here until the payments recorded for the
order (its number as reference) cover its total incl. VAT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.core.errors import DomainError
from comptoir.fulfilment.services._common import locked_order
from comptoir.ordering.models import Order
from comptoir.ordering.rules import OPEN_STATES
from comptoir.parties.models import Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.models import Payment
from comptoir.payments.rules import ZERO
from comptoir.payments.services.prepayments import prepaid_amount, prepayment_record


@dataclass(frozen=True, slots=True)
class PrepaymentStatus:
    """Where an order stands with its prepayment: its total, what was paid for it, what is due."""

    total: Decimal
    paid: Decimal
    due: Decimal


def prepayment_awaited(order: Order) -> bool:
    """The order must be paid before it ships and is paid by another method than the card
    (O10); only while it is still to serve."""
    return (
        order.prepayment_required
        and order.payment_method != "card"
        and order.state in OPEN_STATES
        and bool(order.number)
    )


def prepayment_status(order: Order) -> PrepaymentStatus | None:
    """None when the order awaits no prepayment; else its total, what was paid, what is due."""
    if not prepayment_awaited(order):
        return None
    paid = prepaid_amount(reference=order.number or "", seller=order.seller_id)
    return PrepaymentStatus(
        total=order.total_incl_vat,
        paid=paid,
        due=max(ZERO, order.total_incl_vat - paid),
    )


def prepayment_hold_check(order: Order) -> None:
    """O10: an order whose prepayment is not covered does not ship."""
    status = prepayment_status(order)
    if status is None or status.due <= 0:
        return
    raise DomainError(
        "prepayment_required",
        f"Paiement d'avance exigé : {status.due} € restent à recevoir sur {status.total} € TTC "
        "avant l'expédition de la commande.",
        field="order",
        rule="O10",
        details={"total": str(status.total), "paid": str(status.paid), "due": str(status.due)},
    )


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            "invalid_amount", "A positive amount in euros and cents.", field="amount", rule="O10"
        )
    return amount


@transaction.atomic
def order_prepayment_record(
    *,
    actor: Any,
    order_id: int,
    amount: Any,
    method: str,
    on: date,
    idempotency_key: str,
) -> Payment:
    """The seller records money received for an order awaiting its prepayment (O10). Refused
    for an order that awaits none and for more than is still due (a typing mistake would
    otherwise release the order); the same key again returns the same payment."""
    order = locked_order(order_id)
    if actor is not None:  # P4: the seller's finance staff record money received
        require_permission(actor, order.seller_id, Permission.VIEW_INVOICES)
    replay = Payment.objects.filter(
        seller_id=order.seller_id, idempotency_key=f"prepay:{idempotency_key.strip()}"[:80]
    ).first()
    status = prepayment_status(order)
    if replay is None and status is None:
        raise DomainError(
            "prepayment_not_required",
            "This order awaits no prepayment.",
            field="order",
            rule="O10",
        )
    value = _amount(amount) if replay is None else replay.amount
    if replay is None and status is not None:  # a double click is answered, not refused
        if status.due <= 0:
            raise DomainError(
                "prepayment_complete",
                "The prepayment of this order is already covered.",
                field="amount",
                rule="O10",
            )
        if value > status.due:
            raise DomainError(
                "amount_exceeds_due",
                f"Only {status.due} € are still due for this order.",
                field="amount",
                rule="O10",
                details={"due": str(status.due)},
            )
    return prepayment_record(
        buyer=order.buyer,
        seller=order.seller,
        reference=order.number or "",
        amount=value,
        method=method,
        on=on,
        idempotency_key=idempotency_key,
        actor=actor,
    )


__all__ = [
    "PrepaymentStatus",
    "order_prepayment_record",
    "prepayment_awaited",
    "prepayment_hold_check",
    "prepayment_status",
]
