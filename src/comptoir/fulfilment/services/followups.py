"""The sub-deadlines of reception (F4, N2): reserves confirmed to the seller and the protest to
the carrier [003 §3], wrong or excess goods returned or paid [002 §9.1]. Each deadline is stored
when the delivery or the goods are recorded, the buyer records what it did, and a sweep applies
the terms' consequence when the deadline passes unanswered."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment.models import (
    Charge,
    Delivery,
    FollowUpKind,
    FollowUpStatus,
    Reserve,
    ReserveFollowUp,
    Shipment,
    ShipmentState,
    WrongGoods,
    WrongGoodsKind,
    WrongGoodsStatus,
)
from comptoir.fulfilment.rules import (
    carrier_protest_deadline,
    carrier_protest_needed,
    counting_text,
    delay_deadline,
    follow_up_done_check,
    wrong_goods_charge,
)
from comptoir.fulfilment.services._common import (
    audit,
    due_ids,
    locked_order,
    policy_of,
    require_buyer,
    require_party,
    sweep,
    take,
)
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, explained, words

CONSEQUENCES = {
    FollowUpKind.CONFIRM_RESERVES: (
        "Réserves non confirmées ni détaillées au Service Clients dans le délai : elles ne sont "
        "pas opposables au vendeur."
    ),
    FollowUpKind.CARRIER_PROTEST: (
        "Aucune protestation motivée notifiée au transporteur dans le délai : l'action contre "
        "le transporteur pour avarie ou perte partielle est éteinte (C. com. L133-3) ; les "
        "produits voyagent aux risques et périls du client."
    ),
}


FOLLOW_UP_CLOSED: dict[str, Promise] = {
    FollowUpStatus.DONE: gettext_lazy("This deadline is done."),
    FollowUpStatus.LAPSED: gettext_lazy("This deadline is lapsed."),
}
WRONG_GOODS_CLOSED: dict[str, Promise] = {
    WrongGoodsStatus.RETURNED: gettext_lazy("These goods are returned."),
    WrongGoodsStatus.CHARGED: gettext_lazy("These goods are charged."),
}


def _clause(clause: Any) -> str:
    return str(clause) if clause is not None else ""


def store_follow_ups(order: Order, delivery: Delivery, kinds: list[str]) -> list[ReserveFollowUp]:
    """Called when a delivery with reserves is recorded: the deadlines the terms set for
    confirming the reserves and protesting to the carrier (F4 [003 §3])."""
    terms = policy_of(order).document.fulfilment.contestation
    if terms is None or not kinds:
        return []
    clause = _clause(terms.clause)
    made = []
    confirm = terms.confirm_reserves_within
    if confirm is not None:
        deadline = delay_deadline(delivery.delivered_on, confirm.amount, confirm.unit)
        counting = counting_text(confirm.amount, confirm.unit)
        made.append((FollowUpKind.CONFIRM_RESERVES, deadline, counting))
    protest = terms.carrier_protest_within
    if protest is not None and carrier_protest_needed(kinds):
        deadline = carrier_protest_deadline(delivery.delivered_on, protest.amount)
        made.append(
            (
                FollowUpKind.CARRIER_PROTEST,
                deadline,
                counting_text(protest.amount, "holidays_excluded"),
            )
        )
    rows = []
    for kind, deadline, counting in made:
        row = ReserveFollowUp.objects.create(
            delivery=delivery,
            order=order,
            kind=kind,
            deadline_on=deadline.on,
            deadline_at=deadline.at,
            counting=counting,
            clause=clause,
        )
        audit(
            delivery.recorded_by,
            order,
            "followup.open",
            row,
            {"kind": kind, "deadline_on": deadline.on, "counting": counting, "rule": "F4"},
        )
        rows.append(row)
    return rows


@transaction.atomic
def reserve_follow_up_record(
    *, actor: Any, follow_up_id: int, done_on: date, reference: str = ""
) -> ReserveFollowUp:
    """The buyer records that it confirmed its reserves to the seller, or sent its reasoned
    protest to the carrier (registered letter `reference`), on `done_on` (F4 [003 §3])."""
    found = ReserveFollowUp.objects.filter(pk=follow_up_id).first()
    if found is None:
        raise NotFound(_("Reserve follow-up"), field="follow_up")
    order = locked_order(found.order_id)
    require_buyer(actor, order)
    row = ReserveFollowUp.objects.select_for_update().get(pk=found.pk)
    if row.status != FollowUpStatus.OPEN:
        raise DomainError(
            "already_closed",
            str(FOLLOW_UP_CLOSED[row.status]),
            field="follow_up",
            rule="F4",
        )
    follow_up_done_check(row.deadline_on, done_on, clock.today())
    row.status = FollowUpStatus.DONE
    row.done_on = done_on
    row.reference = (reference or "").strip()[:120]
    row.recorded_by = actor if getattr(actor, "pk", None) else None
    row.recorded_at = row.closed_at = clock.now()
    row.save(
        update_fields=["status", "done_on", "reference", "recorded_by", "recorded_at", "closed_at"]
    )
    audit(
        actor,
        order,
        "followup.done",
        row,
        {"kind": row.kind, "done_on": done_on, "reference": row.reference, "rule": "F4"},
    )
    return row


def _follow_ups_due(until: datetime) -> list[int]:
    return due_ids(ReserveFollowUp.objects.filter(status=FollowUpStatus.OPEN), until)


def _lapse_one(pk: int, until: datetime) -> bool:
    with transaction.atomic():
        row = take(
            ReserveFollowUp.objects.filter(
                pk=pk, status=FollowUpStatus.OPEN, deadline_at__lte=until
            )
        )
        if row is None:
            return False
        order = Order.objects.get(pk=row.order_id)
        consequence = (
            f"Délai expiré le {row.deadline_on:%d/%m/%Y} ({row.counting}). "
            f"{CONSEQUENCES[FollowUpKind(row.kind)]} {row.clause}"
        ).strip()
        if row.kind == FollowUpKind.CONFIRM_RESERVES:
            Reserve.objects.filter(delivery_id=row.delivery_id).update(opposable=False)
        row.status = FollowUpStatus.LAPSED
        row.consequence = consequence
        row.closed_at = clock.now()
        row.save(update_fields=["status", "consequence", "closed_at"])
        audit(None, order, "followup.lapse", row, {"kind": row.kind, "until": until, "rule": "F4"})
        return True


def reserve_follow_ups_lapse_due(*, until: datetime) -> int:
    """Apply the consequence of every reserve deadline passed by `until` without the buyer
    recording what it did (F4, N2); one transaction per row; returns how many."""
    return sweep(_follow_ups_due, _lapse_one, until)


# --- wrong or excess goods [002 §9.1] ---------------------------------------------------------


def _received_on(order: Order) -> date:
    days = [
        s.delivered_on
        for s in Shipment.objects.filter(order=order, state=ShipmentState.DELIVERED)
        if s.delivered_on is not None
    ]
    if not days:
        raise DomainError(
            "not_delivered",
            _("Nothing of this order was received yet."),
            field="order",
            rule="F4",
        )
    return max(days)


@transaction.atomic
def wrong_goods_report(
    *,
    actor: Any,
    order_id: int,
    kind: str,
    description: str,
    quantity: int,
    sku: str = "",
    unit_price: Decimal | None = None,
) -> WrongGoods:
    """Wrong or excess goods were delivered (F4 [002 §9.1]), as the buyer or the seller reports
    them: the buyer returns them within the terms' delay of the receipt, or pays them at the
    usual price. The usual price is the order line's for a SKU of the order, else `unit_price`."""
    order = locked_order(order_id)
    require_party(actor, order, "F4")
    terms = policy_of(order).document.fulfilment.contestation
    delay = terms.wrong_goods_return_within if terms is not None else None
    if delay is None:
        raise DomainError(
            "no_return_clause",
            _("The seller's terms set no return deadline for wrong goods."),
            field="order",
            rule="F4",
        )
    if kind not in WrongGoodsKind.values:
        raise DomainError("invalid_kind", _("Wrong or excess goods?"), field="kind", rule="F4")
    description = (description or "").strip()[:300]
    if not description:
        raise DomainError("description_required", _("What was delivered?"), "description", "F4")
    if int(quantity) <= 0:
        raise DomainError("invalid_quantity", _("At least one unit."), field="quantity", rule="F4")
    sku = (sku or "").strip()[:64]
    line = order.lines.filter(sku=sku).first() if sku else None
    vat_rate = line.vat_rate if line is not None else Decimal("20")
    price = unit_price if unit_price is not None else (line.unit_price if line else None)
    if price is None or price < 0:
        raise DomainError(
            "price_required", _("Give the usual price of these goods."), "unit_price", "F4"
        )
    received_on = _received_on(order)
    deadline = delay_deadline(received_on, delay.amount, delay.unit)
    if clock.now() >= deadline.at:
        raise DomainError(
            "deadline_passed",
            _("The return period ended on %(date)s.") % {"date": f"{deadline.on:%d/%m/%Y}"},
            field="order",
            rule="F4",
        )
    row = WrongGoods.objects.create(
        order=order,
        kind=kind,
        description=description,
        sku=sku,
        quantity=int(quantity),
        unit_price=Decimal(price),
        vat_rate=vat_rate,
        received_on=received_on,
        deadline_on=deadline.on,
        deadline_at=deadline.at,
        clause=_clause(terms.clause if terms else None),
        reported_by=actor if getattr(actor, "pk", None) else None,
        reported_at=clock.now(),
    )
    audit(
        actor,
        order,
        "wrong_goods.report",
        row,
        {
            "kind": kind,
            "description": description,
            "quantity": row.quantity,
            "unit_price": row.unit_price,
            "deadline_on": deadline.on,
            "rule": "F4",
        },
    )
    return row


@transaction.atomic
def wrong_goods_return(
    *, actor: Any, wrong_goods_id: int, returned_on: date, reference: str = ""
) -> WrongGoods:
    """The buyer records that it sent the goods back on `returned_on`, within the delay: the
    seller owes it the return costs, nothing is charged (F4 [002 §9.1])."""
    found = WrongGoods.objects.filter(pk=wrong_goods_id).first()
    if found is None:
        raise NotFound(_("Wrong goods"), field="wrong_goods")
    order = locked_order(found.order_id)
    require_buyer(actor, order)
    row = WrongGoods.objects.select_for_update().get(pk=found.pk)
    if row.status != WrongGoodsStatus.OPEN:
        raise DomainError(
            "already_closed",
            str(WRONG_GOODS_CLOSED[row.status]),
            field="wrong_goods",
            rule="F4",
        )
    follow_up_done_check(row.deadline_on, returned_on, clock.today())
    row.status = WrongGoodsStatus.RETURNED
    row.returned_on = returned_on
    row.return_reference = (reference or "").strip()[:120]
    row.returned_by = actor if getattr(actor, "pk", None) else None
    row.closed_at = clock.now()
    row.save(
        update_fields=["status", "returned_on", "return_reference", "returned_by", "closed_at"]
    )
    audit(
        actor,
        order,
        "wrong_goods.return",
        row,
        {"returned_on": returned_on, "reference": row.return_reference, "rule": "F4"},
    )
    return row


def _wrong_goods_due(until: datetime) -> list[int]:
    return due_ids(WrongGoods.objects.filter(status=WrongGoodsStatus.OPEN), until)


def _charge_one(pk: int, until: datetime) -> bool:
    with transaction.atomic():
        row = take(
            WrongGoods.objects.filter(pk=pk, status=WrongGoodsStatus.OPEN, deadline_at__lte=until)
        )
        if row is None:
            return False
        order = Order.objects.get(pk=row.order_id)
        amount = wrong_goods_charge(row.quantity, row.unit_price)
        charge = Charge.objects.create(
            order=order,
            code="wrong_goods_kept",
            amount_excl_vat=amount,
            vat_rate=row.vat_rate,
            rule="F4",
            **explained(
                Note.of(
                    "wrong_goods_kept_wrong"
                    if row.kind == WrongGoodsKind.WRONG
                    else "wrong_goods_kept_excess",
                    description=row.description,
                    quantity=row.quantity,
                    unit_price=row.unit_price,
                    deadline=row.deadline_on,
                )
                + words(row.clause)
            ),
            created_at=clock.now(),
        )
        row.status = WrongGoodsStatus.CHARGED
        row.charge = charge
        row.closed_at = clock.now()
        row.save(update_fields=["status", "charge", "closed_at"])
        audit(
            None,
            order,
            "wrong_goods.charge",
            row,
            {"amount": amount, "until": until, "rule": "F4"},
        )
        return True


def wrong_goods_charge_due(*, until: datetime) -> int:
    """Charge at the usual price every wrong or excess goods not returned by their deadline
    (F4 [002 §9.1]), for the buyer's next invoice; one transaction per row."""
    return sweep(_wrong_goods_due, _charge_one, until)
