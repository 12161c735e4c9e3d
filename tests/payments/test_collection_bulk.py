"""The sweep's set-based steps: cases opened by one INSERT … SELECT, unchanged cases not written,
plain statement transfers recorded together (PT11, PT7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.core import clock
from comptoir.ledger.models import Account, JournalEntry, OpenItem
from comptoir.ledger.services import EntrySpec, OpenItemSpec, Posting, accounts_get
from comptoir.ledger.services import journal_entries_post as post
from comptoir.payments.models import LateCase
from comptoir.payments.services import collection_run
from comptoir.payments.services.collection import cases_open

from .conftest import at, issue, make_pair

pytestmark = pytest.mark.django_db
P = Account.Purpose


def _post_direct(pair, number: str, amount: str, on: date, due: date) -> None:
    """An invoice item posted straight to the ledger, with no billing invoice behind it."""
    acc = accounts_get(wanted=[(pair.buyer.pk, P.RECEIVABLE), (pair.seller.pk, P.SELLER_REVENUE)])
    receivable = acc[(pair.buyer.pk, P.RECEIVABLE)]
    with clock.frozen(at(on)):
        post(
            entries=[
                EntrySpec(
                    date=on,
                    label=f"Facture {number}",
                    reference=number,
                    lines=[
                        Posting(receivable, debit=D(amount)),
                        Posting(acc[(pair.seller.pk, P.SELLER_REVENUE)], credit=D(amount)),
                    ],
                    open_items=[
                        OpenItemSpec(
                            receivable,
                            pair.buyer.pk,
                            pair.seller.pk,
                            number,
                            OpenItem.Kind.INVOICE,
                            D(amount),
                            due,
                        )
                    ],
                )
            ]
        )


def test_cases_open_once_with_the_invoices_figures_or_the_items_own() -> None:
    pair = make_pair("monthly-intranet")
    billed = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16), excl_vat="1000.00")
    _post_direct(pair, "EXT-1", "240.00", date(2026, 2, 20), date(2026, 3, 10))
    _post_direct(pair, "EXT-2", "99.00", date(2026, 3, 1), date(2026, 4, 30))  # not yet due
    with clock.frozen(at(date(2026, 3, 17))):
        assert cases_open(on=date(2026, 3, 17)) == 2
        assert cases_open(on=date(2026, 3, 17)) == 0  # one case per item, never two
    cases = {c.open_item.reference: c for c in LateCase.objects.select_related("open_item").all()}
    assert set(cases) == {billed.number, "EXT-1"}
    invoice = cases[billed.number]
    assert (invoice.invoice_date, invoice.excl_vat, invoice.incl_vat) == (
        date(2026, 3, 1),
        D("1000.00"),
        D("1200.00"),
    )
    assert (invoice.due_date, invoice.interest_from, invoice.accrued_on) == (date(2026, 3, 16),) * 3
    assert (invoice.stage, invoice.reminders, invoice.indemnity_posted) == ("late", 0, False)
    assert invoice.opened_at == at(date(2026, 3, 17))
    direct = cases["EXT-1"]  # no invoice: the entry's date, the amount incl. VAT
    assert (direct.invoice_date, direct.excl_vat) == (date(2026, 2, 20), D("240.00"))
    assert (direct.buyer_id, direct.seller_id) == (pair.buyer.pk, pair.seller.pk)


def test_a_case_is_charged_once_and_accrues_each_day() -> None:
    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    issue(pair, on=date(2026, 3, 2), due=date(2026, 3, 16))
    with clock.frozen(at(date(2026, 3, 17))):
        first = collection_run(on=date(2026, 3, 17))
    assert (first.opened, first.indemnities) == (2, 2)
    fees = OpenItem.objects.filter(kind=OpenItem.Kind.FEE)
    # one entry per indemnity: each names its invoice, and is lettered on its own in the FEC
    assert fees.count() == 2 and len({f.entry_id for f in fees}) == 2
    assert all(JournalEntry.objects.get(pk=f.entry_id).reference == f.reference for f in fees)
    accrued = dict(LateCase.objects.values_list("pk", "accrued_on"))
    with clock.frozen(at(date(2026, 3, 20))):
        later = collection_run(on=date(2026, 3, 20))
    assert later.indemnities == 0 and fees.count() == 2
    assert set(LateCase.objects.values_list("accrued_on", flat=True)) == {date(2026, 3, 20)}
    assert set(accrued.values()) == {date(2026, 3, 17)}


def test_new_cases_are_inserted_once_with_the_days_work() -> None:
    """A new case goes in once, already worked on: same figures as opening then working it, and
    a 30-day-late one has its formal notice, naming the case (PT11, N1)."""
    pair = make_pair("monthly-intranet")
    old = issue(pair, on=date(2026, 1, 20), due=date(2026, 2, 5))
    recent = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    day = date(2026, 3, 17)
    with clock.frozen(at(day)):
        result = collection_run(on=day)
    assert (result.opened, result.indemnities, result.notices) == (2, 2, 1)
    cases = {c.open_item.reference: c for c in LateCase.objects.select_related("open_item")}
    assert cases[recent.number].stage == LateCase.Stage.REMINDED
    assert cases[recent.number].reminders == 1 and cases[recent.number].indemnity_posted
    assert cases[recent.number].accrued_on == day
    noticed = cases[old.number]
    assert noticed.stage == LateCase.Stage.FORMAL_NOTICE and noticed.notice_deadline is not None
    [notice] = noticed.notices.all()
    assert notice.letter["reference"].startswith(f"MED-{noticed.pk:06d}-")


def test_cases_another_worker_opened_meanwhile_are_worked_once(monkeypatch) -> None:
    """Between reading the late items and inserting their cases, another worker opens one of
    them: the chunk is rolled back and done the locking way, each consequence once."""
    from comptoir.payments.services import collection

    pair = make_pair("monthly-intranet")
    invoices = [issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16)) for _ in range(3)]
    day = date(2026, 3, 17)
    real = collection._late_rows

    def stale(*args, **kwargs):
        rows, billed = real(*args, **kwargs)
        cases_open(on=day, items=[rows[0][0]])  # the other worker commits its case now
        return rows, billed

    monkeypatch.setattr(collection, "_late_rows", stale)
    with clock.frozen(at(day)):
        result = collection_run(on=day)
    assert result.opened == 2  # the third was the other worker's
    assert LateCase.objects.count() == 3
    assert OpenItem.objects.filter(kind="fee").count() == 3  # one indemnity per late invoice
    assert set(LateCase.objects.values_list("stage", flat=True)) == {"reminded"}
    monkeypatch.setattr(collection, "_late_rows", real)
    with clock.frozen(at(day)):
        assert collection_run(on=day).changes == 0
    assert {c.open_item.reference for c in LateCase.objects.select_related("open_item")} == {
        i.number for i in invoices
    }


def test_the_sweeps_new_rows_are_the_values_cases_open_selects() -> None:
    """The sweep computes a new case's values in Python (`_new_rows`); `cases_open` selects them
    in SQL (`_new_cases`): both agree for an invoice, a consumer's invoice (O17) and an item
    posted directly."""
    from comptoir.payments.services.collection import OPENED, _late_rows, _new_cases, _new_rows

    from .test_collection_consumer import _issue

    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16), excl_vat="1000.00")
    _issue(pair, consumer=True)
    _post_direct(pair, "EXT-1", "240.00", date(2026, 2, 20), date(2026, 3, 10))
    day = date(2026, 3, 17)
    with clock.frozen(at(day)):
        rows, billed = _late_rows(day, None, None)
        computed = _new_rows(rows, billed, clock.now())
        selected = sorted(_new_cases(day, None, None))
    assert len(computed) == 3
    assert [row[: len(OPENED)] for row in computed] == selected
    assert sorted(row[-2:] for row in computed) == sorted(
        OpenItem.objects.filter(kind="invoice").values_list("open_amount", "reference")
    )
