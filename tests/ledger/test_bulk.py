"""The set-based write helpers of large batches (ledger.bulk), on SQLite and PostgreSQL."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F, Value

from comptoir.core import clock
from comptoir.ledger import bulk
from comptoir.ledger.bulk import insert_returning, insert_rows, insert_select, prepared, update_rows
from comptoir.ledger.models import Account, JournalEntry, JournalLine, OpenItem
from comptoir.ledger.services import accounts_get

P = Account.Purpose
AT = datetime(2026, 11, 20, 6, 30, tzinfo=clock.PARIS)


def _entries(n: int) -> list[int]:
    stamp = prepared(JournalEntry, "created_at", AT)
    rows = [
        ("OD", date(2026, 11, n % 28 + 1), f"Libellé\t{n}\n", f"R-{n}", stamp) for n in range(n)
    ]
    return insert_returning(
        JournalEntry, ["journal", "date", "label", "reference", "created_at"], rows
    )


@pytest.mark.django_db
def test_insert_returning_gives_the_ids_in_the_order_of_the_rows():
    ids = _entries(2500)  # more than one batch
    assert len(set(ids)) == 2500
    stored = dict(JournalEntry.objects.values_list("pk", "reference"))
    assert [stored[pk] for pk in ids] == [f"R-{n}" for n in range(2500)]
    first = JournalEntry.objects.get(pk=ids[7])
    assert (first.label, first.date, first.created_at) == ("Libellé\t7\n", date(2026, 11, 8), AT)
    assert _entries(0) == []


@pytest.mark.django_db
@pytest.mark.parametrize("copy_from", [1, 10**9], ids=["copy-update-from", "row-by-row"])
def test_insert_rows_and_update_rows(buyer, seller, copy_from, monkeypatch):
    """Both update paths (PostgreSQL takes the COPY one for large batches) give the same rows,
    also when run twice in one transaction."""
    monkeypatch.setattr(bulk, "_COPY_UPDATE_FROM", copy_from)
    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (seller.pk, P.SELLER_REVENUE)])
    receivable, revenue = acc[(buyer.pk, P.RECEIVABLE)], acc[(seller.pk, P.SELLER_REVENUE)]
    [entry] = _entries(1)
    insert_rows(
        JournalLine,
        ["entry", "account", "debit", "credit"],
        [(entry, receivable.pk, D("40.00"), D("0")), (entry, revenue.pk, D("0"), D("40.00"))],
    )
    assert JournalLine.objects.filter(entry_id=entry).count() == 2
    stamp = prepared(OpenItem, "created_at", AT)
    fields = ["account", "party", "counterparty", "entry", "reference", "kind", "amount"]
    fields += ["open_amount", "due_date", "created_at"]
    ids = insert_returning(
        OpenItem,
        fields,
        [
            (receivable.pk, buyer.pk, seller.pk, entry, f"F-{n}", "fee", D("40.00"), D("40.00"))
            + (date(2026, 11, 20), stamp)
            for n in range(3)
        ],
    )
    update_rows(
        OpenItem,
        ["open_amount", "due_date"],
        [(ids[0], D("11.00"), date(2026, 11, 30)), (ids[2], D("1.00"), date(2026, 11, 21))],
    )
    update_rows(
        OpenItem,
        ["open_amount", "due_date"],
        [(ids[0], D("12.50"), date(2026, 12, 1)), (ids[2], D("0.00"), None)],
    )
    rows = {
        pk: (amount, due)
        for pk, amount, due in OpenItem.objects.values_list("pk", "open_amount", "due_date")
    }
    assert rows == {
        ids[0]: (D("12.50"), date(2026, 12, 1)),
        ids[1]: (D("40.00"), date(2026, 11, 20)),
        ids[2]: (D("0.00"), None),
    }


@pytest.mark.django_db
def test_a_constraint_violation_is_djangos_integrity_error_and_nothing_is_written(buyer):
    [account] = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE)]).values()
    [entry] = _entries(1)
    lines = [(entry, account.pk, D("10.00"), D("0")), (entry, account.pk, D("5.00"), D("5.00"))]
    with pytest.raises(IntegrityError), transaction.atomic():  # ledger_line_one_side
        insert_rows(JournalLine, ["entry", "account", "debit", "credit"], lines)
    assert not JournalLine.objects.exists()


@pytest.mark.django_db
def test_insert_select_skips_the_conflicts_and_counts_what_it_inserted(buyer):
    taken = Account.objects.create(party=buyer, purpose=P.RECEIVABLE)
    wanted = (
        Account.objects.filter(pk=taken.pk)
        .annotate(c_party=F("party_id"), c_purpose=Value(P.PAYABLE))
        .values_list("c_party", "c_purpose")
    )
    assert insert_select(Account, ["party", "purpose"], wanted, ignore_conflicts=True) == 1
    assert insert_select(Account, ["party", "purpose"], wanted, ignore_conflicts=True) == 0
    assert set(Account.objects.filter(party=buyer).values_list("purpose", flat=True)) == {
        P.RECEIVABLE,
        P.PAYABLE,
    }
