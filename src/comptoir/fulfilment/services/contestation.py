"""Validation, contest and freezing of delivered orders (F4, F5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.models import Contestation, ContestationStatus
from comptoir.fulfilment.rules import contest_check
from comptoir.fulfilment.services._common import (
    audit,
    locked_order,
    require_buyer,
    require_seller,
)
from comptoir.ordering.models import Order, OrderState
from comptoir.ordering.notes import Note, words
from comptoir.ordering.services import order_freeze

BATCH = 500
ALREADY_CLOSED: dict[str, Promise] = {
    ContestationStatus.CONTESTED: gettext_lazy("The delivery is already contested."),
    ContestationStatus.VALIDATED: gettext_lazy("The delivery is already validated."),
    ContestationStatus.LAPSED: gettext_lazy("The delivery is already lapsed."),
    ContestationStatus.RESOLVED: gettext_lazy("The delivery is already resolved."),
}


def _locked_contestation(order: Order) -> Contestation:
    found = Contestation.objects.select_for_update().filter(order=order).first()
    if found is None or order.state != OrderState.DELIVERED:
        raise DomainError(
            "not_delivered", _("The order has not been delivered yet."), field="order", rule="F4"
        )
    return found


def _close(
    contestation: Contestation, status: str, actor: Any, *, fields: tuple[str, ...] = ()
) -> None:
    contestation.status = status
    contestation.closed_at = clock.now()
    contestation.closed_by = actor if getattr(actor, "pk", None) else None
    contestation.save(update_fields=["status", "closed_at", "closed_by", *fields])


@transaction.atomic
def delivery_validate(*, actor: Any, order_id: int) -> Order:
    """The buyer validates the conformity of the delivery: the order is frozen now (F5), its
    invoice issued when the terms invoice at freezing (I1)."""
    order = locked_order(order_id)
    require_buyer(actor, order)
    contestation = _locked_contestation(order)
    if contestation.status not in {ContestationStatus.OPEN, ContestationStatus.CONTESTED}:
        raise DomainError("already_closed", _("The delivery is already settled."), "order", "F5")
    order = order_freeze(order_id=order.pk, actor=actor, note=Note.of("conformity_validated"))
    _close(contestation, ContestationStatus.VALIDATED, actor)
    audit(actor, order, "delivery.validate", contestation, {"rule": "F5"})
    return order


@transaction.atomic
def delivery_contest(
    *, actor: Any, order_id: int, reason: str, lines: Mapping[int, int] | None = None
) -> Contestation:
    """The buyer contests the delivery before the deadline (F4); after it, refused. `lines` maps
    order line ids to the contested quantities (empty: the whole delivery)."""
    order = locked_order(order_id)
    require_buyer(actor, order)
    contestation = _locked_contestation(order)
    if contestation.status != ContestationStatus.OPEN:
        raise DomainError(
            "already_closed",
            str(ALREADY_CLOSED.get(contestation.status, _("The delivery is already settled."))),
            "order",
            "F4",
        )
    contest_check(contestation.deadline_at, clock.now(), contestation.clause)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Say what is wrong."), field="reason", rule="F4")
    known = {line.pk: line for line in order.lines.all()}
    contested = []
    for i, (line_id, quantity) in enumerate((lines or {}).items()):
        line = known.get(int(line_id))
        if line is None or not 0 < int(quantity) <= line.shipped_quantity:
            raise DomainError(
                "invalid_line", _("Not a delivered quantity of this order."), f"lines[{i}]", "F4"
            )
        contested.append({"line": line.pk, "sku": line.sku, "quantity": int(quantity)})
    contestation.status = ContestationStatus.CONTESTED
    contestation.reason = reason
    contestation.lines = contested
    contestation.contested_at = clock.now()
    contestation.contested_by = actor if getattr(actor, "pk", None) else None
    contestation.save(update_fields=["status", "reason", "lines", "contested_at", "contested_by"])
    audit(actor, order, "delivery.contest", contestation, {"reason": reason, "lines": contested})
    return contestation


@transaction.atomic
def contestation_resolve(*, actor: Any, order_id: int, note: str) -> Order:
    """The seller settles a contest (after agreement, credit note or replacement handled
    elsewhere): the order is frozen (F5)."""
    order = locked_order(order_id)
    require_seller(actor, order)
    contestation = _locked_contestation(order)
    if contestation.status != ContestationStatus.CONTESTED:
        raise DomainError("not_contested", _("Nothing to settle."), field="order", rule="F4")
    written = words(note) or Note.of("contestation_settled")
    order = order_freeze(order_id=order.pk, actor=actor, note=written)
    _close(contestation, ContestationStatus.RESOLVED, actor)
    audit(actor, order, "contestation.resolve", contestation, {"note": written.fr})
    return order


def _due(until: datetime) -> list[int]:
    return list(
        Contestation.objects.filter(status=ContestationStatus.OPEN, deadline_at__lte=until)
        .order_by("deadline_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def _freeze_one(contestation_id: int, until: datetime) -> bool:
    with transaction.atomic():
        query = Contestation.objects.filter(
            pk=contestation_id, status=ContestationStatus.OPEN, deadline_at__lte=until
        )
        if connection.vendor == "postgresql":
            query = query.select_for_update(skip_locked=True)
        contestation = query.first()
        if contestation is None:
            return False
        order = locked_order(contestation.order_id)
        if order.state != OrderState.DELIVERED:  # moved on by other means: nothing to freeze
            _close(contestation, ContestationStatus.LAPSED, None)
            return True
        lapsed = (
            "contestation_lapsed_conform"
            if contestation.on_silence == "conform"
            else "contestation_lapsed_closed"
        )
        note = Note.of(lapsed, on=contestation.deadline_on)
        order_freeze(order_id=order.pk, actor=None, note=note)
        _close(contestation, ContestationStatus.LAPSED, None)
        audit(None, order, "contestation.lapse", contestation, {"until": until, "rule": "F5"})
        return True


def contestations_freeze_due(*, until: datetime) -> int:
    """Freeze every delivered order whose contestation deadline passed by `until` without a
    contest (F5: silence = conform), one transaction per order; returns how many."""
    done = 0
    while True:
        ids = _due(until)
        progressed = sum(1 for pk in ids if _freeze_one(pk, until))
        done += progressed
        if len(ids) < BATCH or progressed == 0:
            return done
