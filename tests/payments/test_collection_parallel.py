"""The collection sweep split by buyer over processes (core/parallel.py, PT11): the same result as
one run, each consequence once, the shares disjoint and covering every buyer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from comptoir.core import clock
from comptoir.core.parallel import can_split, cut, run_parts
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import LateCase, Suspension
from comptoir.payments.services import collection_run_parallel
from comptoir.payments.services.collection import _in_part, _work_by_buyer

from .conftest import at, issue, make_pair

pytestmark = pytest.mark.django_db
DAY = date(2026, 4, 20)


def _late_invoices(pairs: int, each: int) -> list:
    made = [make_pair("monthly-intranet") for _ in range(pairs)]
    for pair in made:
        for n in range(each):
            issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16) + timedelta(days=n % 3))
    return made


def test_cut_gives_contiguous_ranges_of_about_the_same_weight() -> None:
    weights = [(k, 10) for k in range(1, 101)]
    assert cut(weights, 2) == [(None, 51), (51, None)]
    assert cut(weights, 4) == [(None, 26), (26, 51), (51, 76), (76, None)]
    # a buyer is never split: a heavy one stays whole in its share
    assert cut([(1, 1), (2, 100), (3, 1)], 2) == [(None, 3), (3, None)]
    assert cut([], 3) == [(None, None)]
    assert cut([(7, 5)], 1) == [(None, None)]


def test_the_shares_of_the_buyers_are_disjoint_and_cover_every_case() -> None:
    pairs = _late_invoices(4, 2)
    with clock.frozen(at(DAY)):
        weights = _work_by_buyer(DAY, None)
        assert sorted(b for b, _ in weights) == sorted(p.buyer.pk for p in pairs)
        assert all(n == 2 for _, n in weights)
        parts = cut(weights, 3)
        items = OpenItem.objects.filter(kind="invoice")
        seen = [set(_in_part(items, "party_id", p).values_list("pk", flat=True)) for p in parts]
    assert sum(len(s) for s in seen) == items.count() == 8
    assert set().union(*seen) == set(items.values_list("pk", flat=True))


def test_in_a_transaction_or_on_sqlite_it_runs_here_as_one_share() -> None:
    assert not can_split(2)  # the test's transaction is open (and SQLite has one writer)
    assert run_parts(lambda part, n: (part, n), [(None, 5), (5, None)], n=1) == [(None, 1)]


def _boom(*, part: tuple, n: int) -> int:
    if part[0] is not None:
        raise ValueError(f"share {part} failed")
    return n


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_failing_share_is_reported_with_its_error() -> None:
    assert can_split(2)
    with pytest.raises(RuntimeError, match=r"share \(5, None\) failed"):
        run_parts(_boom, [(None, 5), (5, None)], n=1)
    assert connection.vendor == "postgresql"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_processes_give_the_result_of_one_run_and_apply_each_consequence_once() -> None:
    pairs = _late_invoices(4, 3)
    with clock.frozen(at(DAY)):
        first = collection_run_parallel(on=DAY, workers=2)
    assert first.opened == 12 and first.indemnities == 12 and first.suspended == len(pairs)
    assert LateCase.objects.count() == 12
    assert OpenItem.objects.filter(kind="fee").count() == 12  # one indemnity per late invoice
    assert Suspension.objects.count() == len(pairs)
    debit, credit = ledger.journal_totals()
    assert debit == credit
    with clock.frozen(at(DAY)):
        again = collection_run_parallel(on=DAY, workers=2)
    assert again.changes == 0  # the same day again changes nothing
    assert OpenItem.objects.filter(kind="fee").count() == 12
    with clock.frozen(at(DAY + timedelta(days=1))):
        weights = _work_by_buyer(DAY + timedelta(days=1), None)
        assert len(cut(weights, 2)) == 2  # both processes had buyers
        collection_run_parallel(on=DAY + timedelta(days=1), workers=2)
    assert LateCase.objects.filter(accrued_on=DAY + timedelta(days=1)).count() == 12
