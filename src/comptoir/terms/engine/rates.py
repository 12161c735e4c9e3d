"""Rate tables for the pure code: the protocol the engine needs, and the published fallback.

The engine and ``interest`` take any object with the three methods of ``RateSource`` — in practice
``comptoir.core.rates.RateTables``: loaded from the database by
``comptoir.core.queries.rate_table_snapshot()`` in production, or ``RateTables.published()``
(DOMAIN-NOTES 1.3, the one constant kept in ``core.rates``) for tests, benchmarks and tools that run
without a database. Rates are percentages (``Decimal("2.15")`` means 2.15 % a year).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from comptoir.core.rates import RateTables


class RateSource(Protocol):
    def legal_rate_on(self, d: date) -> Decimal: ...

    def ecb_rate_on(self, d: date) -> Decimal: ...

    def ecb_reference_rate_for_half_year(self, d: date) -> Decimal: ...


FALLBACK_RATES: RateTables = RateTables.published()
"""The published rates of DOMAIN-NOTES 1.3 (no database)."""
