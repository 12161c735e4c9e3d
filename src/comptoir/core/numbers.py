"""Numbers typed by people, checked against the column that stores them.

PostgreSQL refuses a number its column cannot hold (numeric field overflow, integer out of range);
SQLite stores it and then fails to read it back, which breaks every page showing it. A use case
therefore checks what it stores against the model field first and answers with the field and the
rule, like any other refusal.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError

#: the largest value of an IntegerField on every database Comptoir runs on
INT_MAX = 2**31 - 1


def fits_column(value: Decimal, column: models.Field, *, field: str, rule: str) -> Decimal:
    """`value` if the DecimalField `column` holds it: at most its decimals and its digits."""
    assert isinstance(column, models.DecimalField)
    assert column.max_digits is not None and column.decimal_places is not None
    return fits_decimal(
        value, digits=column.max_digits, places=column.decimal_places, field=field, rule=rule
    )


def fits_decimal(value: Decimal, *, digits: int, places: int, field: str, rule: str) -> Decimal:
    """`value` if it has at most `places` decimals and `digits` digits in all."""
    if not value.is_finite():
        raise DomainError("invalid_number", _("Invalid number."), field, rule)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise DomainError(
            "too_many_decimals",
            ngettext("At most %(places)s decimal.", "At most %(places)s decimals.", places)
            % {"places": places},
            field,
            rule,
            details={"decimal_places": places},
        )
    limit = Decimal(10) ** (digits - places)
    if abs(value) >= limit:
        raise DomainError(
            "number_too_large",
            _("Too large (below %(limit)s).") % {"limit": f"{limit:,}".replace(",", " ")},
            field,
            rule,
            details={"below": str(limit)},
        )
    return value


def fits_int(value: int, *, field: str, rule: str, maximum: int = INT_MAX) -> int:
    """`value` if an IntegerField holds it."""
    if abs(value) > maximum:
        raise DomainError(
            "number_too_large",
            _("Too large (at most %(maximum)s).") % {"maximum": maximum},
            field,
            rule,
            details={"maximum": maximum},
        )
    return value
