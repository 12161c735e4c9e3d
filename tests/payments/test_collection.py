"""Statement reconciliation, the collection sweep's idempotency and concurrency, and invariants."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import JournalLine, OpenItem
from comptoir.payments import rules
from comptoir.payments.models import LateCase, Payment, StatementEntry, Suspension
from comptoir.payments.services import (
    collection_run,
    entry_assign,
    statement_import,
)

from .conftest import at, camt053, issue, make_pair, pay

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    cases = sorted(
        LateCase.objects.values_list(
            "pk", "stage", "interest_accrued", "interest_posted", "reminders", "indemnity_posted"
        )
    )
    return (
        cases,
        JournalLine.objects.count(),
        ledger.journal_totals(),
        list(Suspension.objects.values_list("buyer_id", "lifted_on")),
        sorted(OpenItem.objects.values_list("pk", "open_amount", "due_date")),
    )


def test_statement_import_reconciles_and_second_import_changes_nothing() -> None:
    pair = make_pair("electronics-wholesale")
    first = issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30))
    second = issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30))
    data = camt053(
        pair.seller.iban,
        [
            {
                "amount": "1200.00",
                "date": "2026-11-20",
                "ref": "B1",
                "remittance": f"Fact {first.number}",
            },
            {
                "amount": "1200.00",
                "date": "2026-11-20",
                "ref": "B2",
                "remittance": rules.payment_reference(second.number),
            },
            {"amount": "55.00", "date": "2026-11-20", "ref": "B3", "remittance": "cadeau"},
            {"amount": "-30.00", "date": "2026-11-20", "ref": "B4", "remittance": "frais"},
        ],
    )
    with clock.frozen(at(date(2026, 11, 21))):
        [result] = statement_import(data=data, filename="s.xml")
        assert (result.matched, result.to_review) == (2, 1)
        before = _state()
        [again] = statement_import(data=data, filename="s.xml")
    assert not again.created and _state() == before
    assert Payment.objects.count() == 2
    assert ledger.balance(pair.buyer, pair.seller) == 0
    review = StatementEntry.objects.get(status="review")
    with clock.frozen(at(date(2026, 11, 21))):
        entry_assign(entry=review, buyer=pair.buyer, seller=pair.seller)
    assert ledger.balance(pair.buyer, pair.seller) == D("-55.00")  # a credit of the buyer


def test_payer_iban_matches_exact_amount_without_reference() -> None:
    pair = make_pair("electronics-wholesale")
    issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30), excl_vat="250")
    data = camt053(
        pair.seller.iban,
        [{"amount": "300.00", "date": "2026-11-20", "ref": "X1", "iban": pair.buyer.iban}],
    )
    with clock.frozen(at(date(2026, 11, 21))):
        [result] = statement_import(data=data)
    assert result.matched == 1 and ledger.balance(pair.buyer, pair.seller) == 0


def test_collection_twice_at_the_same_instant_gives_the_same_state() -> None:
    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    issue(pair, on=date(2026, 3, 5), due=date(2026, 4, 30))
    for day in (date(2026, 3, 17), date(2026, 4, 1), date(2026, 4, 15), date(2026, 4, 30)):
        with clock.frozen(at(day)):
            collection_run(on=day)
            once = _state()
            assert collection_run(on=day).changes == 0
            assert _state() == once


def test_interest_never_accrues_on_a_paid_item() -> None:
    pair = make_pair("monthly-intranet")
    invoice = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    collection_run(on=date(2026, 3, 20))
    with clock.frozen(at(date(2026, 3, 25))):
        pay(pair, "1300.00", "transfer", date(2026, 3, 25), "all", invoice.number)
    interest = list(OpenItem.objects.filter(kind="interest").values_list("amount", flat=True))
    collection_run(on=date(2026, 6, 30))
    assert (
        list(OpenItem.objects.filter(kind="interest").values_list("amount", flat=True)) == interest
    )
    case = LateCase.objects.get()
    assert case.stage == LateCase.Stage.SETTLED and case.interest_accrued == 0
    assert not Suspension.objects.filter(lifted_on=None).exists()  # lifted once all was paid


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2),
    debts=st.lists(
        st.tuples(
            st.sampled_from(["invoice", "interest", "fee"]),
            st.decimals(min_value=D("0.01"), max_value=D("3000"), places=2),
            st.integers(min_value=0, max_value=90),
        ),
        max_size=8,
    ),
    order=st.sampled_from([None, rules.INTEREST_FIRST, rules.OLDEST_FIRST]),
)
def test_allocation_never_exceeds_payment_or_debts(amount, debts, order) -> None:
    items = [
        rules.Debt(i, kind, f"F{i}", date(2026, 1, 1) + timedelta(days=days), value)
        for i, (kind, value, days) in enumerate(debts)
    ]
    plan = rules.allocate(amount, items, order, "F1")
    assert sum((a for _, a in plan), D(0)) <= amount
    by_id = {d.id: d for d in items}
    assert all(0 < a <= by_id[i].open_amount for i, a in plan)
    assert len({i for i, _ in plan}) == len(plan)
    if sum((d.open_amount for d in items), D(0)) >= amount:
        assert sum((a for _, a in plan), D(0)) == amount


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payments=st.lists(st.decimals(min_value=D("1"), max_value=D("900"), places=2), max_size=4))
def test_ledger_balances_whatever_the_payments(payments) -> None:
    pair = make_pair("electronics-wholesale")
    issue(pair, on=date(2026, 5, 4), due=date(2026, 5, 4))
    collection_run(on=date(2026, 5, 10))
    for i, amount in enumerate(payments):
        day = date(2026, 5, 11) + timedelta(days=i * 7)
        with clock.frozen(at(day)):
            pay(pair, amount, "transfer", day, f"p{i}")
    debit, credit = ledger.journal_totals()
    assert debit == credit
    for item in OpenItem.objects.all():
        assert abs(item.open_amount) <= abs(item.amount)


def test_cli_statement_and_collect(capsys) -> None:
    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    call_command("payments", "collect", "--on", "2026-03-17")
    call_command(
        "payments", "statement", "--buyer", pair.buyer.siren, "--seller", pair.seller.siren
    )
    out = capsys.readouterr().out
    assert "indemnities 1" in out and "Balance 1240.00" in out


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_apply_each_consequence_once() -> None:
    pair = make_pair("monthly-intranet")
    for n in range(12):
        issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16) + timedelta(days=n % 3))
    day = date(2026, 4, 20)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            barrier.wait()
            collection_run(on=day)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    collection_run(on=day)  # whatever a skipped chunk left is done now, once
    assert OpenItem.objects.filter(kind="fee").count() == 12  # one indemnity per late invoice
    assert LateCase.objects.count() == 12
    assert Suspension.objects.count() == 1
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_a_seller_imports_only_its_own_account() -> None:
    from comptoir.core.errors import DomainError

    pair = make_pair("electronics-wholesale")
    other = make_pair("electronics-wholesale")
    data = camt053(other.seller.iban, [{"amount": "1.00", "date": "2026-11-20", "ref": "Z1"}])
    with clock.frozen(at(date(2026, 11, 21))), pytest.raises(DomainError) as err:
        statement_import(data=data, seller=pair.seller)
    assert err.value.code == "statement_not_yours" and not StatementEntry.objects.exists()


def test_plain_transfers_recorded_together_allocate_like_one_by_one(
    django_assert_max_num_queries,
) -> None:
    """The bulk path of a statement gives the ledger the same state as payment_record, in a
    number of queries that does not grow with the lines."""
    pair = make_pair("monthly-intranet")  # oldest debt first (001 §5)
    late_pair = make_pair("monthly-intranet")
    invoices = [issue(pair, on=date(2026, 11, 2), due=date(2026, 11, 30)) for _ in range(30)]
    late = issue(late_pair, on=date(2026, 10, 1), due=date(2026, 10, 16))
    entries = [
        {"amount": "1200.00", "date": "2026-11-20", "ref": f"P{n}", "remittance": inv.number}
        for n, inv in enumerate(invoices[:25])
    ]
    entries.append(
        {"amount": "700.00", "date": "2026-11-20", "ref": "PART", "remittance": invoices[25].number}
    )
    data = camt053(pair.seller.iban, entries)
    with clock.frozen(at(date(2026, 11, 21))), django_assert_max_num_queries(60):
        [result] = statement_import(data=data, seller=pair.seller)
    assert result.matched == 26
    mine = OpenItem.objects.filter(kind="invoice", counterparty=pair.seller)
    open_amounts = [mine.get(reference=i.number).open_amount for i in invoices]
    assert open_amounts[:25] == [D("0.00")] * 25 and open_amounts[25] == D("500.00")
    assert ledger.balance(pair.buyer, pair.seller) == D("1200.00") * 4 + D("500.00")
    # the overdue buyer's transfer goes one by one: its interest is claimed first
    data = camt053(
        late_pair.seller.iban,
        [{"amount": "1200.00", "date": "2026-11-20", "ref": "L1", "remittance": late.number}],
        statement_id="S-2",
    )
    with clock.frozen(at(date(2026, 11, 21))):
        statement_import(data=data, seller=late_pair.seller)
    assert OpenItem.objects.filter(
        kind="interest", reference=late.number, counterparty=late_pair.seller
    ).exists()
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_one_reminder_mail_per_buyer_lists_its_late_invoices(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:
    pair = make_pair("monthly-intranet")
    first = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    second = issue(pair, on=date(2026, 3, 2), due=date(2026, 3, 16))
    with clock.frozen(at(date(2026, 3, 17))), django_capture_on_commit_callbacks(execute=True):
        collection_run(on=date(2026, 3, 17))
    reminders = [m for m in mailoutbox if "Relance" in m.subject or "Reminder" in m.subject]
    assert len(reminders) == 1
    assert first.number in reminders[0].body and second.number in reminders[0].body
