"""Late-payment interest, indemnity and collection costs (PT11, C. com. L441-10, DOMAIN-NOTES 1.4).

Conventions (documented in docs/terms-reference.md, "Late-payment interest"):

* late days run from the day after the due date to the payment date, both included:
  ``days = (paid - due).days``;
* day basis ``365`` by default, also in leap years (DOMAIN-NOTES 1.4, "actual/365"); the terms may
  choose ``actual`` (days of a leap year over 366);
* a rate that depends on the half-year (ECB reference rate + points, or a multiple of the legal rate
  "per half-year") splits the late period at 1 January and 1 July, one breakdown line per part;
* the interest total is ``round_half_up(Σ principal × rate × days / 100 / basis)``, rounded
  once; the lines are rounded cumulatively so that they add up exactly to the total (worked
  example 3 of DOMAIN-NOTES 1.4: 5.15 + 4.33 = 9.48);
* a monthly rate ("1.5 % par mois") is applied per day as ``12 × monthly / basis``;
* the 40 € indemnity is due once per late invoice, outside VAT.

``interest_batch`` computes the totals of many open items at once from precomputed cumulative
rate-day tables (one lookup per item), for collection runs over 100,000 items.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from comptoir.terms.engine.citations import NO_CLAUSE, Clause
from comptoir.terms.engine.rates import RateSource
from comptoir.terms.engine.support import HUNDRED, ZERO, quantize

RULE = "PT11"


class InterestFormula(StrEnum):
    LEGAL_MULTIPLE = "legal_multiple"  # rate = multiplier × legal interest rate
    FIXED_ANNUAL = "fixed_annual"  # rate = a fixed % a year
    MONTHLY = "monthly"  # rate = a fixed % a month
    REFERENCE_PLUS = "reference_plus"  # rate = ECB reference rate of the half-year + points


class LegalRateBasis(StrEnum):
    INVOICE_DATE = "invoice_date"  # the legal rate in force on the invoice date, for all days
    HALF_YEAR = "half_year"  # the legal rate of each half-year of the late period


class AmountBasis(StrEnum):
    INCL_VAT = "incl_vat"
    EXCL_VAT = "excl_vat"


class DayBasis(StrEnum):
    D365 = "365"
    ACTUAL = "actual"


@dataclass(frozen=True, slots=True)
class LatePaymentTerms:
    formula: InterestFormula = InterestFormula.REFERENCE_PLUS
    rate: Decimal = Decimal("10")  # multiplier, annual %, monthly % or points, per formula
    legal_rate_basis: LegalRateBasis = LegalRateBasis.INVOICE_DATE
    amount_basis: AmountBasis = AmountBasis.INCL_VAT
    day_basis: DayBasis = DayBasis.D365
    indemnity: Decimal = Decimal("40.00")
    collection_percent: Decimal | None = None  # e.g. 15 % of the principal (seed 002 §14.7)
    collection_minimum: Decimal = ZERO  # e.g. at least 150 € HT
    litigation_percent: Decimal | None = None  # e.g. 20 % of the invoice incl. VAT (seed 001 §5)
    reminder_fee: Decimal | None = None  # e.g. 1.50 € per reminder (seed 004 §8.10)
    clause: Clause = NO_CLAUSE
    litigation_base: AmountBasis = AmountBasis.INCL_VAT  # the penalty's base (seed 001 §5: TTC)
    litigation_clause: Clause = NO_CLAUSE  # the penalty's own clause (else ``clause``)


DEFAULT_LATE_TERMS = LatePaymentTerms()


@dataclass(frozen=True, slots=True)
class InterestLine:
    start: date  # first late day of the part
    end: date  # last late day of the part
    days: int
    rate: Decimal  # annual % applied
    amount: Decimal
    formula: str
    rule: str = RULE
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class CostLine:
    code: str
    amount: Decimal
    formula: str
    rule: str = RULE
    clause: Clause = NO_CLAUSE


@dataclass(frozen=True, slots=True)
class InterestResult:
    principal: Decimal
    due: date
    paid: date
    days: int
    lines: tuple[InterestLine, ...]
    interest: Decimal
    indemnity: Decimal
    costs: tuple[CostLine, ...] = field(default=())
    total: Decimal = ZERO

    @property
    def costs_total(self) -> Decimal:
        return sum((c.amount for c in self.costs), ZERO)


def as_late_terms(terms: Any) -> LatePaymentTerms:
    """``terms`` as ``LatePaymentTerms``: itself, or the late-payment section of a
    ``TermsDocument`` (or of a compiled ``Policy``)."""
    if isinstance(terms, LatePaymentTerms):
        return terms
    from comptoir.terms.engine.adapter import policy_for

    return policy_for(terms).late


def interest_base(terms: Any, incl_vat: Decimal, excl_vat: Decimal) -> Decimal:
    """The principal interest runs on: the invoice amount incl. or excl. VAT, as the terms say."""
    late = as_late_terms(terms)
    return incl_vat if late.amount_basis is AmountBasis.INCL_VAT else excl_vat


def litigation_base(terms: Any, incl_vat: Decimal, excl_vat: Decimal) -> Decimal:
    """The amount the litigation penalty is a percentage of: the invoice incl. or excl. VAT, as
    ``late_payment.litigation_penalty.base`` says (independent of the interest base)."""
    late = as_late_terms(terms)
    return incl_vat if late.litigation_base is AmountBasis.INCL_VAT else excl_vat


def _half_year_end(d: date) -> date:
    return date(d.year, 6, 30) if d.month <= 6 else date(d.year, 12, 31)


def _basis_days(day_basis: DayBasis, d: date) -> int:
    if day_basis is DayBasis.ACTUAL and calendar.isleap(d.year):
        return 366
    return 365


def _rate_for(
    terms: LatePaymentTerms, rates: RateSource, d: date, invoice_date: date
) -> tuple[Decimal, str]:
    """The annual rate (%) applying to late day ``d`` and how it was obtained."""
    f = terms.formula
    if f is InterestFormula.FIXED_ANNUAL:
        return terms.rate, f"{terms.rate} % / an (per year)"
    if f is InterestFormula.MONTHLY:
        return terms.rate * 12, f"{terms.rate} % / mois (per month) × 12"
    if f is InterestFormula.REFERENCE_PLUS:
        ref = rates.ecb_reference_rate_for_half_year(d)
        hy = date(d.year, 1 if d.month <= 6 else 7, 1)
        return ref + terms.rate, f"BCE/ECB {ref} % ({hy.isoformat()}) + {terms.rate} pts"
    on = invoice_date if terms.legal_rate_basis is LegalRateBasis.INVOICE_DATE else d
    if terms.legal_rate_basis is LegalRateBasis.HALF_YEAR:
        on = date(d.year, 1 if d.month <= 6 else 7, 1)
    legal = rates.legal_rate_on(on)
    return terms.rate * legal, f"{terms.rate} × taux légal/legal rate {legal} % ({on.isoformat()})"


def _splits_by_half_year(terms: LatePaymentTerms) -> bool:
    return terms.formula is InterestFormula.REFERENCE_PLUS or (
        terms.formula is InterestFormula.LEGAL_MULTIPLE
        and terms.legal_rate_basis is LegalRateBasis.HALF_YEAR
    )


def _periods(first: date, last: date, by_half_year: bool, by_year: bool) -> list[tuple[date, date]]:
    parts: list[tuple[date, date]] = []
    start = first
    while start <= last:
        if by_half_year:
            end = min(_half_year_end(start), last)
        elif by_year:
            end = min(date(start.year, 12, 31), last)
        else:
            end = last
        parts.append((start, end))
        start = end + timedelta(days=1)
    return parts


def _costs(
    principal: Decimal,
    terms: LatePaymentTerms,
    *,
    reminders: int,
    collection: bool,
    litigation: bool,
    litigation_principal: Decimal | None = None,
) -> tuple[CostLine, ...]:
    out: list[CostLine] = []
    if collection and terms.collection_percent is not None:
        pct = quantize(principal * terms.collection_percent / HUNDRED)
        amount = max(pct, terms.collection_minimum)
        out.append(
            CostLine(
                "collection_costs",
                amount,
                f"max({terms.collection_percent} % × {principal}, {terms.collection_minimum})",
                clause=terms.clause,
            )
        )
    if litigation and terms.litigation_percent is not None:
        base = principal if litigation_principal is None else litigation_principal
        amount = quantize(base * terms.litigation_percent / HUNDRED)
        formula = f"{terms.litigation_percent} % × {base}"
        if litigation_principal is not None:
            formula += " (TTC)" if terms.litigation_base is AmountBasis.INCL_VAT else " (HT)"
        c = terms.litigation_clause if terms.litigation_clause.article else terms.clause
        out.append(CostLine("litigation_penalty", amount, formula, clause=c))
    if reminders > 0 and terms.reminder_fee is not None:
        amount = quantize(terms.reminder_fee * reminders)
        formula = f"{reminders} × {terms.reminder_fee}"
        out.append(CostLine("reminder_fees", amount, formula, clause=terms.clause))
    return tuple(out)


def late_interest(
    principal: Decimal,
    due: date,
    paid: date,
    terms: Any = DEFAULT_LATE_TERMS,
    rates: RateSource | None = None,
    *,
    invoice_date: date | None = None,
    reminders: int = 0,
    collection: bool = False,
    litigation: bool = False,
    incl_vat: Decimal | None = None,
    excl_vat: Decimal | None = None,
) -> InterestResult:
    """Interest, indemnity and costs on ``principal`` (already the base the terms name: incl. or
    excl. VAT) for a payment on ``paid`` of an amount due on ``due``.

    ``invoice_date`` selects the legal rate for "× legal rate in force on the invoice date" terms
    (defaults to ``due``). Nothing is due when ``paid <= due``.

    ``incl_vat``/``excl_vat``: the unpaid amount incl. and excl. VAT. When given, the litigation
    penalty is computed on the one its ``base`` names (``litigation_base``), which may differ from
    the interest base; otherwise on ``principal``.
    """
    if principal < ZERO:
        raise ValueError("principal must be >= 0")
    terms = as_late_terms(terms)
    if rates is None:
        from comptoir.terms.engine.rates import FALLBACK_RATES

        rates = FALLBACK_RATES
    days = max((paid - due).days, 0)
    if days == 0:
        return InterestResult(principal, due, paid, 0, (), ZERO, ZERO, (), ZERO)
    inv = invoice_date or due
    parts = _periods(
        due + timedelta(days=1),
        paid,
        _splits_by_half_year(terms),
        terms.day_basis is DayBasis.ACTUAL,
    )
    lines: list[InterestLine] = []
    rd365 = rd366 = ZERO
    previous = ZERO
    for start, end in parts:
        n = (end - start).days + 1
        rate, how = _rate_for(terms, rates, start, inv)
        basis = _basis_days(terms.day_basis, start)
        if basis == 366:
            rd366 += rate * n
        else:
            rd365 += rate * n
        if rd366:
            cumulative = quantize(principal * rd365 / 36500 + principal * rd366 / 36600)
        else:
            cumulative = quantize(principal * rd365 / 36500)
        amount = cumulative - previous
        previous = cumulative
        formula = f"{principal} × {rate} % × {n}/{basis} [{how}]"
        lines.append(InterestLine(start, end, n, rate, amount, formula, clause=terms.clause))
    interest = previous
    indemnity = terms.indemnity
    lit_principal = None
    if incl_vat is not None or excl_vat is not None:
        lit_principal = litigation_base(terms, incl_vat or principal, excl_vat or principal)
    costs = _costs(
        principal,
        terms,
        reminders=reminders,
        collection=collection,
        litigation=litigation,
        litigation_principal=lit_principal,
    )
    total = interest + indemnity + sum((c.amount for c in costs), ZERO)
    return InterestResult(
        principal, due, paid, days, tuple(lines), interest, indemnity, costs, total
    )


@dataclass(frozen=True, slots=True)
class OpenItem:
    principal: Decimal
    due: date
    paid: date  # payment date, or the date the computation is made for unpaid items
    invoice_date: date | None = None


class _CumulativeRates:
    """Cumulative rate-days per day ordinal: Σ over (due, paid] in O(1) for each item.

    ``unit`` tables count days (rate 1) for formulas whose rate depends on the item (legal rate
    on the invoice date); the item's rate then multiplies the day count.
    """

    def __init__(
        self, terms: LatePaymentTerms, rates: RateSource, first: date, last: date, unit: bool
    ):
        self.origin = first.toordinal()
        c365: list[Decimal] = [ZERO]
        c366: list[Decimal] = [ZERO]
        s365 = s366 = ZERO
        one = Decimal(1)
        d = first + timedelta(days=1)
        while d <= last:
            rate = one if unit else _rate_for(terms, rates, d, d)[0]
            if _basis_days(terms.day_basis, d) == 366:
                s366 += rate
            else:
                s365 += rate
            c365.append(s365)
            c366.append(s366)
            d += timedelta(days=1)
        self.c365 = c365
        self.c366 = c366


def interest_batch(
    items: Iterable[OpenItem] | Sequence[tuple[Decimal, date, date]],
    terms: Any = DEFAULT_LATE_TERMS,
    rates: RateSource | None = None,
) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(interest, indemnity, total) for each open item, equal to ``late_interest`` without costs.

    Rates are resolved once per day of the covered range (or once per invoice date for
    "legal rate on the invoice date" terms), then each item costs a few list lookups.
    """
    terms = as_late_terms(terms)
    if rates is None:
        from comptoir.terms.engine.rates import FALLBACK_RATES

        rates = FALLBACK_RATES
    rows = [
        (i.principal, i.due, i.paid, i.invoice_date) if isinstance(i, OpenItem) else (*i, None)
        for i in items
    ]
    if not rows:
        return []
    out: list[tuple[Decimal, Decimal, Decimal]] = []
    append = out.append
    indemnity = terms.indemnity
    zero_row = (ZERO, ZERO, ZERO)
    per_item = (
        terms.formula is InterestFormula.LEGAL_MULTIPLE
        and terms.legal_rate_basis is LegalRateBasis.INVOICE_DATE
    )
    first = min(r[1] for r in rows)
    last = max(max(r[2] for r in rows), first)
    table = _CumulativeRates(terms, rates, first, last, unit=per_item)
    origin, c365, c366 = table.origin, table.c365, table.c366
    legal_cache: dict[date, Decimal] = {}
    multiplier = terms.rate
    for principal, due, paid, inv in rows:
        if paid <= due:
            append(zero_row)
            continue
        a, b = due.toordinal() - origin, paid.toordinal() - origin
        d365, d366 = c365[b] - c365[a], c366[b] - c366[a]
        if per_item:
            on = inv or due
            rate = legal_cache.get(on)
            if rate is None:
                rate = legal_cache[on] = multiplier * rates.legal_rate_on(on)
            d365, d366 = rate * d365, rate * d366
        if d366:
            interest = quantize(principal * d365 / 36500 + principal * d366 / 36600)
        else:
            interest = quantize(principal * d365 / 36500)
        append((interest, indemnity, interest + indemnity))
    return out
