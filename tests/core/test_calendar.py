"""Business calendar (N2, F4, O17; DOMAIN-NOTES 6.2–6.5)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.calendar import (
    PARIS,
    add_business_days,
    add_calendar_days,
    add_months,
    add_working_days,
    business_days_between,
    consumer_period_end,
    contestation_deadline_end,
    end_of_day,
    end_of_month,
    french_holidays,
    holiday_name,
    is_business_day,
    is_holiday,
    is_working_day,
    next_business_day_from,
    nth_weekday_of_month,
)

MONDAY, TUESDAY, SUNDAY = 0, 1, 6
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
small_n = st.integers(min_value=0, max_value=60)


class TestHolidays:
    def test_france_2026(self):
        assert sorted(french_holidays(2026)) == [
            date(2026, 1, 1),
            date(2026, 4, 6),
            date(2026, 5, 1),
            date(2026, 5, 8),
            date(2026, 5, 14),
            date(2026, 5, 25),
            date(2026, 7, 14),
            date(2026, 8, 15),
            date(2026, 11, 1),
            date(2026, 11, 11),
            date(2026, 12, 25),
        ]

    def test_france_2027(self):
        assert sorted(french_holidays(2027)) == [
            date(2027, 1, 1),
            date(2027, 3, 29),
            date(2027, 5, 1),
            date(2027, 5, 6),
            date(2027, 5, 8),
            date(2027, 5, 17),
            date(2027, 7, 14),
            date(2027, 8, 15),
            date(2027, 11, 1),
            date(2027, 11, 11),
            date(2027, 12, 25),
        ]

    @pytest.mark.parametrize(
        ("d", "name"),
        [
            (date(2026, 4, 6), "Lundi de Pâques"),
            (date(2026, 5, 14), "Ascension"),
            (date(2026, 5, 25), "Lundi de Pentecôte"),
            (date(2027, 3, 29), "Lundi de Pâques"),
            (date(2027, 5, 6), "Ascension"),
            (date(2027, 5, 17), "Lundi de Pentecôte"),
        ],
    )
    def test_moveable_feasts(self, d, name):
        assert is_holiday(d)
        assert holiday_name(d) == name
        assert not is_business_day(d)
        assert not is_working_day(d)

    def test_metropolitan_only(self):
        # Good Friday and 26 Dec are holidays in Alsace-Moselle only.
        assert not is_holiday(date(2026, 4, 3))
        assert not is_holiday(date(2026, 12, 26))
        assert holiday_name(date(2026, 4, 3)) is None

    def test_the_cache_is_read_only(self):
        with pytest.raises(TypeError):
            french_holidays(2026)[date(2026, 6, 1)] = "x"  # type: ignore[index]


class TestDayKinds:
    def test_business_and_working_days(self):
        fri, sat, sun = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)
        assert is_business_day(fri) and is_working_day(fri)
        assert not is_business_day(sat) and is_working_day(sat)
        assert not is_business_day(sun) and not is_working_day(sun)

    def test_saturday_holiday_is_not_a_working_day(self):
        assert date(2027, 5, 8).weekday() == 5
        assert not is_working_day(date(2027, 5, 8))


class TestAddBusinessDays:
    @pytest.mark.parametrize(
        ("delivery", "expected"),
        [
            # DOMAIN-NOTES 6.4 vectors, "3 jours ouvrés"
            (date(2026, 5, 7), date(2026, 5, 13)),
            (date(2026, 12, 24), date(2026, 12, 30)),
            (date(2026, 7, 15), date(2026, 7, 20)),
            (date(2026, 4, 30), date(2026, 5, 6)),
            (date(2026, 11, 10), date(2026, 11, 16)),
        ],
    )
    def test_three_business_days(self, delivery, expected):
        assert add_business_days(delivery, 3) == expected
        assert contestation_deadline_end(delivery, 3) == expected

    @pytest.mark.parametrize(
        ("delivery", "expected"),
        [
            # DOMAIN-NOTES 6.4 vectors, "3 jours ouvrables"
            (date(2026, 5, 7), date(2026, 5, 12)),
            (date(2026, 12, 24), date(2026, 12, 29)),
            (date(2026, 7, 15), date(2026, 7, 18)),
            (date(2026, 4, 30), date(2026, 5, 5)),
            (date(2026, 11, 10), date(2026, 11, 14)),
        ],
    )
    def test_three_working_days(self, delivery, expected):
        assert add_working_days(delivery, 3) == expected

    @pytest.mark.parametrize(
        ("start", "n", "expected"),
        [
            (date(2026, 4, 3), 1, date(2026, 4, 7)),  # Fri → Easter Monday skipped
            (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension Thu skipped
            (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Whit Monday skipped
            (date(2027, 3, 26), 1, date(2027, 3, 30)),  # Easter Monday 2027
            (date(2027, 5, 5), 2, date(2027, 5, 10)),  # Ascension Thu 6 May 2027
            (date(2027, 5, 14), 1, date(2027, 5, 18)),  # Whit Monday 17 May 2027
            (date(2026, 12, 31), 1, date(2027, 1, 4)),  # year boundary, 1 Jan
        ],
    )
    def test_moveable_feasts(self, start, n, expected):
        assert add_business_days(start, n) == expected

    def test_zero_returns_the_same_day_even_on_a_holiday(self):
        assert add_business_days(date(2026, 12, 25), 0) == date(2026, 12, 25)

    def test_negative_is_refused(self):
        with pytest.raises(ValueError):
            add_business_days(date(2026, 1, 5), -1)

    @given(dates, st.integers(min_value=1, max_value=60))
    def test_result_is_a_business_day_after_start(self, d, n):
        result = add_business_days(d, n)
        assert is_business_day(result)
        assert result > d

    @given(dates, small_n)
    def test_monotonic_in_n(self, d, n):
        assert add_business_days(d, n) < add_business_days(d, n + 1)

    @given(dates, small_n)
    def test_business_days_between_is_the_inverse(self, d, n):
        assert business_days_between(d, add_business_days(d, n)) == n


class TestBusinessDaysBetween:
    def test_examples(self):
        assert business_days_between(date(2026, 11, 10), date(2026, 11, 16)) == 3
        assert business_days_between(date(2026, 11, 16), date(2026, 11, 10)) == -3
        assert business_days_between(date(2026, 11, 16), date(2026, 11, 16)) == 0
        assert business_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5


class TestMonths:
    @pytest.mark.parametrize(
        ("d", "expected"),
        [
            (date(2026, 1, 15), date(2026, 1, 31)),
            (date(2026, 2, 3), date(2026, 2, 28)),
            (date(2028, 2, 3), date(2028, 2, 29)),
            (date(2026, 11, 30), date(2026, 11, 30)),
        ],
    )
    def test_end_of_month(self, d, expected):
        assert end_of_month(d) == expected

    @pytest.mark.parametrize(
        ("d", "n", "expected"),
        [
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2028, 1, 31), 1, date(2028, 2, 29)),
            (date(2026, 3, 31), -1, date(2026, 2, 28)),
            (date(2026, 11, 22), 2, date(2027, 1, 22)),
            (date(2026, 1, 15), -13, date(2024, 12, 15)),
            (date(2026, 5, 31), 0, date(2026, 5, 31)),
        ],
    )
    def test_add_months_clamps_the_day(self, d, n, expected):
        assert add_months(d, n) == expected

    @given(dates, st.integers(min_value=-120, max_value=120))
    def test_add_months_lands_in_the_target_month(self, d, n):
        result = add_months(d, n)
        assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
        assert result.day == min(d.day, end_of_month(result).day)

    def test_add_calendar_days(self):
        assert add_calendar_days(date(2026, 1, 31), 60) == date(2026, 4, 1)
        assert add_calendar_days(date(2026, 1, 1), -1) == date(2025, 12, 31)

    @pytest.mark.parametrize(
        ("year", "month", "weekday", "n", "expected"),
        [
            (2026, 12, TUESDAY, 2, date(2026, 12, 8)),
            (2026, 11, TUESDAY, 2, date(2026, 11, 10)),
            (2026, 12, TUESDAY, 1, date(2026, 12, 1)),
            (2026, 11, SUNDAY, 5, date(2026, 11, 29)),
            (2026, 11, MONDAY, -1, date(2026, 11, 30)),
            (2026, 12, TUESDAY, -1, date(2026, 12, 29)),
        ],
    )
    def test_nth_weekday_of_month(self, year, month, weekday, n, expected):
        assert nth_weekday_of_month(year, month, weekday, n) == expected

    @pytest.mark.parametrize(
        ("weekday", "n"), [(MONDAY, 5), (TUESDAY, 0), (TUESDAY, 6), (7, 1), (-1, 1)]
    )
    def test_nth_weekday_of_month_refuses_impossible(self, weekday, n):
        with pytest.raises(ValueError):
            nth_weekday_of_month(2026, 12, weekday, n)  # December 2026 has four Mondays


class TestConsumerPeriod:
    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            # DOMAIN-NOTES 6.5 vectors (14 days, O17)
            (date(2026, 4, 27), date(2026, 5, 11)),
            (date(2026, 4, 24), date(2026, 5, 11)),  # day 14 = Fri 8 May (holiday)
            (date(2026, 4, 30), date(2026, 5, 15)),  # day 14 = Thu 14 May (Ascension)
            (date(2026, 12, 11), date(2026, 12, 28)),  # day 14 = Fri 25 Dec
            (date(2026, 7, 31), date(2026, 8, 14)),
        ],
    )
    def test_withdrawal_examples(self, received, expected):
        assert consumer_period_end(received, 14) == expected

    def test_saturday_end_moves_to_monday(self):
        # Sat 28 Nov 2026 is day 14 after Sat 14 Nov: a working day, yet the period moves on.
        assert consumer_period_end(date(2026, 11, 14), 14) == date(2026, 11, 30)

    def test_monday_holiday_after_weekend(self):
        # day 14 = Sat 23 May 2026 → Sun → Whit Monday 25 May → Tue 26 May
        assert consumer_period_end(date(2026, 5, 9), 14) == date(2026, 5, 26)

    @given(dates, st.integers(min_value=0, max_value=400))
    def test_never_ends_on_a_weekend_or_holiday(self, start, days):
        end = consumer_period_end(start, days)
        assert is_business_day(end)
        assert end >= start + timedelta(days=days)
        assert end - (start + timedelta(days=days)) <= timedelta(days=5)


class TestMisc:
    def test_next_business_day_from(self):
        assert next_business_day_from(date(2026, 11, 20)) == date(2026, 11, 20)
        assert next_business_day_from(date(2026, 11, 21)) == date(2026, 11, 23)
        assert next_business_day_from(date(2026, 12, 25)) == date(2026, 12, 28)

    def test_end_of_day_in_paris(self):
        at = end_of_day(date(2026, 12, 30))
        assert at == datetime(2026, 12, 30, 23, 59, 59, 999999, tzinfo=PARIS)
        assert at.utcoffset() == timedelta(hours=1)
