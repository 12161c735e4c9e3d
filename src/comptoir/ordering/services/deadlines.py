"""The time-driven steps of orders (N2), applied by the sweep: lapse or auto-accept when the
acceptance deadline passes (O8), note a late answer when silence changes nothing, process a
monthly batch on its day (O6), terminate a force-majeure suspension that ran out (N4).

Each order is taken under a row lock (skip locked on PostgreSQL) and re-checked: two workers,
or one run late or twice, apply each step once."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from comptoir.billing.models import Invoice
from comptoir.billing.services import invoices_issue_batch
from comptoir.billing.snapshots import party_snapshots
from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_rows, prepared, update_rows
from comptoir.ledger.models import Account, OpenItem
from comptoir.ordering.invoicing import buyers_with_pending_items, draft_for, terms_facts
from comptoir.ordering.models import Order, OrderEvent
from comptoir.ordering.notes import Note
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import IN_PROGRESS, schedule_variant
from comptoir.ordering.services._common import (
    apply,
    lapse_substitutions,
    refund_if_paid,
    release_stock,
    restore_voucher,
    set_reason,
)
from comptoir.ordering.services.invoicing import invoice_open_item
from comptoir.parties.models import Organization
from comptoir.payments.services.card import credits_allocate
from comptoir.payments.services.debits import debits_schedule_for_invoices
from comptoir.payments.services.financing import financing_assign
from comptoir.payments.services.schedule import ScheduleRequest, schedules_for_invoices
from comptoir.terms.models import TermsVersion

BATCH = 500
EVENT_FIELDS = ["order", "at", "actor", "action", "from_state", "to_state", "rule", "note", "data"]


def _due(until: datetime, *, process: bool) -> list[int]:
    query = Order.objects.filter(next_deadline_at__lte=until)
    query = query.filter(next_action="process") if process else query.exclude(next_action="process")
    return list(query.order_by("next_deadline_at", "pk").values_list("pk", flat=True)[:BATCH])


def _attach_relations(orders: list[Order]) -> None:
    """Give the orders their terms version, buyer and seller, each read once for the batch (a
    join would send and decode every terms document once per order)."""
    versions = TermsVersion.objects.in_bulk({o.terms_version_id for o in orders})
    orgs = Organization.objects.in_bulk(
        {o.buyer_id for o in orders} | {o.seller_id for o in orders}
    )
    for order in orders:
        order.terms_version = versions[order.terms_version_id]
        order.buyer, order.seller = orgs[order.buyer_id], orgs[order.seller_id]


def _store_processed(orders: list[Order], now: datetime) -> None:
    """Write the batch's orders once they are processed: in progress, nothing more scheduled
    (O6), and each one's invoice (I1; unchanged for those not invoiced now). On PostgreSQL one
    UPDATE joined to the (order, invoice) pairs: one new version of each row instead of two,
    and no statement per order."""
    pairs = [(o.pk, o.invoice_id) for o in orders]
    if connection.vendor != "postgresql":
        Order.objects.filter(pk__in=[pk for pk, _invoice in pairs]).update(
            state=IN_PROGRESS, state_changed_at=now, next_deadline_at=None, next_action=""
        )
        update_rows(Order, ["invoice"], pairs)
        return
    table = connection.ops.quote_name(Order._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS o SET state = %s, state_changed_at = %s, "  # noqa: S608 - no input
            "next_deadline_at = NULL, next_action = '', invoice_id = v.invoice "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(pk, invoice) WHERE o.id = v.pk",
            [
                IN_PROGRESS,
                prepared(Order, "state_changed_at", now),
                [pk for pk, _invoice in pairs],
                [invoice for _pk, invoice in pairs],
            ],
        )


def _process_batch(ids: list[int], until: datetime) -> int:
    """O6: a monthly batch, BATCH orders per transaction: each order goes in progress, and the
    orders whose terms invoice at the end of the order are invoiced together (I1)."""
    query = Order.objects.filter(
        pk__in=ids,
        next_deadline_at__lte=until,
        next_action="process",
        state__in=("submitted", "accepted"),
    )
    if connection.vendor == "postgresql":
        query = query.select_for_update(skip_locked=True, of=("self",))
    else:
        query = query.select_for_update()
    orders = list(query.prefetch_related("lines"))
    if not orders:
        return 0
    _attach_relations(orders)
    now = clock.now()
    at = prepared(OrderEvent, "at", now)
    processing = Note.of("monthly_processing")
    note, parts = processing.fr, json.dumps({"note_parts": processing.as_json()})
    # the timeline's rows as plain values (bulk.py): OrderEvent fields, in EVENT_FIELDS order
    events: list[tuple[Any, ...]] = []
    for order in orders:
        events.append((order.pk, at, None, "process", order.state, IN_PROGRESS, "O6", note, parts))
        # stored with the invoices at the end (nothing in between reads it from the database)
        order.state, order.state_changed_at = IN_PROGRESS, now
        order.next_deadline_at, order.next_action = None, ""
    # one group per terms version and payment method: the method changes the invoice's
    # mentions ("Facture cédée à …", PT3), as in order_invoice_issue
    to_invoice: dict[tuple[int, str], list[Order]] = defaultdict(list)
    for order in orders:
        policy = ordering_policy(order.terms_version)
        if policy.invoicing_moment == "at_order_end" and order.invoice_id is None:
            to_invoice[(order.terms_version_id, order.payment_method)].append(order)
    if to_invoice:  # C6: invoiced orders' pending proposals lapse, one UPDATE for the batch
        lapse_substitutions([o.pk for group in to_invoice.values() for o in group])
    snapshots = party_snapshots(
        {o.seller_id: o.seller for group in to_invoice.values() for o in group}
        | {o.buyer_id: o.buyer for group in to_invoice.values() for o in group}
    )
    today = clock.today()
    for group in to_invoice.values():
        policy = ordering_policy(group[0].terms_version)
        pending = buyers_with_pending_items(group[0].seller_id, [o.buyer_id for o in group])
        invoices = invoices_issue_batch(
            drafts=[
                draft_for(
                    o,
                    invoice_date=today,
                    issuer=snapshots[o.seller_id],
                    recipient=snapshots[o.buyer_id],
                    pending_buyers=pending,
                )
                for o in group
            ],
            terms_facts=terms_facts(policy.document, payment_method=group[0].payment_method),
        )
        for order, invoice in zip(group, invoices, strict=True):
            order.invoice = invoice
            events.append(
                (
                    order.pk,
                    at,
                    None,
                    "invoice",
                    IN_PROGRESS,
                    IN_PROGRESS,
                    "I1",
                    "",
                    json.dumps({"invoice": invoice.number}),
                )
            )
        schedules_for_invoices(  # PT2, PT3: as order_invoice_issue does, in bulk
            [
                ScheduleRequest(
                    invoice=inv,
                    method=o.payment_method,
                    order_date=o.placed_at.astimezone(clock.PARIS).date(),
                    variant=schedule_variant(o.payment_option),
                )
                for o, inv in zip(group, invoices, strict=True)
            ]
        )
        sepa = [
            inv for o, inv in zip(group, invoices, strict=True) if o.payment_method == "sepa_debit"
        ]
        debits_schedule_for_invoices(sepa)  # PT1: collected under the buyers' mandates
        _settle_after_issue(group, invoices)
    _store_processed(orders, now)
    insert_rows(OrderEvent, EVENT_FIELDS, events)
    audit_record(
        actor=None,
        organization_id=orders[0].seller_id if len({o.seller_id for o in orders}) == 1 else None,
        action="order.process_batch",
        obj_type="ordering.Order",
        obj_id=str(orders[0].pk),
        data={"count": len(orders), "first": orders[0].number, "last": orders[-1].number},
    )
    return len(orders)


def _settle_after_issue(group: list[Order], invoices: list[Invoice]) -> None:
    """What order_invoice_issue does after issuing, for a batch: a financed invoice is assigned
    to the partner, who pays the seller at once (PT3); a payment made before the invoice (card
    at order) settles it (PT7). Credits are looked up in one query, so buyers without any cost
    nothing."""
    for order, invoice in zip(group, invoices, strict=True):
        if order.payment_method == "financing_partner" and invoice.total_incl_vat > 0:
            item = invoice_open_item(invoice)
            if item is not None:
                financing_assign(invoice_item=item)
    seller_id = group[0].seller_id
    with_credit = set(
        OpenItem.objects.filter(
            party_id__in={o.buyer_id for o in group},
            counterparty_id=seller_id,
            account__purpose=Account.Purpose.RECEIVABLE,
            kind=OpenItem.Kind.PAYMENT,
            open_amount__lt=0,
        ).values_list("party_id", flat=True)
    )
    for buyer_id in sorted(with_credit):
        credits_allocate(buyer_id=buyer_id, seller_id=seller_id)


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
        reason = Note.of("offer_lapsed")
        fields = set_reason(order, reason)
        release_stock(order)
        refund_if_paid(order, order.reason)
        restore_voucher(order)
        apply(order, "lapse", actor=None, note=reason, fields=fields)
    elif action == "auto_accept":
        apply(order, "auto_accept", actor=None, note=Note.of("accepted_on_silence"))
    elif action == "acceptance_overdue":
        apply(
            order,
            "note_acceptance_overdue",
            actor=None,
            note=Note.of("answer_overdue"),
        )
    elif action == "terminate":
        reason = Note.of("force_majeure_ended")
        fields = set_reason(order, reason)
        release_stock(order)
        refund_if_paid(order, order.reason)
        apply(order, "cancel", actor=None, note=reason, fields=fields, rule="N4")
    else:  # nothing to do: clear a stale schedule
        order.next_deadline_at = None
        order.save(update_fields=["next_deadline_at"])


def orders_apply_deadlines(*, until: datetime) -> int:
    """Apply every order step due by `until`, one transaction per order; returns how many."""
    done = 0
    while True:  # monthly batches first, in bulk
        ids = _due(until, process=True)
        if not ids:
            break
        with transaction.atomic():
            progressed = _process_batch(ids, until)
        done += progressed
        if progressed == 0:
            break
    while True:
        ids = _due(until, process=False)
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
