"""Scalar types and the base model of the terms schema: decimals, counts, clauses, delays."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict

# --------------------------------------------------------------------------------------------
# Scalar types
# --------------------------------------------------------------------------------------------


def _to_decimal(value: Any) -> Any:
    """Accept str, int and TOML floats (through ``str()``, never binary float arithmetic)."""
    if isinstance(value, bool):
        raise ValueError("expected a decimal number, not a boolean")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("expected a finite decimal number")
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a decimal number") from None
        if not number.is_finite():
            raise ValueError("expected a finite decimal number")
        return number
    return value


Dec = Annotated[Decimal, BeforeValidator(_to_decimal)]
"""Any decimal (may be negative): only for signed quantities."""
Amount = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, decimal_places=2)]
"""A money amount in euros, >= 0, at most two decimals."""
Percent = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=100, decimal_places=4)]
"""A percentage: ``"1.5"`` means 1.5 %."""
Multiplier = Annotated[Decimal, BeforeValidator(_to_decimal), Field(gt=0, decimal_places=4)]
Count = Annotated[int, Strict(), Field(ge=0)]
PositiveCount = Annotated[int, Strict(), Field(gt=0)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=50)]
Text = Annotated[str, Field(max_length=4000)]

PaymentMethod = Literal[
    "card", "sepa_debit", "transfer", "lcr", "pay_by_invoice", "paypal", "financing_partner", "tip"
]
DelayUnit = Literal[
    "calendar_days",  # jours calendaires
    "business_days",  # jours ouvrés: Mon–Fri minus French public holidays
    "working_days",  # jours ouvrables: Mon–Sat minus French public holidays
    "days_from_next_day",  # counted from the day after the event, ends at the end of the last day
    "business_hours",  # heures ouvrées (e.g. 48 h ouvrées)
    "hours",
    "weeks",
    "months",
]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DefinedIn = Literal["terms", "buyer_contract"]
"""Where a figure is set: in these terms, or per buyer in its contract (C5)."""


class Model(BaseModel):
    """Base of every terms model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Clause(Model):
    """The seller's own wording for a rule: its article and a short quote."""

    article: Annotated[str, Field(min_length=1, max_length=120)]
    text: Text = ""

    def __str__(self) -> str:
        return f"{self.article} — {self.text}" if self.text else self.article


class Flag(Model):
    """A provision that is on or off, with the clause that states it."""

    enabled: bool = True
    clause: Clause | None = None


class Delay(Model):
    """A duration: ``{amount = 2, unit = "business_days"}``."""

    amount: Count
    unit: DelayUnit = "calendar_days"

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"
