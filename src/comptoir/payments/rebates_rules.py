"""Pure rules of rebates (PT13 [003 §8]) and of the late-payment costs set against them (PT11
[001 §5]): periods, tiers, the rebatable turnover, what is earned, offset and due.

No database here: `services/rebates.py` feeds these functions plain values and acts on the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.money import format_money
from comptoir.payments.rules import is_cents

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

ON_TIME = "all_invoices_paid_on_time"
PERIOD_MONTHS = {"quarter": 3, "half_year": 6, "year": 12}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------------------ periods


def period_valid(start: date, period: str = "quarter") -> bool:
    """`start` is the first day of a calendar period (a quarter: 1 Jan, 1 Apr, 1 Jul, 1 Oct),
    of a period that ends in the calendar (not past the year 9999)."""
    return (
        start.day == 1
        and (start.month - 1) % PERIOD_MONTHS[period] == 0
        and start.year + (start.month - 1 + PERIOD_MONTHS[period]) // 12 <= date.max.year
    )


def period_end(start: date, period: str = "quarter") -> date:
    """The last day of the period starting on `start`."""
    months = start.month - 1 + PERIOD_MONTHS[period]
    return date(start.year + months // 12, months % 12 + 1, 1) - timedelta(days=1)


def period_label(start: date, period: str = "quarter") -> str:
    """ "2026T3" for the third quarter of 2026 (trimestre), "2026S2" for a half-year, "2026"."""
    if period == "quarter":
        return f"{start.year}T{(start.month - 1) // 3 + 1}"
    if period == "half_year":
        return f"{start.year}S{(start.month - 1) // 6 + 1}"
    return str(start.year)


# ------------------------------------------------------------------------------ tiers


@dataclass(frozen=True, slots=True)
class Tier:
    """From `threshold` of rebatable turnover (excl. VAT), `percent` of that turnover."""

    threshold: Decimal
    percent: Decimal

    def as_dict(self) -> dict[str, str]:
        return {"threshold": str(self.threshold), "percent": str(self.percent)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tier:
        return cls(Decimal(str(data["threshold"])), Decimal(str(data["percent"])))


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, float):  # money is never a float
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def tiers_check(tiers: Iterable[Tier | tuple[Any, Any]]) -> list[Tier]:
    """The tiers validated and sorted by threshold (PT13): at least one; thresholds in cents,
    ≥ 0 and unique; percents in (0, 100] with at most two decimals, rising with the threshold
    (a higher tier never gives less)."""
    out: list[Tier] = []
    for i, tier in enumerate(tiers):
        raw_threshold, raw_percent = (
            (tier.threshold, tier.percent) if isinstance(tier, Tier) else tier
        )
        threshold, percent = _decimal(raw_threshold), _decimal(raw_percent)
        if threshold is None or threshold < 0 or not is_cents(threshold):
            raise DomainError(
                code="invalid_threshold",
                message=_("A threshold is an amount excl. VAT in euros and cents, 0 or more."),
                field=f"tiers.{i}.threshold",
                rule="PT13",
            )
        if percent is None or not ZERO < percent <= HUNDRED or not is_cents(percent):
            raise DomainError(
                code="invalid_percent",
                message=_("A percent is more than 0 and at most 100, with at most two decimals."),
                field=f"tiers.{i}.percent",
                rule="PT13",
            )
        out.append(Tier(cents(threshold), percent))
    if not out:
        raise DomainError(
            code="required",
            message=_("At least one tier is needed."),
            field="tiers",
            rule="PT13",
        )
    thresholds = [t.threshold for t in out]
    if len(set(thresholds)) != len(thresholds):
        raise DomainError(
            code="duplicate_threshold",
            message=_("Each threshold appears once."),
            field="tiers",
            rule="PT13",
        )
    out.sort(key=lambda t: t.threshold)
    for lower, higher in zip(out, out[1:], strict=False):
        if higher.percent < lower.percent:
            raise DomainError(
                code="invalid_tiers",
                message=_("A higher threshold cannot give a lower percent."),
                field="tiers",
                rule="PT13",
            )
    return out


def rebate_percent(turnover: Decimal, tiers: Sequence[Tier | tuple[Decimal, Decimal]]) -> Decimal:
    """The percent of the highest tier whose threshold `turnover` reaches; 0 when none."""
    best: Tier | None = None
    for tier in tiers:
        t = tier if isinstance(tier, Tier) else Tier(*tier)
        if t.threshold <= turnover and (best is None or t.threshold > best.threshold):
            best = t
    return best.percent if best is not None else Decimal(0)


# ------------------------------------------------------------------------------ settlement


@dataclass(frozen=True, slots=True)
class Sale:
    """An invoice or a credit note of the period, as the rebate sees it."""

    reference: str
    base: Decimal
    """Excl. VAT, the French VAT-able part only when the terms say so (003 §8); else the total."""
    credit_note: bool = False
    collected: bool = True
    """Invoice: nothing left open on it. Credit note: the invoice it credits was collected."""
    late: bool = False
    """Invoice: settled after its due date, or still open after it."""
    pending: bool = False
    """Invoice: still open and not yet due, so the period cannot be judged yet."""


@dataclass(frozen=True, slots=True)
class RebateResult:
    turnover: Decimal
    percent: Decimal
    earned: Decimal
    offset: Decimal
    due: Decimal
    forfeited: bool
    reason: str  # in French, as stored (the record)
    reason_en: str = ""


def rebatable_turnover(sales: Iterable[Sale]) -> Decimal:
    """PT13: invoiced *and collected* excl. VAT, net of credit notes (discounts, take-backs,
    price or quantity disputes [003 §1]); never below 0."""
    invoiced = sum((s.base for s in sales if not s.credit_note and s.collected), ZERO)
    credited = sum((s.base for s in sales if s.credit_note and s.collected), ZERO)
    return max(ZERO, cents(invoiced - credited))


def rebate_offset(earned: Decimal, charges_open: Decimal, enabled: bool) -> Decimal:
    """PT11 [001 §5]: the late-payment interest and penalties still owed are set against the
    rebate, up to the rebate."""
    if not enabled or earned <= 0 or charges_open <= 0:
        return ZERO
    return min(earned, charges_open)


def _cite(rule: str, clause: str) -> str:
    return f"{rule} {clause}".strip()


def rebate_compute(
    *,
    sales: Sequence[Sale],
    tiers: Sequence[Tier],
    condition: str = ON_TIME,
    charges_open: Decimal = ZERO,
    offsets: bool = False,
    clause: str = "",
    offset_clause: str = "",
) -> RebateResult | None:
    """What the period gives, or None while it cannot be judged yet (an invoice still open and
    not yet due: whether it is paid on time, and collected, is not known).

    Forfeited when any invoice of the period was not paid on its due date (PT13 [003 §8]);
    otherwise earned = percent of the tier reached × rebatable turnover, minus the offset."""
    turnover = rebatable_turnover(sales)
    percent = rebate_percent(turnover, tiers)
    late = [s.reference for s in sales if not s.credit_note and s.late]
    if condition == ON_TIME and late:
        listed = ", ".join(late[:5]) + (" …" if len(late) > 5 else "")
        return RebateResult(
            turnover=turnover,
            percent=percent,
            earned=ZERO,
            offset=ZERO,
            due=ZERO,
            forfeited=True,
            reason=(
                f"Ristourne perdue : facture(s) {listed} non payée(s) à l'échéance "
                f"({_cite('PT13', clause)})"
            )[:300],
            reason_en=(
                f"Rebate forfeited: invoice(s) {listed} not paid on the due date "
                f"({_cite('PT13', clause)})"
            )[:300],
        )
    if any(s.pending for s in sales if not s.credit_note):
        return None
    earned = cents(turnover * percent / HUNDRED)
    offset = rebate_offset(earned, charges_open, offsets)
    cited = _cite("PT11", offset_clause)
    reason = (
        f"Intérêts et pénalités de retard imputés : {format_money(offset)} ({cited})"
        if offset
        else ""
    )
    reason_en = (
        f"Late-payment interest and penalties set off: {format_money(offset, 'en')} ({cited})"
        if offset
        else ""
    )
    return RebateResult(
        turnover=turnover,
        percent=percent,
        earned=earned,
        offset=offset,
        due=earned - offset,
        forfeited=False,
        reason=reason,
        reason_en=reason_en,
    )
