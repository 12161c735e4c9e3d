"""The time-driven steps of orders (N2), applied by the sweep: lapse or auto-accept when the
acceptance deadline passes (O8), note a late answer when silence changes nothing, process a
monthly batch on its day (O6), terminate a force-majeure suspension that ran out (N4).

Each order is taken under a row lock (skip locked on PostgreSQL) and re-checked: two workers,
or one run late or twice, apply each step once."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from comptoir.ordering.models import Order
from comptoir.ordering.services._common import apply, release_stock
from comptoir.ordering.services.invoicing import order_invoice_if_due
from comptoir.ordering.services.transitions import _restore_voucher

BATCH = 500


def _due(until: datetime) -> list[int]:
    return list(
        Order.objects.filter(next_deadline_at__lte=until)
        .order_by("next_deadline_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def _take(order_id: int, until: datetime) -> Order | None:
    query = Order.objects.filter(pk=order_id, next_deadline_at__lte=until)
    if connection.vendor == "postgresql":
        query = query.select_for_update(skip_locked=True)
    else:
        query = query.select_for_update()
    return query.first()


def _step(order: Order) -> None:
    action = order.next_action
    if action == "lapse":
        order.reason = "Délai d'acceptation expiré sans réponse du vendeur : offre caduque."
        release_stock(order)
        _restore_voucher(order)
        apply(order, "lapse", actor=None, note=order.reason, fields=("reason",))
    elif action == "auto_accept":
        apply(order, "auto_accept", actor=None, note="Silence du vendeur : acceptation (CGV).")
    elif action == "acceptance_overdue":
        apply(
            order,
            "note_acceptance_overdue",
            actor=None,
            note="Délai de réponse du vendeur dépassé ; la commande reste en attente (CGV).",
        )
    elif action == "process":
        apply(order, "process", actor=None, note="Traitement mensuel.")
        order_invoice_if_due(order, "at_order_end")
    elif action == "terminate":
        order.reason = "Suspension pour force majeure arrivée à son terme : résiliation."
        release_stock(order)
        apply(order, "cancel", actor=None, note=order.reason, fields=("reason",), rule="N4")
    else:  # nothing to do: clear a stale schedule
        order.next_deadline_at = None
        order.save(update_fields=["next_deadline_at"])


def orders_apply_deadlines(*, until: datetime) -> int:
    """Apply every order step due by `until`, one transaction per order; returns how many."""
    done = 0
    while True:
        ids = _due(until)
        progressed = 0
        for order_id in ids:
            with transaction.atomic():
                order = _take(order_id, until)
                if order is None:
                    continue
                _step(order)
                progressed += 1
        done += progressed
        if len(ids) < BATCH or progressed == 0:
            return done
