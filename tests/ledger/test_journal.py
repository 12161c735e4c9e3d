"""Double-entry journal: balanced entries only, insert-only rows."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core.errors import DomainError
from comptoir.ledger import queries
from comptoir.ledger.models import Account, JournalEntry, JournalLine
from comptoir.ledger.services import Posting, account_get, accounts_get, journal_entry_post

P = Account.Purpose
TODAY = __import__("datetime").date(2026, 11, 20)


def test_accounts_are_unique_per_party_and_purpose(buyer):
    a = account_get(party_id=buyer.pk, purpose=P.RECEIVABLE)
    assert account_get(party_id=buyer.pk, purpose=P.RECEIVABLE) == a
    bank = account_get(party_id=None, purpose=P.BANK)
    assert account_get(party_id=None, purpose=P.BANK) == bank
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(party=buyer, purpose=P.RECEIVABLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(party=None, purpose=P.BANK)


def test_balanced_entry_is_posted(buyer, seller):
    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (seller.pk, P.SELLER_REVENUE)])
    entry = journal_entry_post(
        date=TODAY,
        label="Test",
        lines=[
            Posting(acc[(buyer.pk, P.RECEIVABLE)], debit=D("120.00")),
            Posting(acc[(seller.pk, P.SELLER_REVENUE)], credit=D("120.00")),
        ],
    )
    assert entry.lines.count() == 2
    assert queries.account_balance(acc[(buyer.pk, P.RECEIVABLE)]) == D("120.00")


@pytest.mark.parametrize(
    "lines",
    [
        [(D("100.00"), D(0)), (D(0), D("99.99"))],  # unbalanced
        [(D("100.00"), D("100.00")), (D(0), D("0"))],  # both sides / no side
        [(D("-5.00"), D(0)), (D(0), D("-5.00"))],  # negative
        [(D("1.001"), D(0)), (D(0), D("1.001"))],  # sub-cent
        [(D("1.00"), D(0))],  # single line
    ],
)
def test_invalid_entries_are_refused_and_nothing_is_written(buyer, lines):
    bank = account_get(party_id=None, purpose=P.BANK)
    with pytest.raises(DomainError):
        journal_entry_post(
            date=TODAY, label="Bad", lines=[Posting(bank, debit=d, credit=c) for d, c in lines]
        )
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0


def test_unbalanced_entry_error_code(buyer):
    bank = account_get(party_id=None, purpose=P.BANK)
    with pytest.raises(DomainError) as err:
        journal_entry_post(
            date=TODAY, label="Bad", lines=[Posting(bank, debit=D(1)), Posting(bank, credit=D(2))]
        )
    assert err.value.code == "unbalanced_entry"


def test_database_refuses_a_line_with_two_sides(buyer):
    bank = account_get(party_id=None, purpose=P.BANK)
    entry = journal_entry_post(
        date=TODAY, label="ok", lines=[Posting(bank, debit=D(1)), Posting(bank, credit=D(1))]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.bulk_create(
            [JournalLine(entry=entry, account=bank, debit=D(1), credit=D(1))]
        )


def test_journal_entries_and_lines_are_insert_only(buyer):
    bank = account_get(party_id=None, purpose=P.BANK)
    entry = journal_entry_post(
        date=TODAY, label="ok", lines=[Posting(bank, debit=D(1)), Posting(bank, credit=D(1))]
    )
    entry.label = "changed"
    with pytest.raises(DomainError) as err:
        entry.save()
    assert err.value.code == "immutable"
    with pytest.raises(DomainError):
        entry.delete()
    with pytest.raises(DomainError):
        JournalEntry.objects.filter(pk=entry.pk).update(label="changed")
    with pytest.raises(DomainError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    line = entry.lines.first()
    line.debit = D(2)
    with pytest.raises(DomainError):
        line.save()
    with pytest.raises(DomainError):
        JournalLine.objects.all().update(debit=D(3))
    assert JournalEntry.objects.get(pk=entry.pk).label == "ok"


cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    debits=st.lists(cents, min_size=1, max_size=5),
    credits=st.lists(cents, min_size=1, max_size=5),
)
def test_the_journal_always_balances(buyer, seller, debits, credits):
    """Whatever lines are proposed, only balanced entries get in: the journal stays balanced."""
    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (seller.pk, P.SELLER_REVENUE)])
    lines = [Posting(acc[(buyer.pk, P.RECEIVABLE)], debit=d) for d in debits] + [
        Posting(acc[(seller.pk, P.SELLER_REVENUE)], credit=c) for c in credits
    ]
    before = JournalEntry.objects.count()
    if sum(debits) == sum(credits):
        journal_entry_post(date=TODAY, label="h", lines=lines)
        assert JournalEntry.objects.count() == before + 1
    else:
        with pytest.raises(DomainError):
            journal_entry_post(date=TODAY, label="h", lines=lines)
        assert JournalEntry.objects.count() == before
    debit, credit = queries.journal_totals()
    assert debit == credit


def test_several_entries_post_together_or_not_at_all(buyer, seller):
    from comptoir.ledger.services import EntrySpec, OpenItemSpec, journal_entries_post

    acc = accounts_get(wanted=[(buyer.pk, P.RECEIVABLE), (seller.pk, P.SELLER_REVENUE)])
    receivable, revenue = acc[(buyer.pk, P.RECEIVABLE)], acc[(seller.pk, P.SELLER_REVENUE)]

    def spec(debit: D, credit: D, ref: str) -> EntrySpec:
        return EntrySpec(
            date=TODAY,
            label=ref,
            reference=ref,
            lines=[Posting(receivable, debit=debit), Posting(revenue, credit=credit)],
            open_items=[OpenItemSpec(receivable, buyer.pk, seller.pk, ref, "invoice", debit)],
        )

    with pytest.raises(DomainError):
        journal_entries_post(entries=[spec(D(10), D(10), "A"), spec(D(5), D(4), "B")])
    assert JournalEntry.objects.count() == 0
    rows = journal_entries_post(entries=[spec(D(10), D(10), "A"), spec(D("5.55"), D("5.55"), "B")])
    assert [r.open_items.get().amount for r in rows] == [D("10.00"), D("5.55")]
    assert queries.balance(buyer, seller) == D("15.55")
    assert queries.account_balance(revenue) == D("-15.55")
