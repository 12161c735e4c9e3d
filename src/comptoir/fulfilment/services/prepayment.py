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
from django.db.models import Sum
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_money_active
from comptoir.fulfilment.services._common import locked_order
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note
from comptoir.ordering.rules import OPEN_STATES
from comptoir.ordering.services._common import record
from comptoir.parties.models import Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments.hooks import OrderRef, PrepaymentReceived
from comptoir.payments.models import Payment
from comptoir.payments.rules import ZERO, is_order_number
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
        _(
            "Prepayment required: %(due)s of %(total)s incl. VAT still to be received before "
            "the order ships."
        )
        % {"due": format_money_active(status.due), "total": format_money_active(status.total)},
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
            "invalid_amount",
            _("A positive amount in euros and cents."),
            field="amount",
            rule="O10",
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
            _("This order awaits no prepayment."),
            field="order",
            rule="O10",
        )
    value = _amount(amount) if replay is None else replay.amount
    if replay is None and status is not None:  # a double click is answered, not refused
        if status.due <= 0:
            raise DomainError(
                "prepayment_complete",
                _("The prepayment of this order is already covered."),
                field="amount",
                rule="O10",
            )
        if value > status.due:
            raise DomainError(
                "amount_exceeds_due",
                _("Only %(due)s are still due for this order.")
                % {"due": format_money_active(status.due)},
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


RESOLVE_CHUNK = 500
"""Order numbers looked up per query (well under SQLite's bound parameters)."""


def orders_awaiting_prepayment_by_number(
    seller_ids: set[int], numbers: set[str]
) -> dict[str, OrderRef]:
    """The resolver payments calls for a bank statement (`payments.hooks`, O10): among
    `numbers`, the orders of `seller_ids` still awaiting their prepayment (flag set, so not
    waived; not paid by card; still to serve; not invoiced) with what is still due. Two queries
    per 500 numbers: the orders, then what was paid for them."""
    wanted = sorted(n for n in numbers if is_order_number(n))
    found: dict[str, OrderRef] = {}
    for start in range(0, len(wanted), RESOLVE_CHUNK):
        chunk = wanted[start : start + RESOLVE_CHUNK]
        rows = list(
            Order.objects.filter(
                seller_id__in=seller_ids,
                number__in=chunk,
                prepayment_required=True,
                state__in=OPEN_STATES,
                invoice__isnull=True,
            )
            .exclude(payment_method="card")
            .order_by()
            .values_list("number", "buyer_id", "seller_id", "total_incl_vat")
        )
        if not rows:
            continue
        paid = {
            (seller, reference): total
            for seller, reference, total in Payment.objects.filter(
                seller_id__in={row[2] for row in rows},
                reference__in=[row[0] for row in rows],
                reversed_at__isnull=True,
            )
            .order_by()
            .values("seller_id", "reference")
            .annotate(total=Sum("amount"))
            .values_list("seller_id", "reference", "total")
        }
        for number, buyer_id, seller_id, total in rows:
            if number is None:  # not placed yet (filtered out by `number__in`)
                continue
            due = total - (paid.get((seller_id, number)) or ZERO)
            if due > 0:  # a covered order awaits nothing more
                found[number] = OrderRef(number, buyer_id, seller_id, due)
    return found


def prepayments_noted(received: list[PrepaymentReceived]) -> None:
    """The listener payments tells of the prepayments it recorded from a bank statement (O10):
    each one goes on its order's timeline, with what was still due after it (same
    transaction; the statement's lines in their order)."""
    numbers = {r.number for r in received}
    orders = {
        (o.seller_id, o.number): o
        for o in Order.objects.filter(
            number__in=numbers, seller_id__in={r.seller_id for r in received}
        )
    }
    batch: dict[tuple[int, str], Decimal] = {}
    for item in received:
        key = (item.seller_id, item.number)
        batch[key] = batch.get(key, ZERO) + item.amount
    paid_before = {
        key: prepaid_amount(reference=key[1], seller=key[0]) - amount
        for key, amount in batch.items()
        if key in orders
    }
    for item in received:
        key = (item.seller_id, item.number)
        order = orders.get(key)
        if order is None:
            continue
        paid_before[key] += item.amount
        due = max(ZERO, order.total_incl_vat - paid_before[key])
        via = (
            "prepayment_received_statement"
            if item.source == "statement"
            else "prepayment_received_queue"
        )
        record(
            order,
            action="prepayment_received",
            actor=None,
            from_state=order.state,
            rule="O10",
            note=Note.of(via, amount=item.amount, due=due),
            data={
                "payment": item.payment_id,
                "amount": item.amount,
                "source": item.source,
                "due": due,
            },
        )


__all__ = [
    "PrepaymentStatus",
    "order_prepayment_record",
    "orders_awaiting_prepayment_by_number",
    "prepayment_awaited",
    "prepayment_hold_check",
    "prepayment_status",
    "prepayments_noted",
]
