"""Batch issuing: same documents, numbers and postings as one by one, all or nothing."""

from datetime import datetime
from decimal import Decimal as D

import pytest

from comptoir.billing.models import Invoice, NumberSeries
from comptoir.billing.rules import LineInput
from comptoir.billing.services import invoice_create, invoice_issue, invoices_issue_batch
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries
from comptoir.ledger.models import JournalEntry, OpenItem
from tests.billing.conftest import make_draft, make_org


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(datetime(2026, 11, 20, 10, 0))


def test_batch_issues_numbered_posted_invoices(seller, buyer):
    single = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    other = make_org("Autre SAS", is_seller=True)
    drafts = [make_draft(seller, buyer), make_draft(other, buyer), make_draft(seller, buyer)]
    before = AuditEntry.objects.count()
    issued = invoices_issue_batch(drafts=drafts, enqueue_render=False)
    assert [i.number for i in issued] == ["F-2026-000002", "F-2026-000001", "F-2026-000003"]
    assert AuditEntry.objects.count() == before + 1
    for inv in issued:
        stored = Invoice.objects.get(pk=inv.pk)
        assert stored.total_incl_vat == single.total_incl_vat == D("91.48")
        assert stored.lines.count() == 3 and stored.vat_breakdown.count() == 2
        assert OpenItem.objects.get(
            entry__reference=inv.number, counterparty=inv.issuer
        ).amount == (D("91.48"))
    fields = (
        "position",
        "description",
        "sku",
        "quantity",
        "net_unit_price",
        "net_amount",
        "vat_rate",
    )
    batch_lines = list(Invoice.objects.get(pk=issued[0].pk).lines.values_list(*fields))
    assert batch_lines == list(single.lines.values_list(*fields))
    assert batch_lines[0] == (
        1,
        "Article 0",
        "SKU-0",
        D("1.0000"),
        D("12.500000"),
        D("12.50"),
        D("5.50"),
    )
    item = OpenItem.objects.get(entry__reference=issued[0].number, counterparty=seller)
    assert (item.created_at, item.due_date, item.open_amount) == (
        clock.now(),
        single.due_date,
        D("91.48"),
    )
    assert JournalEntry.objects.count() == 4
    assert queries.balance(buyer, seller) == D("274.44")
    debit, credit = queries.journal_totals()
    assert debit == credit
    issued[0].total_incl_vat = D(1)
    with pytest.raises(DomainError):
        issued[0].save()


def test_batch_is_all_or_nothing(seller, buyer):
    bad = make_draft(seller, buyer, lines=[LineInput("x", "x", D(0), D(1), D(20))])
    with pytest.raises(DomainError):
        invoices_issue_batch(drafts=[make_draft(seller, buyer), bad], enqueue_render=False)
    assert not Invoice.objects.exists()
    assert not NumberSeries.objects.filter(next_number__gt=1).exists()
    assert invoices_issue_batch(drafts=[], enqueue_render=False) == []


def test_batch_publishes_one_invoice_issued_event_per_invoice(
    seller, buyer, django_capture_on_commit_callbacks
):
    from comptoir.core import events

    drafts = [make_draft(seller, buyer) for _ in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        issued = invoices_issue_batch(drafts=drafts, enqueue_render=False)
    [publication] = [c for c in callbacks if isinstance(c, events.Publication)]
    assert publication.event == "invoice.issued"
    assert [data["number"] for _, data in publication.items] == [i.number for i in issued]
    assert all(set(ids) == {seller.pk, buyer.pk} for ids, _ in publication.items)
