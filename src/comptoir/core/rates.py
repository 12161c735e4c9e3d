"""Rate tables for pure code: the French legal interest rate and the ECB main refinancing rate.

Pure Python (no Django at module level). The database tables (`core.models.LegalInterestRate`,
`core.models.ECBRate`, edited by the operator in the admin) are loaded into a frozen `RateTables` by
`comptoir.core.queries.rate_table_snapshot()`; the late-payment maths (rule PT11, C. com. L441-10,
DOMAIN-NOTES 1.3–1.4) then runs on the snapshot without touching the database.

Rates are percentages a year: `Decimal("2.15")` means 2.15 %. Both tables are step functions: a
rate applies from its start date until the next row's start date. A date before the first row
raises `DomainError(code="rate_missing")`. After the last row the last rate stays in force; for the
legal rate, which is published per half-year, `legal_until` records the last day the table covers
and `is_legal_rate_published(d)` tells whether the figure for `d` is known or carried forward.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError

__all__ = ["PUBLISHED_ECB_RATES", "PUBLISHED_LEGAL_RATES", "RateTables", "half_year_start"]

RateRow = tuple[date, Decimal]

#: ECB main refinancing operations rate, (date it takes effect, %), DOMAIN-NOTES 1.3. The first row
#: is the rate in force on 1 January 2023 (set on 21 Dec 2022). Held at 2.15 through the meeting of
#: 5 Feb 2026; a June 2026 change is unconfirmed and not seeded (DOMAIN-NOTES 9.2).
PUBLISHED_ECB_RATES: tuple[RateRow, ...] = tuple(
    (date.fromisoformat(d), Decimal(r))
    for d, r in (
        ("2022-12-21", "2.50"),
        ("2023-02-08", "3.00"),
        ("2023-03-22", "3.50"),
        ("2023-05-10", "3.75"),
        ("2023-06-21", "4.00"),
        ("2023-08-02", "4.25"),
        ("2023-09-20", "4.50"),
        ("2024-06-12", "4.25"),
        ("2024-09-18", "3.65"),
        ("2024-10-23", "3.40"),
        ("2024-12-18", "3.15"),
        ("2025-02-05", "2.90"),
        ("2025-03-12", "2.65"),
        ("2025-04-23", "2.40"),
        ("2025-06-11", "2.15"),
    )
)

#: French legal interest rate, creditor a professional ("tous les autres cas"), per half-year:
#: (first day, last day, %), DOMAIN-NOTES 1.3. 2026 H2 is not in the notes (DOMAIN-NOTES 9.1).
PUBLISHED_LEGAL_RATES: tuple[tuple[date, date, Decimal], ...] = tuple(
    (date.fromisoformat(start), date.fromisoformat(end), Decimal(r))
    for start, end, r in (
        ("2023-01-01", "2023-06-30", "2.06"),
        ("2023-07-01", "2023-12-31", "4.22"),
        ("2024-01-01", "2024-06-30", "5.07"),
        ("2024-07-01", "2024-12-31", "4.92"),
        ("2025-01-01", "2025-06-30", "3.71"),
        ("2025-07-01", "2025-12-31", "2.76"),
        ("2026-01-01", "2026-06-30", "2.62"),
    )
)


def half_year_start(d: date) -> date:
    """1 January or 1 July of `d`'s half-year."""
    return date(d.year, 1 if d.month <= 6 else 7, 1)


def _check_sorted(name: str, rows: tuple[RateRow, ...]) -> None:
    if not all(isinstance(d, date) and isinstance(r, Decimal) for d, r in rows):
        raise TypeError(f"{name} rates must be (date, Decimal) pairs")
    for (before, _before_rate), (after, _after_rate) in zip(rows, rows[1:], strict=False):
        if not before < after:
            raise ValueError(f"{name} rates must be sorted by strictly increasing start date")


def _lookup(name: str, rows: tuple[RateRow, ...], starts: tuple[date, ...], d: date) -> Decimal:
    i = bisect.bisect_right(starts, d) - 1
    if i < 0:
        first = starts[0].isoformat() if starts else _("no row")
        missing = {
            "legal interest": _(
                "No legal interest rate is recorded for %(date)s (table starts: %(first)s). "
                "An operator adds it in the admin."
            ),
            "ECB": _(
                "No ECB rate is recorded for %(date)s (table starts: %(first)s). "
                "An operator adds it in the admin."
            ),
        }
        raise DomainError(
            code="rate_missing",
            message=missing[name] % {"date": d.isoformat(), "first": first},
            rule="PT11",
            details={"table": name, "date": d.isoformat()},
        )
    return rows[i][1]


@dataclass(frozen=True)
class RateTables:
    """A snapshot of both rate tables: sorted `(valid_from, rate %)` tuples, pure lookups.

    `legal_until` is the last day covered by a published legal rate (None: open-ended).
    """

    legal: tuple[RateRow, ...]
    ecb: tuple[RateRow, ...]
    legal_until: date | None = None
    _legal_starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _ecb_starts: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_sorted("legal interest", self.legal)
        _check_sorted("ECB", self.ecb)
        # Frozen dataclass: the bisect keys are computed once, here.
        object.__setattr__(self, "_legal_starts", tuple(row[0] for row in self.legal))
        object.__setattr__(self, "_ecb_starts", tuple(row[0] for row in self.ecb))

    def legal_rate_on(self, d: date) -> Decimal:
        """The legal interest rate (creditor a professional) in force on `d`, in %.

        Used for contractual late-payment floors (3 × the legal rate, L441-10 II) and clauses such
        as "3 × the legal rate in force on the invoice date" (PT11).
        """
        return _lookup("legal interest", self.legal, self._legal_starts, d)

    def is_legal_rate_published(self, d: date) -> bool:
        """False when `d` is after `legal_until`: `legal_rate_on` then carries the last rate."""
        return self.legal_until is None or d <= self.legal_until

    def ecb_rate_on(self, d: date) -> Decimal:
        """The ECB main refinancing operations rate in force on `d`, in %."""
        return _lookup("ECB", self.ecb, self._ecb_starts, d)

    def ecb_reference_rate_for_half_year(self, d: date) -> Decimal:
        """The ECB rate of reference for `d`'s half-year (C. com. L441-10 II): the rate in force
        on 1 January for days of January–June, on 1 July for days of July–December."""
        return self.ecb_rate_on(half_year_start(d))

    @classmethod
    def published(cls) -> RateTables:
        """The tables as published in DOMAIN-NOTES 1.3 (the seed data): for tests and tools that
        run without a database. Production code reads the database snapshot."""
        return cls(
            legal=tuple((start, rate) for start, _end, rate in PUBLISHED_LEGAL_RATES),
            ecb=PUBLISHED_ECB_RATES,
            legal_until=PUBLISHED_LEGAL_RATES[-1][1],
        )
