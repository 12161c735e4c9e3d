"""Formatting for the language of the current request or task (French unless English is on)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language

from comptoir.core.money import DecimalLike, format_money, format_number, format_rate


def active_lang() -> str:
    """English ("en") when it is active, else French ("fr"): the two interface languages."""
    return "en" if (get_language() or "fr")[:2] == "en" else "fr"


def format_money_active(amount: DecimalLike) -> str:
    """An amount as the reader's language writes it: "1 234,50 €" or "€1,234.50"."""
    return format_money(amount, active_lang())


def format_rate_active(rate: Decimal) -> str:
    """A percentage as the reader's language writes it: "5,5 %" or "5.5 %"."""
    return format_rate(rate, active_lang())


def format_number_active(value: Decimal | None) -> str:
    """A number without its trailing zeros, as the reader's language writes it: "2,5" or "2.5"."""
    return format_number(value, active_lang()) if value is not None else ""
