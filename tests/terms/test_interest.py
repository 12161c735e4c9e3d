"""Late-payment interest (PT11): DOMAIN-NOTES 1.4 worked examples and each formula."""

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.core.errors import DomainError
from comptoir.core.rates import RateTables
from comptoir.terms.engine.citations import Clause
from comptoir.terms.engine.rates import FALLBACK_RATES
from comptoir.terms.interest import (
    DayBasis,
    InterestFormula,
    LatePaymentTerms,
    LegalRateBasis,
    OpenItem,
    interest_batch,
    late_interest,
)

DEFAULT = LatePaymentTerms(clause=Clause("Art. 10.7", "taux BCE + 10 points"))


def test_worked_example_1_single_half_year():
    r = late_interest(D("10000.00"), date(2026, 3, 31), date(2026, 5, 15), DEFAULT, FALLBACK_RATES)
    assert r.days == 45
    assert r.interest == D("149.79")
    assert r.indemnity == D("40.00")
    assert r.total == D("189.79")
    (line,) = r.lines
    assert (line.start, line.end, line.days, line.rate) == (
        date(2026, 4, 1),
        date(2026, 5, 15),
        45,
        D("12.15"),
    )
    assert line.rule == "PT11" and line.clause.article == "Art. 10.7"


def test_worked_example_2_crosses_1_july():
    r = late_interest(D("10000.00"), date(2025, 6, 15), date(2025, 7, 20), DEFAULT, FALLBACK_RATES)
    assert [(ln.days, ln.rate, ln.amount) for ln in r.lines] == [
        (15, D("13.15"), D("54.04")),
        (20, D("12.15"), D("66.58")),
    ]
    assert r.interest == D("120.62") and r.total == D("160.62")


def test_worked_example_3_crosses_1_january_lines_sum_to_total():
    r = late_interest(D("1200.00"), date(2024, 12, 20), date(2025, 1, 10), DEFAULT, FALLBACK_RATES)
    assert [(ln.days, ln.rate) for ln in r.lines] == [(11, D("14.25")), (10, D("13.15"))]
    assert r.interest == D("9.48")
    assert sum(ln.amount for ln in r.lines) == r.interest
    assert r.total == D("49.48")


def test_not_late_means_nothing_due():
    r = late_interest(D("500"), date(2026, 3, 31), date(2026, 3, 31))
    assert (r.days, r.interest, r.indemnity, r.total, r.lines) == (0, 0, 0, 0, ())


def test_three_times_legal_rate_on_invoice_date():
    # seed 003: 3 × legal rate in force on the invoice date (2026 H1: 2.62 %) = 7.86 %
    terms = LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("3"))
    r = late_interest(
        D("1200.00"), date(2026, 2, 28), date(2026, 3, 30), terms, invoice_date=date(2026, 1, 20)
    )
    assert r.lines[0].rate == D("7.86")
    assert r.interest == D("7.75")  # 1200 × 7.86 % × 30 / 365 = 7.7523


def test_legal_multiple_per_half_year():
    terms = LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("5"), LegalRateBasis.HALF_YEAR)
    r = late_interest(D("1000"), date(2025, 6, 20), date(2025, 7, 10), terms)
    assert [(ln.days, ln.rate) for ln in r.lines] == [(10, D("18.55")), (10, D("13.80"))]
    # 1000 × (18.55 × 10 + 13.80 × 10) / 36500 = 8.863
    assert r.interest == D("8.86")


def test_fixed_annual_rate():
    r = late_interest(
        D("3650.00"),
        date(2026, 1, 10),
        date(2026, 1, 20),
        LatePaymentTerms(InterestFormula.FIXED_ANNUAL, D("8")),
    )
    assert r.interest == D("8.00")


def test_monthly_rate_is_twelve_times_over_365():
    terms = LatePaymentTerms(InterestFormula.MONTHLY, D("1.5"))
    r = late_interest(D("1000.00"), date(2026, 1, 31), date(2026, 3, 2), terms)
    assert r.days == 30 and r.lines[0].rate == D("18.0")
    assert r.interest == D("14.79")  # 1000 × 18 % × 30 / 365 = 14.794


def test_reference_plus_nine_points():
    terms = LatePaymentTerms(InterestFormula.REFERENCE_PLUS, D("9"))
    r = late_interest(D("730.00"), date(2026, 1, 1), date(2026, 1, 11), terms)
    assert r.lines[0].rate == D("11.15") and r.interest == D("2.23")


def test_leap_year_day_basis_is_configurable():
    fixed = LatePaymentTerms(InterestFormula.FIXED_ANNUAL, D("10"))
    actual = LatePaymentTerms(InterestFormula.FIXED_ANNUAL, D("10"), day_basis=DayBasis.ACTUAL)
    due, paid = date(2027, 12, 21), date(2028, 1, 10)  # 10 days in 2027, 10 in 2028 (leap)
    r365 = late_interest(D("36600"), due, paid, fixed)
    ract = late_interest(D("36600"), due, paid, actual)
    assert r365.interest == D("200.55")  # 36600 × 10 % × 20 / 365
    assert [ln.days for ln in ract.lines] == [10, 10]
    assert ract.interest == D("200.27")  # 100.27 + 100.00


def test_costs_collection_minimum_litigation_and_reminders():
    terms = LatePaymentTerms(
        InterestFormula.FIXED_ANNUAL,
        D("0"),
        collection_percent=D("15"),
        collection_minimum=D("150"),
        litigation_percent=D("20"),
        reminder_fee=D("1.50"),
    )
    r = late_interest(
        D("500.00"),
        date(2026, 1, 1),
        date(2026, 2, 1),
        terms,
        reminders=3,
        collection=True,
        litigation=True,
    )
    assert {c.code: c.amount for c in r.costs} == {
        "collection_costs": D("150"),  # 15 % = 75 < minimum 150
        "litigation_penalty": D("100.00"),
        "reminder_fees": D("4.50"),
    }
    assert r.total == D("40.00") + D("254.50")
    big = late_interest(D("2000"), date(2026, 1, 1), date(2026, 2, 1), terms, collection=True)
    assert big.costs[0].amount == D("300.00")


def test_batch_matches_single_computation():
    items = [
        OpenItem(D("10000.00"), date(2026, 3, 31), date(2026, 5, 15)),
        OpenItem(D("10000.00"), date(2025, 6, 15), date(2025, 7, 20)),
        OpenItem(D("1200.00"), date(2024, 12, 20), date(2025, 1, 10)),
        OpenItem(D("99.99"), date(2025, 6, 15), date(2025, 6, 1)),
    ]
    for terms in (
        DEFAULT,
        LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("3")),
        LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("5"), LegalRateBasis.HALF_YEAR),
        LatePaymentTerms(InterestFormula.MONTHLY, D("1.5"), day_basis=DayBasis.ACTUAL),
    ):
        batch = interest_batch(items, terms, FALLBACK_RATES)
        for item, (interest, indemnity, total) in zip(items, batch, strict=True):
            single = late_interest(item.principal, item.due, item.paid, terms, FALLBACK_RATES)
            assert (interest, indemnity, total) == (single.interest, single.indemnity, single.total)


def test_batch_accepts_tuples_and_empty():
    assert interest_batch([]) == []
    assert interest_batch([(D("10000.00"), date(2026, 3, 31), date(2026, 5, 15))])[0][0] == D(
        "149.79"
    )


def test_rates_lookup_outside_tables_fails_clearly():
    rates = RateTables(ecb=((date(2026, 1, 1), D("2")),), legal=((date(2026, 1, 1), D("3")),))
    with pytest.raises(DomainError):
        late_interest(D("100"), date(2025, 1, 1), date(2025, 2, 1), DEFAULT, rates)


def test_terms_document_accepted_in_place_of_late_terms():
    from comptoir.terms.loader import load_preset

    doc = load_preset("marketplace")  # 8 % a year
    r = late_interest(D("3650.00"), date(2026, 1, 10), date(2026, 1, 20), doc)
    assert r.interest == D("8.00") and r.lines[0].clause.article
    assert interest_batch([(D("3650.00"), date(2026, 1, 10), date(2026, 1, 20))], doc)[0][0] == D(
        "8.00"
    )


def test_interest_base_follows_the_terms():
    from comptoir.terms.interest import AmountBasis, interest_base

    incl = LatePaymentTerms()
    excl = LatePaymentTerms(amount_basis=AmountBasis.EXCL_VAT)
    assert interest_base(incl, D("120.00"), D("100.00")) == D("120.00")
    assert interest_base(excl, D("120.00"), D("100.00")) == D("100.00")
