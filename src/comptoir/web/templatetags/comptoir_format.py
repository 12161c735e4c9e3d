"""Formatting filters: money and numbers in the page's language (Babel through core.money)."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils.translation import gettext, gettext_lazy, ngettext

from comptoir.core.i18n import format_money_active

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    return format_money_active(Decimal(amount))


@register.filter
def days_left(due: date | None, today: date) -> str:
    """What remains of a deadline that ends with the day `due` (inclusive), counted from the
    platform's `today` (the clock a demo moves forward), not from the server's date."""
    if due is None:
        return ""
    left = (due - today).days
    if left < 0:
        return gettext("deadline passed")
    if left == 0:
        return gettext("last day")
    return ngettext("%(n)s day left", "%(n)s days left", left) % {"n": left}


@register.filter
def normalize(value: Decimal) -> str:
    """20.00 → 20, 5.50 → 5.5."""
    text = format(Decimal(value).normalize(), "f")
    return text


_PERIOD_KINDS = {
    # "N kind" as stored on a contestation (F4), in the reader's language
    "calendar": lambda n: ngettext("%(n)s calendar day", "%(n)s calendar days", n),
    "from_next_day": lambda n: ngettext(
        "%(n)s day from the next day", "%(n)s days from the next day", n
    ),
    "business": lambda n: ngettext("%(n)s business day", "%(n)s business days", n),
    "working": lambda n: ngettext("%(n)s working day", "%(n)s working days", n),
    "months": lambda n: ngettext("%(n)s month", "%(n)s months", n),
}


@register.filter
def period_label(value: str) -> str:
    """'3 business' → '3 business days' / '3 jours ouvrés'; anything else as stored."""
    days, _, kind = (value or "").partition(" ")
    if not days.isdigit() or kind not in _PERIOD_KINDS:
        return value
    return _PERIOD_KINDS[kind](int(days)) % {"n": int(days)}


_CONTESTATION_STATUS = {
    "open": gettext_lazy("open"),
    "contested": gettext_lazy("contested"),
    "validated": gettext_lazy("validated"),
    "lapsed": gettext_lazy("deadline passed without contest"),
    "resolved": gettext_lazy("contest settled"),
}


@register.filter
def contestation_status(value: str) -> str:
    """The status of a contestation (F4, F5) in the reader's language."""
    return str(_CONTESTATION_STATUS.get(value, value))
