"""Due dates (DOMAIN-NOTES 1.2 vectors), cash discounts, instalments, deferrals, financial fees."""

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.terms.duedates import (
    DueBasis,
    DueMethod,
    DueRule,
    basis_date,
    cash_discount_amount,
    cash_discount_deadline,
    compute_due_date,
    deferred_due,
    due_date,
    financial_fee,
    split_schedule,
)

# invoice date | NET_60 | FDM45 A eom+45 | FDM45 B eom(+45) | 30 JFDM +30→eom | 30 JFDM eom→+30
VECTORS = [
    ("2026-01-15", "2026-03-16", "2026-03-17", "2026-03-31", "2026-02-28", "2026-03-02"),
    ("2026-01-17", "2026-03-18", "2026-03-17", "2026-03-31", "2026-02-28", "2026-03-02"),
    ("2026-01-31", "2026-04-01", "2026-03-17", "2026-03-31", "2026-03-31", "2026-03-02"),
    ("2026-11-20", "2027-01-19", "2027-01-14", "2027-01-31", "2026-12-31", "2026-12-30"),
    ("2026-12-15", "2027-02-13", "2027-02-14", "2027-01-31", "2027-01-31", "2027-01-30"),
    ("2027-02-10", "2027-04-11", "2027-04-14", "2027-03-31", "2027-03-31", "2027-03-30"),
]


@pytest.mark.parametrize(("inv", "net60", "fdm45a", "fdm45b", "add_eom", "eom_add"), VECTORS)
def test_domain_notes_vectors(inv, net60, fdm45a, fdm45b, add_eom, eom_add):
    d = date.fromisoformat(inv)
    assert due_date(d, 60, DueMethod.NET) == date.fromisoformat(net60)
    assert due_date(d, 45, DueMethod.EOM_THEN_ADD) == date.fromisoformat(fdm45a)
    assert due_date(d, 45, DueMethod.ADD_THEN_EOM) == date.fromisoformat(fdm45b)
    assert due_date(d, 30, DueMethod.ADD_THEN_EOM) == date.fromisoformat(add_eom)
    assert due_date(d, 30, DueMethod.EOM_THEN_ADD) == date.fromisoformat(eom_add)


def test_immediate_and_business_days():
    assert due_date(date(2026, 11, 22), 0, "immediate") == date(2026, 11, 22)
    # Tue 10 Nov 2026 + 3 business days: 11 Nov is a holiday → 12, 13, 16
    assert due_date(date(2026, 11, 10), 3, DueMethod.BUSINESS_DAYS) == date(2026, 11, 16)


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        due_date(date(2026, 1, 1), -1)


def test_bases_from_order_validation_receipt_or_invoice():
    dates = {"invoice": date(2026, 3, 10), "order": date(2026, 3, 1), "receipt": date(2026, 3, 12)}
    assert basis_date(DueBasis.ISSUE, dates, date(2000, 1, 1)) == date(2026, 3, 10)
    assert basis_date("validation", dates, date(2026, 3, 5)) == date(2026, 3, 5)
    rule = DueRule(7, DueMethod.NET, DueBasis.RECEIPT)  # seed 004: 7 days from receipt
    assert compute_due_date(rule, dates, date(2026, 3, 1)) == date(2026, 3, 19)
    # seed 001: the direct debit runs 15 days after the order
    assert compute_due_date(DueRule(15, "net", "order"), dates, dates["invoice"]) == date(
        2026, 3, 16
    )
    # seed 000: within 60 calendar days of validation
    assert compute_due_date(
        DueRule(60, "net", "validation"), {"validation": date(2026, 1, 15)}, date(2026, 1, 1)
    ) == date(2026, 3, 16)


def test_cash_discount_window_and_amount():
    # seed 003: cash within 8 days of the invoice date, 1 % of excl. VAT incl. shipping
    assert cash_discount_deadline(date(2026, 11, 25), 8) == date(2026, 12, 3)
    assert cash_discount_amount(D("1015.00"), D("1")) == D("10.15")
    assert cash_discount_amount(D("0.50"), D("1")) == D("0.01")  # 0.005 rounds half-up


@pytest.mark.parametrize("count", [2, 3, 4])
def test_split_schedule_sums_and_spacing(count):
    schedule = split_schedule(D("1000.00"), count, date(2026, 12, 1))
    assert sum(i.amount for i in schedule) == D("1000.00")
    assert [i.due for i in schedule][1] == date(2026, 12, 31)
    assert [i.number for i in schedule] == list(range(1, count + 1))


def test_split_three_gives_extra_cent_to_first():
    schedule = split_schedule(D("100.00"), 3, date(2026, 1, 1), spacing_days=15)
    assert [i.amount for i in schedule] == [D("33.34"), D("33.33"), D("33.33")]
    assert [i.due for i in schedule] == [date(2026, 1, 1), date(2026, 1, 16), date(2026, 1, 31)]


@pytest.mark.parametrize(
    ("days", "expected"), [(30, "2026-12-22"), (45, "2027-01-06"), (60, "2027-01-21")]
)
def test_deferrals(days, expected):
    assert deferred_due(date(2026, 11, 22), days) == date.fromisoformat(expected)


def test_financial_fees_beyond_standard_terms():
    inv = date(2026, 11, 20)
    standard = due_date(inv, 30, DueMethod.ADD_THEN_EOM)  # 2026-12-31
    # 60 days EOM → 2027-01-31: 31 extra days = 3 started 15-day periods → 1.5 %
    fee = financial_fee(D("1200.00"), standard, due_date(inv, 60, DueMethod.ADD_THEN_EOM))
    assert (fee.extra_days, fee.periods, fee.percent, fee.amount) == (31, 3, D("1.5"), D("18.00"))
    # exactly 30 extra days = 1 % (1 % per 30 days)
    assert financial_fee(D("1000"), standard, date(2027, 1, 30)).amount == D("10.00")
    # 15 extra days = 0.5 %
    assert financial_fee(D("1000"), standard, date(2027, 1, 15)).amount == D("5.00")
    # LCR / SEPA debit are exempt, and nothing is due within the standard term
    assert financial_fee(D("1000"), standard, date(2027, 1, 30), exempt=True).amount == 0
    assert financial_fee(D("1000"), standard, standard).amount == 0
