"""Goods the buyer does not collect (F7, N1 [001 §8]): the seller sends a formal notice to take
possession; once it has stayed unanswered for the terms' delay (48 hours) the seller may record
the resolution of the order at the buyer's exclusive fault, the parcel going back at the buyer's
cost. Collecting the goods in time (the seller records the delivery) closes the notice."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.services import stock_managed, stock_return
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.models import (
    Charge,
    CollectionNotice,
    NoticeStatus,
    Shipment,
    ShipmentState,
)
from comptoir.fulfilment.rules import CENTS, PARIS, notice_deadline, resolution_check
from comptoir.fulfilment.services._common import (
    audit,
    due_ids,
    locked_order,
    locked_shipment,
    policy_of,
    require_seller,
    shipment_state_text,
    sweep,
    take,
)
from comptoir.fulfilment.tasks import send_collection_notice
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, explained, words
from comptoir.ordering.services import order_credit_in_full
from comptoir.ordering.services._common import apply


def _clause(clause: Any) -> str:
    return str(clause) if clause is not None else ""


def _letter(order: Order, shipment: Shipment, deadline_at: datetime, clause: str) -> str:
    local = deadline_at.astimezone(PARIS)
    return (
        f"Mise en demeure — lettre recommandée avec accusé de réception\n\n"
        f"{order.seller.display_name} à {order.buyer.display_name}\n\n"
        f"Objet : commande {order.number}, expédition {shipment.number} ({shipment.carrier})\n\n"
        f"Les produits de la commande {order.number} vous ont été présentés et n'ont pas été "
        f"retirés. Nous vous mettons en demeure d'en prendre possession au plus tard le "
        f"{local:%d/%m/%Y à %H:%M}. À défaut, quarante-huit heures après la présente mise en "
        f"demeure restée infructueuse, nous nous réservons le droit de constater la résolution "
        f"de la commande à vos torts exclusifs, le colis étant retourné à vos frais, sans "
        f"préjudice de notre droit de réclamer l'exécution forcée de la vente et/ou des "
        f"dommages et intérêts.\n\n{clause}"
    ).strip()


@transaction.atomic
def collection_notice_send(
    *, actor: Any, shipment_id: int, letter_reference: str = ""
) -> CollectionNotice:
    """The seller gives the buyer formal notice to take possession of goods it did not collect
    (F7, N1 [001 §8]); the letter is stored and the deadline that runs from it tracked."""
    shipment = locked_shipment(shipment_id)
    order = locked_order(shipment.order_id)
    require_seller(actor, order)
    terms = policy_of(order).document.fulfilment.refused_delivery
    delay = terms.resolution_after_formal_notice if terms is not None else None
    if terms is None or delay is None:
        raise DomainError(
            "no_resolution_clause",
            _("The seller's terms provide no resolution after a formal notice."),
            field="shipment",
            rule="F7",
        )
    if shipment.state != ShipmentState.SHIPPED:
        raise DomainError("not_in_transit", shipment_state_text(shipment), "shipment", "F7")
    if CollectionNotice.objects.filter(shipment=shipment).exists():
        raise DomainError(
            "notice_already_sent", _("A formal notice was already sent."), "shipment", "F7"
        )
    now = clock.now()
    deadline_at = notice_deadline(now, delay.amount, delay.unit)
    clause = _clause(terms.clause)
    notice = CollectionNotice.objects.create(
        shipment=shipment,
        order=order,
        letter=_letter(order, shipment, deadline_at, clause),
        letter_reference=(letter_reference or "").strip()[:120],
        sent_at=now,
        sent_by=actor if getattr(actor, "pk", None) else None,
        deadline_at=deadline_at,
        clause=clause,
    )
    audit(
        actor,
        order,
        "collection.notice",
        notice,
        {
            "shipment": shipment.number,
            "deadline_at": deadline_at,
            "reference": notice.letter_reference,
            "rule": "N1",
        },
    )
    transaction.on_commit(lambda: send_collection_notice.enqueue(notice.pk))
    return notice


def collection_notice_close(shipment: Shipment, actor: Any) -> None:
    """The goods were collected after all (the seller records the delivery): the notice ends,
    whether or not its delay had passed, as long as the order was not resolved."""
    notice = (
        CollectionNotice.objects.select_for_update()
        .filter(shipment=shipment, status__in=(NoticeStatus.SENT, NoticeStatus.EXPIRED))
        .first()
    )
    if notice is None:
        return
    notice.status = NoticeStatus.COLLECTED
    notice.closed_at = clock.now()
    notice.closed_by = actor if getattr(actor, "pk", None) else None
    notice.save(update_fields=["status", "closed_at", "closed_by"])
    audit(actor, notice.order, "collection.collected", notice, {"rule": "F7"})


@transaction.atomic
def order_resolve_uncollected(
    *, actor: Any, shipment_id: int, return_cost: Decimal | None = None
) -> Order:
    """The formal notice stayed unanswered for its whole delay: the seller records the
    resolution of the order at the buyer's exclusive fault (F7 [001 §8]). The parcel goes back
    at the buyer's cost: `return_cost` (excl. VAT), when given, is charged on its next invoice."""
    shipment = locked_shipment(shipment_id)
    order = locked_order(shipment.order_id)
    require_seller(actor, order)
    notice = (
        CollectionNotice.objects.select_for_update()
        .filter(shipment=shipment, status__in=(NoticeStatus.SENT, NoticeStatus.EXPIRED))
        .first()
    )
    if notice is None:
        raise DomainError(
            "no_formal_notice", _("Send a formal notice first (N1)."), field="shipment", rule="F7"
        )
    resolution_check(notice.deadline_at, clock.now())
    cost = Decimal(return_cost).quantize(CENTS) if return_cost is not None else None
    if cost is not None and cost < 0:
        raise DomainError(
            "invalid_amount", _("A cost is positive."), field="return_cost", rule="F7"
        )
    note = Note.of("resolved_uncollected", sent_at=notice.sent_at) + words(notice.clause)
    apply(order, "resolve", actor=actor, note=note, data={"shipment": shipment.number})
    shipment.state = ShipmentState.RETURNED
    shipment.save(update_fields=["state"])
    _restock(shipment)
    credit_note = order_credit_in_full(
        order, reason="résolution de la commande, marchandise non retirée", rule="F7", actor=actor
    )
    if cost:
        Charge.objects.create(
            order=order,
            code="uncollected_return_transport",
            amount_excl_vat=cost,
            rule="F7",
            **explained(
                Note.of("uncollected_return_transport", shipment=shipment.number, amount=cost)
                + words(notice.clause)
            ),
            created_at=clock.now(),
        )
    notice.status = NoticeStatus.RESOLVED
    notice.closed_at = clock.now()
    notice.closed_by = actor if getattr(actor, "pk", None) else None
    notice.save(update_fields=["status", "closed_at", "closed_by"])
    audit(
        actor,
        order,
        "collection.resolve",
        notice,
        {
            "shipment": shipment.number,
            "return_cost": cost,
            "credit_note": credit_note.number if credit_note else None,
            "rule": "F7",
        },
    )
    return order


def _restock(shipment: Shipment) -> None:
    """The returned parcel's goods are on hand again (stock-managed products only)."""
    lines = list(shipment.lines.select_related("order_line"))
    managed = stock_managed([sl.order_line.product_id for sl in lines if sl.order_line.product_id])
    for sl in lines:
        if sl.order_line.product_id in managed:
            stock_return(product_id=sl.order_line.product_id, quantity=sl.quantity)


def _notices_due(until: datetime) -> list[int]:
    return due_ids(CollectionNotice.objects.filter(status=NoticeStatus.SENT), until)


def _expire_one(pk: int, until: datetime) -> bool:
    with transaction.atomic():
        notice = take(
            CollectionNotice.objects.filter(pk=pk, status=NoticeStatus.SENT, deadline_at__lte=until)
        )
        if notice is None:
            return False
        notice.status = NoticeStatus.EXPIRED
        notice.expired_at = clock.now()
        notice.save(update_fields=["status", "expired_at"])
        order = Order.objects.get(pk=notice.order_id)
        audit(None, order, "collection.expire", notice, {"until": until, "rule": "F7"})
        return True


def collection_notices_expire_due(*, until: datetime) -> int:
    """Mark every formal notice whose delay passed by `until` unanswered (F7, N1): the seller
    may now resolve the order (it keeps the choice of forced execution, so the sweep does not
    resolve by itself); one transaction per notice."""
    return sweep(_notices_due, _expire_one, until)
