"""Calendar and money helpers used by the terms engine.

Calendar functions come from ``comptoir.core.calendar`` (French holidays, business days);
``quantize`` is a local, allocation-free copy of ``core.money.quantize`` (half-up to the cent)
because it runs in the engine's hot loops; ``allocate_equal`` delegates to ``core.money.allocate``.
Pure Python: no Django import.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from comptoir.core.calendar import (
    add_business_days,
    add_months,
    add_working_days,
    end_of_month,
    is_business_day,
    is_holiday,
    nth_weekday_of_month,
)
from comptoir.core.money import allocate

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")
STANDARD_VAT_RATE = Decimal("20")


def quantize(amount: Decimal) -> Decimal:
    """Round half-up to the cent (DOMAIN-NOTES 7.2)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def next_working_day(d: date) -> date:
    """Reg. 1182/71 art. 3(4): a Saturday, Sunday or holiday end moves to the next working day."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


def allocate_equal(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts to the cent that sum exactly to ``total``.

    Every part gets the floor share; the remaining cents go one each to the first parts.
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    return allocate(quantize(total), [1] * parts)


def eur_fr(amount: Decimal) -> str:
    """``1 234,50 €`` (French formatting, two decimals)."""
    s = f"{quantize(amount):,.2f}"
    return s.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def eur_en(amount: Decimal) -> str:
    """``€1,234.50``."""
    return f"€{quantize(amount):,.2f}"


def pct(value: Decimal) -> str:
    return f"{value.normalize():f} %"


__all__ = [
    "CENT",
    "HUNDRED",
    "STANDARD_VAT_RATE",
    "ZERO",
    "add_business_days",
    "add_days",
    "add_months",
    "add_working_days",
    "allocate",
    "allocate_equal",
    "end_of_month",
    "eur_en",
    "eur_fr",
    "is_business_day",
    "is_holiday",
    "next_working_day",
    "nth_weekday_of_month",
    "pct",
    "quantize",
]
