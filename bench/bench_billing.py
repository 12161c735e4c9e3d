"""Billing benchmarks: issuing 10,000 invoices of 10 lines; rendering one Factur-X PDF.

The 10,000 invoices go through `invoices_issue_batch` in batches of 1,000 (numbering, totals,
mentions, journal entries, open items, audit; no PDF). One-by-one issuing (`invoice_create` then
`invoice_issue`, two transactions per invoice) is measured on 1,000 invoices for comparison.

.venv/bin/python bench/run.py bench_billing            # both databases, records the figures
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, datetime
from decimal import Decimal

NEEDS_DB = True
INVOICES = 10_000
LINES = 10
SINGLE = 1_000
BATCH = 1_000
RENDERS = 15


def _org(name: str, **roles):
    from comptoir.parties.models import Organization

    siren = str(random.randint(100_000_000, 999_999_999))
    return Organization.objects.create(legal_name=name, siren=siren, **roles)


def _snapshot(org):
    from comptoir.billing.rules import Address, PartySnapshot

    return PartySnapshot(
        name=org.legal_name,
        address=Address(line1="1 rue de la Paix", postcode="75002", city="Paris"),
        siren=org.siren,
        vat_number="FR44" + org.siren,
        iban="FR7630006000011234567890189",
        organization_id=org.pk,
    )


def _draft(seller, buyer, i: int):
    from comptoir.billing.rules import DocumentDraft, LineInput, References

    rates = (Decimal(20), Decimal("5.5"), Decimal(10))
    return DocumentDraft(
        issuer=seller,
        recipient=buyer,
        lines=tuple(
            LineInput(
                description=f"Article {n}",
                sku=f"SKU-{n}",
                quantity=Decimal(1 + (i + n) % 7),
                unit_price=Decimal(100 + 37 * n + i % 50) / 10,
                vat_rate=rates[n % 3],
            )
            for n in range(LINES)
        ),
        sale_date=date(2026, 11, 18),
        due_date=date(2027, 1, 19),
        references=References(order_number=f"C-{i}"),
    )


def _ensure_database() -> None:
    """The throwaway cluster of bench/run.py has no `comptoir` database yet: create it."""
    from django.db import OperationalError, connection

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
        return
    except OperationalError:
        pass
    import psycopg

    params = connection.get_connection_params()
    name = params.pop("dbname")
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def run() -> list[dict]:
    from django.core.management import call_command

    from comptoir.billing.models import Invoice
    from comptoir.billing.pdf import render_pdf
    from comptoir.billing.services import invoice_create, invoice_issue, invoices_issue_batch
    from comptoir.core import clock

    _ensure_database()
    call_command("migrate", verbosity=0)
    clock.freeze(datetime(2026, 11, 20, 10, 0))
    seller = _snapshot(_org("Marque SAS", is_seller=True))
    buyer = _snapshot(_org("Boutique SARL", is_buyer=True))

    start, cpu = time.perf_counter(), time.process_time()
    for first in range(0, INVOICES, BATCH):
        drafts = [_draft(seller, buyer, i) for i in range(first, first + BATCH)]
        issued = invoices_issue_batch(drafts=drafts, enqueue_render=False)
    issue_s, issue_cpu = time.perf_counter() - start, time.process_time() - cpu

    start, cpu = time.perf_counter(), time.process_time()
    for i in range(SINGLE):
        draft = invoice_create(draft=_draft(seller, buyer, i))
        last = invoice_issue(invoice_id=draft.pk, enqueue_render=False)
    single_s, single_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert issued

    invoice = Invoice.objects.get(pk=last.pk)
    render_pdf(invoice)  # warm-up: fonts, templates
    times = []
    for _ in range(RENDERS):
        t = time.perf_counter()
        render_pdf(invoice)
        times.append((time.perf_counter() - t) * 1000)
    median = statistics.median(times)
    return [
        {
            "name": f"issue {INVOICES} invoices of {LINES} lines (numbering, totals, posting)",
            "total_s": round(issue_s, 2),
            "cpu_s": round(issue_cpu, 2),  # this process's CPU: a shared machine inflates total_s
            "budget": "≤ 20 s",
            "ok": issue_s <= 20,
        },
        {
            "name": f"issue {SINGLE} invoices of {LINES} lines one by one (create + issue)",
            "total_s": round(single_s, 2),
            "cpu_s": round(single_cpu, 2),
            "budget": "(information)",
        },
        {
            "name": "render one 1-page PDF/A-3 with Factur-X XML",
            "median_ms": round(median, 1),
            "budget": "≤ 300 ms",
            "ok": median <= 300,
        },
    ]
