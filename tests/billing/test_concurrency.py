"""Gapless numbering under concurrency: 8 threads issue invoices of one issuer (PostgreSQL)."""

import threading
from datetime import datetime

import pytest
from django.db import connection

from comptoir.billing.models import Invoice
from comptoir.billing.services import invoice_create, invoice_issue
from comptoir.core import clock
from comptoir.ledger import queries
from tests.billing.conftest import make_draft, make_org

THREADS, PER_THREAD = 8, 5


@pytest.mark.postgres_only
def test_parallel_issues_give_numbers_without_gap_or_duplicate(transactional_db):
    clock.freeze(datetime(2026, 11, 20, 10, 0))
    seller = make_org("Marque SAS", is_seller=True)
    buyer = make_org("Boutique SARL", is_buyer=True)
    drafts = [
        invoice_create(draft=make_draft(seller, buyer, n_lines=2)).pk
        for _ in range(THREADS * PER_THREAD)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(ids: list[int]) -> None:
        try:
            barrier.wait()
            for pk in ids:
                invoice_issue(invoice_id=pk, enqueue_render=False)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(drafts[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Invoice.objects.filter(issuer=seller).values_list("number", flat=True))
    n = THREADS * PER_THREAD
    assert numbers == [f"F-2026-{i:06d}" for i in range(1, n + 1)]
    debit, credit = queries.journal_totals()
    assert debit == credit
