"""The business calendar: French public holidays, business and working days, month arithmetic.

Pure Python (no Django). Vocabulary (DOMAIN-NOTES 6.3, rule N2):

- business day, *jour ouvré*: Monday to Friday, not a public holiday;
- working day, *jour ouvrable*: Monday to Saturday, not a public holiday;
- calendar day, *jour calendaire*: every day.

Holidays are those of metropolitan France from the `holidays` package (DOMAIN-NOTES 6.2), computed
once per year and cached. Alsace-Moselle and overseas departments have extra days that are not
applied here.

Every deadline function returns the *date* on whose end (23:59:59 Europe/Paris) the period closes;
`end_of_day` turns it into the instant to store in a `*_due_at` column.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime, time, timedelta
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "PARIS",
    "add_business_days",
    "add_calendar_days",
    "add_months",
    "add_working_days",
    "business_days_between",
    "consumer_period_end",
    "contestation_deadline_end",
    "end_of_day",
    "end_of_month",
    "french_holidays",
    "holiday_name",
    "is_business_day",
    "is_holiday",
    "is_working_day",
    "next_business_day_from",
    "nth_weekday_of_month",
]

PARIS = ZoneInfo("Europe/Paris")
_ONE_DAY = timedelta(days=1)


@cache
def french_holidays(year: int) -> MappingProxyType[date, str]:
    """Public holidays of metropolitan France in `year`, date → French name (read-only, cached)."""
    return MappingProxyType(dict(holidays.France(years=year, language="fr")))


def is_holiday(d: date) -> bool:
    """True on a French public holiday (1 Jan, Easter Monday, 1 May, 8 May, Ascension, …)."""
    return d in french_holidays(d.year)


def holiday_name(d: date) -> str | None:
    """The French name of the holiday on `d` ("Lundi de Pentecôte"), or None."""
    return french_holidays(d.year).get(d)


def is_business_day(d: date) -> bool:
    """Jour ouvré: Monday to Friday and not a public holiday (N2)."""
    return d.weekday() < 5 and not is_holiday(d)


def is_working_day(d: date) -> bool:
    """Jour ouvrable: Monday to Saturday and not a public holiday."""
    return d.weekday() < 6 and not is_holiday(d)


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"the number of days must not be negative: {n}")


def add_business_days(d: date, n: int) -> date:
    """The n-th business day strictly after `d` (`d` itself is not counted); `n = 0` returns `d`.

    DOMAIN-NOTES 6.4: 3 business days after Thu 24 Dec 2026 is Wed 30 Dec 2026.
    """
    _check_count(n)
    counted = 0
    while counted < n:
        d += _ONE_DAY
        if is_business_day(d):
            counted += 1
    return d


def add_working_days(d: date, n: int) -> date:
    """The n-th working day (jour ouvrable, Mon–Sat) strictly after `d`; `n = 0` returns `d`."""
    _check_count(n)
    counted = 0
    while counted < n:
        d += _ONE_DAY
        if is_working_day(d):
            counted += 1
    return d


def add_calendar_days(d: date, n: int) -> date:
    """`d` plus `n` calendar days (`n` may be negative)."""
    return d + timedelta(days=n)


def business_days_between(a: date, b: date) -> int:
    """How many business days lie in the interval (a, b]; negative when b is before a.

    The inverse of `add_business_days`: `business_days_between(d, add_business_days(d, n)) == n`.
    """
    if b < a:
        return -business_days_between(b, a)
    count = 0
    d = a
    while d < b:
        d += _ONE_DAY
        if is_business_day(d):
            count += 1
    return count


def next_business_day_from(d: date) -> date:
    """`d` if it is a business day, else the first business day after it."""
    while not is_business_day(d):
        d += _ONE_DAY
    return d


def end_of_month(d: date) -> date:
    """The last day of `d`'s month ("fin de mois")."""
    return date(d.year, d.month, _stdlib_calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """`d` moved by `n` months (`n` may be negative), the day clamped to the target month's length:
    31 Jan + 1 month = 28 Feb (29 in a leap year)."""
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def nth_weekday_of_month(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday … 6 = Sunday) of a month; `n = -1` gives the last one.

    The second Tuesday of December 2026 is 8 Dec 2026. Raises `ValueError` when the month has no
    such day (e.g. a fifth Monday).
    """
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday): {weekday}")
    if n == -1:
        last = end_of_month(date(year, month, 1))
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= n <= 5:
        raise ValueError(f"n must be 1 to 5, or -1 for the last: {n}")
    first = date(year, month, 1)
    result = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    if result.month != month:
        raise ValueError(f"there is no weekday #{n} of {weekday} in {year}-{month:02d}")
    return result


def consumer_period_end(start: date, days: int) -> date:
    """The last day of a consumer period of `days` days from the event on `start` (O17).

    Reg. (EEC, Euratom) 1182/71 art. 3 and C. consommation L221-19 (DOMAIN-NOTES 6.5): the day of
    the event is not counted, the period ends at the end of its last day, and a last day falling on
    a Saturday, Sunday or public holiday moves to the next working day (Monday to Friday, not a
    holiday). Received Fri 24 Apr 2026, 14 days → day 14 is Fri 8 May (holiday) → Mon 11 May 2026.
    """
    _check_count(days)
    return next_business_day_from(start + timedelta(days=days))


def contestation_deadline_end(delivery: date, business_days: int) -> date:
    """ "N business days after the delivery date (excluded)" (F4, DOMAIN-NOTES 6.4): the date on
    whose end the contestation period closes. Delivery Tue 10 Nov 2026, 3 days → Mon 16 Nov 2026
    (11 Nov is a holiday)."""
    return add_business_days(delivery, business_days)


def end_of_day(d: date) -> datetime:
    """The last instant of `d` in Paris (23:59:59.999999), aware: what a `*_due_at` stores."""
    return datetime.combine(d, time.max, tzinfo=PARIS)
