"""Due dates, cash-discount windows, instalment schedules, deferrals and financial fees (PT2, PT3).

Pure functions over ``datetime.date`` (DOMAIN-NOTES 1.2). Due dates are calendar dates and are never
shifted to a business day unless the terms ask for it.

Conventions for "N jours fin de mois" (the terms choose one):

* ``EOM_THEN_ADD`` — end of the month first, then add N days: ``eom(start) + N``
  (e.g. invoice 2026-01-15, 30 days → 2026-03-02);
* ``ADD_THEN_EOM`` — add N days, then go to the end of that month: ``eom(start + N)``
  (the common ERP convention; invoice 2026-01-15, 30 days → 2026-02-28).

``NET`` is "N jours date de ..." (``start + N``); ``IMMEDIATE`` is due on the start date.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from comptoir.terms.engine.support import (
    HUNDRED,
    ZERO,
    add_business_days,
    allocate_equal,
    end_of_month,
    quantize,
)


class DueMethod(StrEnum):
    IMMEDIATE = "immediate"
    NET = "net"
    EOM_THEN_ADD = "eom_then_add"
    ADD_THEN_EOM = "add_then_eom"
    BUSINESS_DAYS = "business_days"


class DueBasis(StrEnum):
    INVOICE = "invoice"
    ORDER = "order"
    VALIDATION = "validation"
    RECEIPT = "receipt"
    ISSUE = "issue"


@dataclass(frozen=True, slots=True)
class DueRule:
    days: int = 0
    method: DueMethod = DueMethod.NET
    basis: DueBasis = DueBasis.INVOICE


def due_date(start: date, days: int, method: DueMethod | str = DueMethod.NET) -> date:
    """The due date ``days`` after ``start`` under ``method`` (DOMAIN-NOTES 1.2 formulas)."""
    method = DueMethod(method)
    if days < 0:
        raise ValueError("days must be >= 0")
    if method is DueMethod.IMMEDIATE:
        return start
    if method is DueMethod.NET:
        return start + timedelta(days=days)
    if method is DueMethod.EOM_THEN_ADD:
        return end_of_month(start) + timedelta(days=days)
    if method is DueMethod.ADD_THEN_EOM:
        return end_of_month(start + timedelta(days=days))
    return add_business_days(start, days)


def basis_date(basis: DueBasis | str, dates: Mapping[str, date], default: date) -> date:
    """The start date for ``basis`` from the known dates; ``issue`` and ``invoice`` are synonyms.

    Missing dates fall back to ``default`` (the quote date when the invoice is not issued yet).
    """
    basis = DueBasis(basis)
    if basis in (DueBasis.INVOICE, DueBasis.ISSUE):
        return dates.get("invoice") or dates.get("issue") or default
    return dates.get(basis.value) or default


def compute_due_date(rule: DueRule, dates: Mapping[str, date], default: date) -> date:
    return due_date(basis_date(rule.basis, dates, default), rule.days, rule.method)


def cash_discount_deadline(invoice_date: date, days: int) -> date:
    """Last day to pay with the cash discount: ``days`` calendar days from the invoice date."""
    return invoice_date + timedelta(days=days)


def cash_discount_amount(base: Decimal, percent: Decimal) -> Decimal:
    """Discount on ``base`` (e.g. 1 % of excl. VAT + shipping, seed 003 §7), half-up to the cent."""
    return quantize(base * percent / HUNDRED)


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due: date
    amount: Decimal


def split_schedule(
    total: Decimal, count: int, first_due: date, spacing_days: int = 30
) -> list[Instalment]:
    """``count`` instalments summing exactly to ``total`` (cents to the first ones), spaced by
    ``spacing_days`` calendar days from ``first_due`` (PT3: 2, 3 or 4 instalments)."""
    if count < 1:
        raise ValueError("count must be >= 1")
    amounts = allocate_equal(total, count)
    return [
        Instalment(i + 1, first_due + timedelta(days=spacing_days * i), amount)
        for i, amount in enumerate(amounts)
    ]


def deferred_due(start: date, days: int) -> date:
    """Deferred payment through the financing partner: ``days`` (30, 45 or 60) after ``start``."""
    return start + timedelta(days=days)


@dataclass(frozen=True, slots=True)
class FinancialFee:
    extra_days: int
    periods: int
    percent: Decimal
    amount: Decimal


def financial_fee(
    amount: Decimal,
    standard_due: date,
    agreed_due: date,
    *,
    percent_per_period: Decimal = Decimal("0.5"),
    period_days: int = 15,
    exempt: bool = False,
) -> FinancialFee:
    """Financial fees for a term beyond the standard one (seed 003 §7: "1 % pour 30 jours, 0,5 %
    pour 15 jours" beyond 30 days end of month, except LCR/SEPA debit → ``exempt``).

    Every started ``period_days`` beyond ``standard_due`` costs ``percent_per_period`` of ``amount``
    (so 1 % per 30 days charged by halves of 15 days).
    """
    extra = (agreed_due - standard_due).days
    if exempt or extra <= 0:
        return FinancialFee(max(extra, 0), 0, ZERO, ZERO)
    periods = math.ceil(extra / period_days)
    percent = percent_per_period * periods
    return FinancialFee(extra, periods, percent, quantize(amount * percent / HUNDRED))
