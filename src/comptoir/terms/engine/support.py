"""Calendar and money helpers used by the terms engine.

Calendar functions come from ``comptoir.core.calendar`` (French holidays, business days);
``quantize`` is a local, allocation-free copy of ``core.money.quantize`` (half-up to the cent)
because it runs in the engine's hot loops; ``allocate_equal`` delegates to ``core.money.allocate``.
Pure Python: no Django import.
"""

from __future__ import annotations

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
    "add_months",
    "add_working_days",
    "allocate",
    "allocate_equal",
    "end_of_month",
    "eur_en",
    "eur_fr",
    "is_business_day",
    "is_holiday",
    "nth_weekday_of_month",
    "pct",
    "quantize",
]
