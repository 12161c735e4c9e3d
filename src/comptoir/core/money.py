"""Money: Decimal helpers, rounding, allocation and formatting.

Pure Python (no Django). Amounts are `Decimal`, never float (ARCHITECTURE principle 6). Rounding is
`ROUND_HALF_UP` to the cent at the points DOMAIN-NOTES 7.2 defines (rule I4): a line's net amount,
the VAT of each rate on that rate's base (BR-CO-17), the totals. Rates are percentages:
`Decimal("20")` is 20 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency as _babel_format_currency
from babel.numbers import format_decimal as _babel_format_decimal

__all__ = [
    "CENT",
    "HUNDRED",
    "ZERO",
    "allocate",
    "format_date",
    "format_money",
    "format_rate",
    "percent",
    "quantize",
    "to_decimal",
    "vat_amount",
]

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

#: Babel locale used for each interface language of Comptoir.
_LOCALES = {"fr": "fr_FR", "en": "en"}

DecimalLike = Decimal | int | str


def to_decimal(value: DecimalLike) -> Decimal:
    """Convert `value` to a finite `Decimal`.

    Accepts `Decimal`, `int` and `str` ("12.50", surrounding spaces allowed). Refuses `float`
    (and `bool`) with `TypeError`: a float has already lost the cents. Raises `ValueError` for a
    string that is not a number and for NaN or infinities.
    """
    if isinstance(value, bool | float):
        raise TypeError(f"money must not be a {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal number: {value!r}") from exc
    else:
        raise TypeError(f"cannot convert {type(value).__name__} to Decimal: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def quantize(amount: DecimalLike, places: Decimal = CENT, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round `amount` to `places` (default: the cent, half-up — DOMAIN-NOTES 7.2)."""
    return to_decimal(amount).quantize(places, rounding=rounding)


def percent(amount: DecimalLike, rate_percent: DecimalLike) -> Decimal:
    """`rate_percent` % of `amount`, rounded half-up to the cent (e.g. a 2 % discount)."""
    return quantize(to_decimal(amount) * to_decimal(rate_percent) / HUNDRED)


def vat_amount(base: DecimalLike, rate: DecimalLike) -> Decimal:
    """The VAT on a per-rate taxable base: `round_half_up(base × rate / 100, 2)`.

    Compute it once per VAT rate on the summed base (BR-CO-17, DOMAIN-NOTES 7.2, rule I4), never as
    a sum of per-line rounded amounts: 3 × 10.33 at 20 % gives 6.20, not 3 × 2.07 = 6.21.
    """
    return percent(base, rate)


def allocate(total: DecimalLike, weights: Sequence[DecimalLike]) -> list[Decimal]:
    """Split `total` into parts proportional to `weights`, in cents, summing exactly to `total`.

    Largest-remainder method: each part first gets its share rounded down to the cent; the cents
    left over go one by one to the parts with the largest remainders (ties: the earlier part).
    A negative total is split like its absolute value, then negated. `total` must already be in
    cents; weights must be non-negative with a positive sum. Used for order discounts, shipping,
    commissions and payout fees (STYLE §8.8).
    """
    amount = to_decimal(total)
    if amount != amount.quantize(CENT):
        raise ValueError(f"total must be a whole number of cents: {amount}")
    if not weights:
        raise ValueError("allocate needs at least one weight")
    fractions = [Fraction(to_decimal(w)) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0:
        raise ValueError("the weights must not all be zero")

    cents = int(amount / CENT)
    sign = -1 if cents < 0 else 1
    cents = abs(cents)
    exact = [Fraction(cents) * w / weight_sum for w in fractions]
    floors = [int(share) for share in exact]  # shares are >= 0, so int() is floor
    left = cents - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [sign * Decimal(part) * CENT for part in floors]


def _locale(lang: str) -> str:
    try:
        return _LOCALES[lang]
    except KeyError:
        expected = sorted(_LOCALES)
        raise ValueError(f"unsupported language {lang!r}; expected one of {expected}") from None


def format_money(amount: DecimalLike, lang: str = "fr", currency: str = "EUR") -> str:
    """Format an amount for people with Babel, rounded half-up to the cent.

    fr: "1 234,50 €" (Babel's narrow no-break space U+202F between thousands and a no-break space
    U+00A0 before the sign); en: "€1,234.50".
    """
    return _formatted(str(quantize(amount)), _locale(lang), currency)


@lru_cache(maxsize=8192)
def _formatted(amount: str, locale: str, currency: str) -> str:
    # Babel's pattern work costs about 30 µs an amount; a page of prices repeats them
    return _babel_format_currency(Decimal(amount), currency, locale=locale)


def format_number(value: Decimal, lang: str = "fr") -> str:
    """A number without its trailing zeros: fr "5,5", en "5.5"."""
    return str(
        _babel_format_decimal(value.normalize(), locale=_locale(lang), decimal_quantization=False)
    )


def format_rate(rate: Decimal, lang: str = "fr") -> str:
    """A percentage without its trailing zeros: fr "5,5 %", en "5.5 %"."""
    return f"{format_number(rate, lang)} %"


def format_date(d: date, lang: str = "fr", format: str = "long") -> str:
    """Format a date with Babel: fr long "22 novembre 2026", short "22/11/2026";
    en long "November 22, 2026"."""
    return _babel_format_date(d, format=format, locale=_locale(lang))
