"""Issuing: numbering, posting in the same transaction, immutability, drafts."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from comptoir.billing.models import Invoice, InvoiceLine, NumberSeries, Status, VatBreakdown
from comptoir.billing.rules import LineInput
from comptoir.billing.services import (
    invoice_create,
    invoice_issue,
    invoice_update_draft,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.events import Publication
from comptoir.ledger import queries
from comptoir.ledger.models import Account, JournalEntry, OpenItem
from tests.billing.conftest import make_draft, make_org

P = Account.Purpose


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(datetime(2026, 11, 20, 10, 0))


def test_draft_has_no_number_and_stored_totals(seller, buyer):
    inv = invoice_create(draft=make_draft(seller, buyer))
    assert inv.status == Status.DRAFT and inv.number is None
    # 1 × 12.50 @5.5 ; 2 × 13.50 @20 ; 3 × 14.50 @5.5
    assert inv.line_total == D("83.00")
    assert [(v.rate, v.base, v.amount) for v in inv.vat_breakdown.all()] == [
        (D("20.00"), D("27.00"), D("5.40")),
        (D("5.50"), D("56.00"), D("3.08")),
    ]
    assert (inv.total_excl_vat, inv.total_vat, inv.total_incl_vat) == (
        D("83.00"),
        D("8.48"),
        D("91.48"),
    )
    assert inv.lines.count() == 3
    assert JournalEntry.objects.count() == 0


def test_issue_takes_the_next_number_and_posts_entry_and_open_item(seller, buyer):
    first = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    second = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    assert (first.number, second.number) == ("F-2026-000001", "F-2026-000002")
    assert first.issue_date == date(2026, 11, 20)
    other = make_org("Autre Marque SAS", is_seller=True)
    assert invoice_issue(invoice_id=invoice_create(draft=make_draft(other, buyer)).pk).number == (
        "F-2026-000001"
    )
    item = OpenItem.objects.get(reference="F-2026-000001", counterparty=seller)
    entry = item.entry
    assert entry.journal == "VE"
    lines = {(line.account.purpose, line.debit, line.credit) for line in entry.lines.all()}
    assert lines == {
        (P.RECEIVABLE, D("91.48"), D("0.00")),
        (P.SELLER_REVENUE, D("0.00"), D("83.00")),
        (P.VAT_COLLECTED, D("0.00"), D("8.48")),
    }
    assert (item.party_id, item.counterparty_id, item.amount, item.due_date) == (
        buyer.pk,
        seller.pk,
        D("91.48"),
        date(2027, 1, 19),
    )
    assert queries.balance(buyer, seller) == D("182.96")


def test_issue_twice_is_refused(seller, buyer):
    inv = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    with pytest.raises(DomainError) as err:
        invoice_issue(invoice_id=inv.pk)
    assert err.value.code == "already_issued"
    assert NumberSeries.objects.get().next_number == 2


def test_no_backdating_within_a_series(seller, buyer):
    invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    clock.freeze(datetime(2026, 11, 19, 10, 0))
    draft = invoice_create(draft=make_draft(seller, buyer))
    with pytest.raises(DomainError) as err:
        invoice_issue(invoice_id=draft.pk)
    assert err.value.code == "backdated_issue"
    draft.refresh_from_db()
    assert draft.number is None and NumberSeries.objects.get().next_number == 2


def test_issued_invoice_refuses_save_and_delete(seller, buyer):
    inv = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    inv = Invoice.objects.get(pk=inv.pk)
    inv.total_incl_vat = D("1.00")
    with pytest.raises(DomainError) as err:
        inv.save()
    assert err.value.code == "document_issued"
    with pytest.raises(DomainError):
        inv.delete()
    with pytest.raises(DomainError):
        Invoice.objects.filter(pk=inv.pk).update(total_incl_vat=D("1.00"))
    with pytest.raises(DomainError):
        Invoice.objects.filter(pk=inv.pk).delete()
    line = inv.lines.first()
    line.net_amount = D("0.01")
    with pytest.raises(DomainError):
        line.save()
    with pytest.raises(DomainError):
        InvoiceLine.objects.filter(invoice=inv).delete()
    with pytest.raises(DomainError):
        VatBreakdown.objects.filter(invoice=inv).update(amount=D(0))
    with pytest.raises(DomainError):
        invoice_update_draft(invoice_id=inv.pk, draft=make_draft(seller, buyer, n_lines=1))
    assert Invoice.objects.get(pk=inv.pk).total_incl_vat == D("91.48")


def test_drafts_may_change_and_be_deleted(seller, buyer):
    inv = invoice_create(draft=make_draft(seller, buyer))
    inv = invoice_update_draft(
        invoice_id=inv.pk,
        draft=make_draft(seller, buyer, lines=[LineInput("Seul", "S", D(2), D("50"), D(20))]),
    )
    assert inv.lines.count() == 1 and inv.total_incl_vat == D("120.00")
    inv.delete()
    assert not Invoice.objects.exists()


def test_failed_issue_rolls_everything_back(seller, buyer, monkeypatch):
    from comptoir.billing.services import documents

    def boom(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(documents, "invoice_post", boom)
    inv = invoice_create(draft=make_draft(seller, buyer))
    with pytest.raises(RuntimeError):
        invoice_issue(invoice_id=inv.pk)
    inv.refresh_from_db()
    assert inv.status == Status.DRAFT and inv.number is None
    assert not NumberSeries.objects.filter(next_number__gt=1).exists()
    assert JournalEntry.objects.count() == 0


def test_prices_including_vat_are_stored_net(seller, buyer):
    draft = make_draft(
        seller,
        buyer,
        lines=[LineInput("TTC", "T", D(3), D("10.00"), D(20), prices_include_vat=True)],
    )
    inv = invoice_create(draft=draft)
    assert (inv.total_excl_vat, inv.total_vat, inv.total_incl_vat) == (
        D("25.00"),
        D("5.00"),
        D("30.00"),
    )


def test_render_is_enqueued_after_commit(seller, buyer, django_capture_on_commit_callbacks):
    inv = invoice_create(draft=make_draft(seller, buyer))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(invoice_id=inv.pk)
    [published] = [c for c in callbacks if isinstance(c, Publication)]  # invoice.issued
    assert published.event == "invoice.issued"
    assert len(callbacks) == 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_issue(
            invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk, enqueue_render=False
        )
    assert [type(c) for c in callbacks] == [Publication]
