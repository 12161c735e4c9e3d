"""Rate tables: published seed values, pure lookups, half-year reference (PT11, L441-10)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.errors import DomainError
from comptoir.core.models import ECBRate, LegalInterestRate
from comptoir.core.money import quantize
from comptoir.core.queries import ecb_rate_on, legal_interest_rate_on, rate_table_snapshot
from comptoir.core.rates import RateTables, half_year_start

D = Decimal
PUBLISHED = RateTables.published()


class TestLegalRate:
    @pytest.mark.parametrize(
        ("d", "rate"),
        [
            (date(2023, 1, 1), "2.06"),
            (date(2023, 6, 30), "2.06"),
            (date(2023, 7, 1), "4.22"),
            (date(2024, 3, 15), "5.07"),
            (date(2024, 12, 31), "4.92"),
            (date(2025, 1, 1), "3.71"),
            (date(2025, 9, 1), "2.76"),
            (date(2026, 6, 30), "2.62"),
        ],
    )
    def test_published_half_years(self, d, rate):
        assert PUBLISHED.legal_rate_on(d) == D(rate)
        assert PUBLISHED.is_legal_rate_published(d)

    def test_after_the_table_the_last_rate_is_carried_and_flagged(self):
        assert PUBLISHED.legal_until == date(2026, 6, 30)
        assert PUBLISHED.legal_rate_on(date(2026, 11, 22)) == D("2.62")
        assert not PUBLISHED.is_legal_rate_published(date(2026, 7, 1))

    def test_before_the_table(self):
        with pytest.raises(DomainError) as error:
            PUBLISHED.legal_rate_on(date(2022, 12, 31))
        assert error.value.code == "rate_missing"
        assert error.value.details == {"table": "legal interest", "date": "2022-12-31"}

    @pytest.mark.parametrize(
        ("half_year", "floor"),
        # DOMAIN-NOTES 1.3, "3× legal floor" column
        [
            (date(2023, 1, 1), "6.18"),
            (date(2023, 7, 1), "12.66"),
            (date(2024, 1, 1), "15.21"),
            (date(2024, 7, 1), "14.76"),
            (date(2025, 1, 1), "11.13"),
            (date(2025, 7, 1), "8.28"),
            (date(2026, 1, 1), "7.86"),
        ],
    )
    def test_three_times_floor(self, half_year, floor):
        assert 3 * PUBLISHED.legal_rate_on(half_year) == D(floor)


class TestEcbRate:
    @pytest.mark.parametrize(
        ("d", "rate"),
        [
            (date(2023, 1, 1), "2.50"),
            (date(2023, 2, 7), "2.50"),
            (date(2023, 2, 8), "3.00"),
            (date(2024, 9, 18), "3.65"),
            (date(2025, 6, 10), "2.40"),
            (date(2025, 6, 11), "2.15"),
            (date(2026, 11, 22), "2.15"),
        ],
    )
    def test_rate_on(self, d, rate):
        assert PUBLISHED.ecb_rate_on(d) == D(rate)

    @pytest.mark.parametrize(
        ("d", "reference"),
        # DOMAIN-NOTES 1.3, "MRO reference" column: in force on 1 January / 1 July
        [
            (date(2023, 3, 1), "2.50"),
            (date(2023, 12, 31), "4.00"),
            (date(2024, 6, 30), "4.50"),
            (date(2024, 7, 1), "4.25"),
            (date(2025, 2, 1), "3.15"),
            (date(2025, 7, 20), "2.15"),
            (date(2026, 5, 15), "2.15"),
        ],
    )
    def test_reference_rate_for_half_year(self, d, reference):
        assert PUBLISHED.ecb_reference_rate_for_half_year(d) == D(reference)

    def test_rate_changes_mid_half_year_do_not_move_the_reference(self):
        # 12 June 2024: 4.50 → 4.25, but the first half of 2024 keeps 4.50.
        assert PUBLISHED.ecb_rate_on(date(2024, 6, 20)) == D("4.25")
        assert PUBLISHED.ecb_reference_rate_for_half_year(date(2024, 6, 20)) == D("4.50")

    def test_before_the_table(self):
        with pytest.raises(DomainError) as error:
            PUBLISHED.ecb_rate_on(date(2022, 12, 20))
        assert error.value.code == "rate_missing"

    @pytest.mark.parametrize(
        ("amount", "due", "paid", "expected"),
        # DOMAIN-NOTES 1.4 worked examples, default rate = reference + 10, actual/365
        [
            (D("10000.00"), date(2026, 3, 31), date(2026, 5, 15), D("149.79")),
            (D("10000.00"), date(2025, 6, 15), date(2025, 7, 20), D("120.62")),
            (D("1200.00"), date(2024, 12, 20), date(2025, 1, 10), D("9.48")),
        ],
    )
    def test_default_penalty_examples(self, amount, due, paid, expected):
        total = D(0)
        day = due + timedelta(days=1)
        while day <= paid:
            rate = PUBLISHED.ecb_reference_rate_for_half_year(day) + 10
            total += amount * rate / 100 / 365
            day += timedelta(days=1)
        assert quantize(total) == expected

    @given(st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31)))
    def test_reference_is_the_rate_on_the_half_year_start(self, d):
        assert PUBLISHED.ecb_reference_rate_for_half_year(d) == PUBLISHED.ecb_rate_on(
            half_year_start(d)
        )


class TestRateTablesValidation:
    def test_refuses_unsorted_rows(self):
        with pytest.raises(ValueError):
            RateTables(legal=((date(2024, 1, 1), D("1")), (date(2023, 1, 1), D("2"))), ecb=())

    def test_refuses_floats(self):
        with pytest.raises(TypeError):
            RateTables(legal=(), ecb=((date(2024, 1, 1), 2.15),))  # type: ignore[arg-type]

    def test_empty_table_is_missing_everywhere(self):
        with pytest.raises(DomainError):
            RateTables(legal=(), ecb=()).ecb_rate_on(date(2026, 1, 1))

    def test_is_frozen(self):
        with pytest.raises(AttributeError):
            PUBLISHED.legal = ()  # type: ignore[misc]


@pytest.mark.django_db
class TestDatabaseTables:
    def test_the_migration_seeds_the_published_values(self):
        assert rate_table_snapshot() == PUBLISHED
        assert LegalInterestRate.objects.count() == 7
        assert ECBRate.objects.count() == 15

    def test_queries(self):
        assert legal_interest_rate_on(date(2024, 3, 15)) == D("5.07")
        assert ecb_rate_on(date(2023, 7, 1)) == D("4.00")
        with pytest.raises(DomainError) as error:
            legal_interest_rate_on(date(2022, 6, 1))
        assert error.value.code == "rate_missing"

    def test_operator_adds_a_half_year(self):
        row = LegalInterestRate(
            valid_from=date(2026, 7, 1), valid_to=date(2026, 12, 31), rate=D("3")
        )
        row.full_clean()
        row.save()
        snapshot = rate_table_snapshot()
        assert snapshot.legal_until == date(2026, 12, 31)
        assert snapshot.is_legal_rate_published(date(2026, 11, 22))
        assert legal_interest_rate_on(date(2026, 11, 22)) == D("3.00")

    def test_operator_adds_an_ecb_change(self):
        ECBRate.objects.create(effective_date=date(2026, 6, 17), rate=D("2.40"))
        assert ecb_rate_on(date(2026, 6, 16)) == D("2.15")
        assert rate_table_snapshot().ecb_reference_rate_for_half_year(date(2026, 8, 1)) == D("2.40")

    def test_overlapping_half_year_is_refused(self):
        row = LegalInterestRate(
            valid_from=date(2026, 6, 1), valid_to=date(2026, 12, 31), rate=D("3")
        )
        with pytest.raises(ValidationError) as error:
            row.full_clean()
        assert error.value.error_dict["__all__"][0].code == "overlap"

    def test_reversed_period_is_refused_by_the_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            LegalInterestRate.objects.create(
                valid_from=date(2027, 7, 1), valid_to=date(2027, 1, 1), rate=D("3")
            )

    def test_admin_lists_and_edits_the_rates(self, client, django_user_model):
        operator = django_user_model.objects.create_superuser(
            email="operator@example.org", password="not-used-here"
        )
        client.force_login(operator)
        assert client.get("/admin/core/legalinterestrate/").status_code == 200
        assert client.get("/admin/core/ecbrate/add/").status_code == 200
        row = LegalInterestRate.objects.get(valid_from=date(2024, 1, 1))
        assert client.get(f"/admin/core/legalinterestrate/{row.pk}/change/").status_code == 200
