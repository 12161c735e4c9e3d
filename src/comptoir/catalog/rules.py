"""Pure rules of the catalog: GTIN (C1), VAT conversions, tiers and promotions (C4), customer
conditions (C5). No database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import ValidationError

from comptoir.core.errors import DomainError

UNIT_PRICE_QUANT = Decimal("0.0001")
HUNDRED = Decimal("100")


def validate_gtin(value: str) -> str:
    """An EAN-8/UPC-A/EAN-13/GTIN-14 with a correct GS1 check digit (C1); returns it compact."""
    try:
        return ean.validate(value)
    except ValidationError as exc:
        raise DomainError(
            code="invalid_gtin",
            message=_("Invalid GTIN: “%(value)s” (%(reason)s).") % {"value": value, "reason": exc},
            field="gtin",
            rule="C1",
        ) from exc


def ean13(body12: str) -> str:
    """An EAN-13 from its first 12 digits, with the GS1 check digit."""
    return body12 + ean.calc_check_digit(body12)


def quantize_unit(amount: Decimal) -> Decimal:
    return amount.quantize(UNIT_PRICE_QUANT, rounding=ROUND_HALF_UP)


def excl_vat(amount: Decimal, vat_rate: Decimal) -> Decimal:
    return quantize_unit(amount * HUNDRED / (HUNDRED + vat_rate))


def incl_vat(amount: Decimal, vat_rate: Decimal) -> Decimal:
    return quantize_unit(amount * (HUNDRED + vat_rate) / HUNDRED)


def apply_discount(amount: Decimal, percent: Decimal) -> Decimal:
    return quantize_unit(amount * (HUNDRED - percent) / HUNDRED)


def in_force(valid_from: date, valid_to: date | None, at: date) -> bool:
    return valid_from <= at and (valid_to is None or at <= valid_to)


@dataclass(frozen=True)
class Tier:
    threshold: Decimal
    discount_percent: Decimal


def select_tier(tiers: Iterable[Tier], total_excl_vat: Decimal) -> Tier | None:
    """The highest tier whose threshold the order total reaches (C4)."""
    reached = [t for t in tiers if total_excl_vat >= t.threshold]
    return max(reached, key=lambda t: t.threshold, default=None)


def combined_discount(
    *, tier_percent: Decimal, promotion_percent: Decimal | None, stacks_with_tier: bool
) -> Decimal:
    """Tier and promotion (C4): a stacking promotion compounds with the tier discount; a
    non-stacking one replaces it when it is better."""
    if promotion_percent is None:
        return tier_percent
    if stacks_with_tier:
        remaining = (HUNDRED - tier_percent) * (HUNDRED - promotion_percent) / HUNDRED
        return (HUNDRED - remaining).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(tier_percent, promotion_percent)
