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
