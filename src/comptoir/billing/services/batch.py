"""Batch issuing: many invoices in one use case (monthly batches, I1), e.g. 10,000 in seconds.

Each draft becomes an issued invoice directly: the numbers of each issuer's series are taken at
once under the series lock, every row is bulk-inserted, each invoice gets its own journal entry and
open item, and one audit entry records the batch. All in one transaction: all or nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.db import connection, transaction
from django_tasks_db.backend import DatabaseBackend

from comptoir.billing import rules
from comptoir.billing.mentions import TermsFacts, mentions_for
from comptoir.billing.models import Category, Invoice, InvoiceLine, Kind, Status, VatBreakdown
from comptoir.billing.services.documents import _amounts, _compute, _fields, issued_event
from comptoir.billing.services.numbering import numbers_take
from comptoir.billing.services.posting import invoices_post
from comptoir.core import clock, events
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_returning, insert_rows, prepared

LINE_FIELDS = [
    "invoice",
    "position",
    "description",
    "sku",
    "gtin",
    "quantity",
    "unit_code",
    "net_unit_price",
    "net_amount",
    "vat_rate",
]
# every column of an invoice but its id, as `Invoice` names them
INVOICE_FIELDS = [f.attname for f in Invoice._meta.concrete_fields if not f.primary_key]
_JSON = frozenset(
    f.attname for f in Invoice._meta.concrete_fields if f.get_internal_type() == "JSONField"
)
_STAMPS = frozenset(
    f.attname for f in Invoice._meta.concrete_fields if f.get_internal_type() == "DateTimeField"
)


def _invoice_row(invoice: Invoice) -> tuple[Any, ...]:
    """The invoice's values as the database takes them (bulk.py), without the ORM's per-value
    preparation: JSON as text (None stays NULL), date-times through their field."""
    row = []
    for name in INVOICE_FIELDS:
        value = getattr(invoice, name)
        if value is not None and name in _JSON:
            value = json.dumps(value)  # as JSONField does (no encoder)
        elif name in _STAMPS:
            value = prepared(Invoice, name, value)
        row.append(value)
    return tuple(row)


@transaction.atomic
def invoices_issue_batch(
    *,
    drafts: Sequence[rules.DocumentDraft],
    terms_facts: TermsFacts | None = None,
    category: str = Category.SALE,
    actor: Any = None,
    enqueue_render: bool = True,
) -> list[Invoice]:
    """Issue one invoice per draft (same facts for all), numbered in the order given."""
    if not drafts:
        return []
    facts = terms_facts or TermsFacts()
    today, now = clock.today(), clock.now()
    mentions_cache: dict[tuple, list] = {}

    def mentions_of(d: rules.DocumentDraft) -> list:
        key = (d.issuer, d.recipient, d.delivery_address, d.nature, d.mentions, d.consumer)
        if key not in mentions_cache:
            mentions_cache[key] = mentions_for(d, facts)
        return mentions_cache[key]

    built = [(d, _compute(d), mentions_of(d)) for d in drafts]
    positions: dict[int, list[int]] = defaultdict(list)
    for i, (draft, _, _) in enumerate(built):
        positions[draft.issuer.organization_id or 0].append(i)
    numbers: list[str] = [""] * len(built)
    for issuer_id in sorted(positions):  # one lock order for every batch: no deadlock
        taken = numbers_take(
            issuer_id=issuer_id,
            kind=Kind.INVOICE,
            issue_date=today,
            count=len(positions[issuer_id]),
        )
        for i, number in zip(positions[issuer_id], taken, strict=True):
            numbers[i] = number
    invoices = [
        Invoice(
            kind=Kind.INVOICE,
            category=category,
            status=Status.ISSUED,
            number=number,
            issue_date=today,
            issued_at=now,
            created_at=now,
            **{**_fields(draft, mentions), "due_date": draft.due_date or today},
            **_amounts(totals),
        )
        for number, (draft, totals, mentions) in zip(numbers, built, strict=True)
    ]
    ids = insert_returning(Invoice, INVOICE_FIELDS, [_invoice_row(inv) for inv in invoices])
    for invoice, pk in zip(invoices, ids, strict=True):
        invoice.pk = pk
        invoice._state.adding, invoice._state.db = False, connection.alias  # as if bulk-created
        invoice._stored_status = Status.ISSUED  # the in-memory objects are immutable too
    insert_rows(
        InvoiceLine,
        LINE_FIELDS,
        [
            (
                invoice.pk,
                line.position,
                line.description[:300],
                line.sku,
                line.gtin,
                line.quantity,
                line.unit_code,
                line.net_unit_price,
                line.net_amount,
                line.vat_rate,
            )
            for invoice, (_, totals, _) in zip(invoices, built, strict=True)
            for line in totals.lines
        ],
    )
    insert_rows(
        VatBreakdown,
        ["invoice", "rate", "category", "base", "amount"],
        [
            (invoice.pk, v.rate, v.category, v.base, v.amount)
            for invoice, (_, totals, _) in zip(invoices, built, strict=True)
            for v in totals.vat
        ],
    )
    invoices_post(invoices=invoices)
    audit_record(
        actor=actor,
        organization_id=invoices[0].issuer_id if len(positions) == 1 else None,
        action="billing.invoices_issued_batch",
        obj_type="billing.invoice",
        obj_id=invoices[0].pk,
        data={
            "count": len(invoices),
            "numbers": {str(k): [numbers[v[0]], numbers[v[-1]]] for k, v in positions.items()},
            "invoice_ids": [invoices[0].pk, invoices[-1].pk],
        },
    )
    events.emit_many("invoice.issued", [issued_event(invoice) for invoice in invoices])
    if enqueue_render:
        ids = [invoice.pk for invoice in invoices]
        transaction.on_commit(lambda: _enqueue_renders(ids))
    return invoices


def _enqueue_renders(ids: list[int]) -> None:
    """After commit, one render task per invoice. When tasks are rows of the database, they are
    written in one transaction rather than one commit each (10,000 for a monthly batch); other
    backends (the immediate one runs each task) get them one by one as before."""
    from comptoir.billing.tasks import render_invoice_document

    queued = isinstance(render_invoice_document.get_backend(), DatabaseBackend)
    with transaction.atomic() if queued else nullcontext():
        for pk in ids:
            render_invoice_document.enqueue(pk)
