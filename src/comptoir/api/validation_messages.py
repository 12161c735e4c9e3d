"""The API's input errors in the reader's language.

django-ninja validates bodies and query strings with pydantic, whose messages are English only
("Input should be a valid integer"). Each error has a stable `type` and its limits in `ctx`; the
common ones are said here in the request's language, the others keep pydantic's text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

Say = Callable[[Mapping[str, Any]], str]


def _fixed(text: Callable[[], str]) -> Say:
    return lambda ctx: text()


def _one_of(ctx: Mapping[str, Any]) -> str:
    """pydantic lists the values as "'a', 'b' or 'c'": its last "or" in the reader's language."""
    values = str(ctx.get("expected", ""))
    alternative = pgettext("the last of a list of values", "or")
    return _("One of: %(values)s.") % {"values": values.replace("' or '", f"' {alternative} '")}


MESSAGES: dict[str, Say] = {
    "missing": _fixed(lambda: _("This field is required.")),
    "int_parsing": _fixed(lambda: _("A whole number is expected.")),
    "int_type": _fixed(lambda: _("A whole number is expected.")),
    "int_from_float": _fixed(lambda: _("A whole number is expected.")),
    "decimal_parsing": _fixed(lambda: _("A number is expected.")),
    "decimal_type": _fixed(lambda: _("A number is expected.")),
    "float_parsing": _fixed(lambda: _("A number is expected.")),
    "float_type": _fixed(lambda: _("A number is expected.")),
    "finite_number": _fixed(lambda: _("A finite number is expected.")),
    "bool_parsing": _fixed(lambda: _("true or false is expected.")),
    "bool_type": _fixed(lambda: _("true or false is expected.")),
    "string_type": _fixed(lambda: _("A text is expected.")),
    "string_pattern_mismatch": _fixed(lambda: _("This value does not have the expected form.")),
    "date_parsing": _fixed(lambda: _("A date is expected (YYYY-MM-DD).")),
    "date_type": _fixed(lambda: _("A date is expected (YYYY-MM-DD).")),
    "date_from_datetime_parsing": _fixed(lambda: _("A date is expected (YYYY-MM-DD).")),
    "datetime_parsing": _fixed(lambda: _("A date and time is expected (ISO 8601).")),
    "datetime_type": _fixed(lambda: _("A date and time is expected (ISO 8601).")),
    "datetime_from_date_parsing": _fixed(lambda: _("A date and time is expected (ISO 8601).")),
    "uuid_parsing": _fixed(lambda: _("A UUID is expected.")),
    "list_type": _fixed(lambda: _("A list is expected.")),
    "dict_type": _fixed(lambda: _("An object is expected.")),
    "model_type": _fixed(lambda: _("An object is expected.")),
    "model_attributes_type": _fixed(lambda: _("An object is expected.")),
    "json_invalid": _fixed(lambda: _("The body is not valid JSON.")),
    "extra_forbidden": _fixed(lambda: _("This field is not expected here.")),
    "string_too_short": lambda ctx: _("At least %(n)s characters.") % {"n": ctx.get("min_length")},
    "string_too_long": lambda ctx: _("At most %(n)s characters.") % {"n": ctx.get("max_length")},
    "too_short": lambda ctx: _("At least %(n)s items.") % {"n": ctx.get("min_length")},
    "too_long": lambda ctx: _("At most %(n)s items.") % {"n": ctx.get("max_length")},
    "greater_than_equal": lambda ctx: _("At least %(n)s.") % {"n": ctx.get("ge")},
    "greater_than": lambda ctx: _("More than %(n)s.") % {"n": ctx.get("gt")},
    "less_than_equal": lambda ctx: _("At most %(n)s.") % {"n": ctx.get("le")},
    "less_than": lambda ctx: _("Less than %(n)s.") % {"n": ctx.get("lt")},
    "literal_error": _one_of,
    "enum": _one_of,
    "decimal_max_places": lambda ctx: (
        _("At most %(n)s decimal places.") % {"n": ctx.get("decimal_places")}
    ),
    "decimal_max_digits": lambda ctx: _("At most %(n)s digits.") % {"n": ctx.get("max_digits")},
    "decimal_whole_digits": lambda ctx: (
        _("At most %(n)s digits before the decimal point.") % {"n": ctx.get("whole_digits")}
    ),
}


def message_for(error: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence for people, in the active language."""
    say = MESSAGES.get(str(error.get("type", "")))
    if say is None:
        return str(error.get("msg") or _("Invalid value."))
    return say(error.get("ctx") or {})
