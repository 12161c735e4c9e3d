"""Formatting filters: money and numbers in the page's language (Babel through core.money)."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from comptoir.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    lang = (get_language() or "fr")[:2]
    return format_money(Decimal(amount), lang="en" if lang == "en" else "fr")


@register.filter
def normalize(value: Decimal) -> str:
    """20.00 → 20, 5.50 → 5.5."""
    text = format(Decimal(value).normalize(), "f")
    return text
