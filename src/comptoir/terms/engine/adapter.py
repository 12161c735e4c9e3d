"""Compile a validated ``TermsDocument`` into the engine's ``Policy`` (once per document).

The engine never reads the Pydantic model while quoting: this module translates each section the
engine needs into the plain frozen dataclasses of ``policy.py`` and caches the result by document
identity (documents are frozen once loaded).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from comptoir.terms.duedates import DueMethod, DueRule
from comptoir.terms.engine.citations import NO_CLAUSE, Clause
from comptoir.terms.engine.policy import (
    CashDiscount,
    Deadlines,
    Eligibility,
    FinancialFees,
    Frequency,
    MinimumOrder,
    Packaging,
    Payment,
    PaymentTerm,
    Period,
    Policy,
    Pricing,
    Processing,
    Promotion,
    Shipping,
    Tier,
    Vouchers,
)
from comptoir.terms.interest import (
    AmountBasis,
    InterestFormula,
    LatePaymentTerms,
    LegalRateBasis,
)

_CACHE: dict[int, tuple[Any, Policy]] = {}
_CACHE_SIZE = 256

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CONVENTIONS = {
    "calendar": DueMethod.NET,
    "end_of_month_then_days": DueMethod.EOM_THEN_ADD,
    "days_then_end_of_month": DueMethod.ADD_THEN_EOM,
    "immediate": DueMethod.IMMEDIATE,
}
PACKAGING_MODES = {
    "refuse": "refuse",
    "round_to_nearest_standard": "round_nearest",
    "surcharge": "surcharge",
}
FORMULAS = {
    "legal_rate_multiple": InterestFormula.LEGAL_MULTIPLE,
    "fixed_annual": InterestFormula.FIXED_ANNUAL,
    "monthly": InterestFormula.MONTHLY,
    "reference_plus_points": InterestFormula.REFERENCE_PLUS,
}


def clause(c: Any, *fallbacks: Any) -> Clause:
    """The first clause present among ``c`` and ``fallbacks``, as the engine's ``Clause``."""
    for candidate in (c, *fallbacks):
        if candidate is not None:
            return Clause(candidate.article, candidate.text)
    return NO_CLAUSE


def period(delay: Any, c: Clause) -> Period:
    """A schema ``Delay`` as an engine ``Period`` (hours become whole days, weeks 7 days)."""
    unit, amount = delay.unit, delay.amount
    if unit == "business_hours":
        return Period(math.ceil(amount / 24) if amount else 0, "business", c)
    if unit == "hours":
        return Period(math.ceil(amount / 24) if amount else 0, "calendar", c)
    if unit == "weeks":
        return Period(amount * 7, "calendar", c)
    kinds = {
        "calendar_days": "calendar",
        "business_days": "business",
        "working_days": "working",
        "days_from_next_day": "from_next_day",
        "months": "months",
    }
    return Period(amount, kinds[unit], c)


def due_rule(rule: Any) -> DueRule:
    return DueRule(rule.days, CONVENTIONS[rule.convention], rule.basis)


def _zone_fees(items: Any) -> tuple[tuple[str, Decimal], ...]:
    return tuple((z.zone, z.amount) for z in items)


def _ordering(doc: Any) -> dict[str, Any]:
    o = doc.ordering
    out: dict[str, Any] = {}
    if (m := o.minimum_order) is not None:
        out["minimum"] = MinimumOrder(
            m.amount if m.defined_in == "terms" else None,
            m.policy,
            m.fee or Decimal("0"),
            _zone_fees(m.fees_by_zone),
            fee_from_contract=m.fees_defined_in == "buyer_contract",
            clause=clause(m.clause, o.clause),
        )
    if (s := o.shipping) is not None:
        out["shipping"] = Shipping(
            s.free_threshold if s.threshold_defined_in == "terms" else None,
            s.threshold_defined_in == "buyer_contract",
            s.fee if s.fees_defined_in == "terms" else None,
            _zone_fees(s.fees_by_zone),
            clause=clause(s.clause, o.clause),
        )
    if (c := o.case_multiples) is not None:
        out["packaging"] = Packaging(
            PACKAGING_MODES[c.policy],
            c.case_size,
            c.surcharge if c.surcharge_defined_in == "terms" else None,
            c.surcharge_per,
            clause=clause(c.clause, o.clause),
        )
    if (f := o.frequency) is not None:
        out["frequency"] = Frequency(
            max_orders_per_month=f.max_orders if f.policy == "refuse" else None,
            fee_after=f.free_orders if f.policy == "fee" else None,
            fee_per_bracket=f.fee_per_bracket or Decimal("0"),
            bracket=f.bracket or Decimal("1000"),
            started_brackets=f.bracket_rounding == "started",
            discretionary=f.at_seller_discretion,
            clause=clause(f.clause, o.clause),
        )
    out["vouchers"] = Vouchers(
        o.vouchers is not None and o.vouchers.enabled,
        o.vouchers.goods_value_at_least_voucher if o.vouchers is not None else True,
        clause(o.vouchers.clause if o.vouchers is not None else None, o.clause),
    )
    return out


def _pricing(doc: Any) -> Pricing:
    p = doc.pricing
    profiles = tuple(
        (t.profile, tuple(Tier(s.min_amount, s.discount_percent) for s in t.steps))
        for t in p.price_tiers
    )
    default = next((tiers for name, tiers in profiles if name == "default"), ())
    tier_clause = next((t.clause for t in p.price_tiers if t.clause is not None), None)
    promotions = tuple(
        Promotion(
            pr.code,
            pr.discount_percent,
            pr.starts_on,
            pr.ends_on,
            skus=frozenset(pr.products),
            stacking=pr.stacking,
            profiles=frozenset(pr.profiles),
            clause=clause(pr.clause, p.clause),
        )
        for pr in p.promotions
    )
    return Pricing(default, profiles, promotions, clause(tier_clause, p.clause))


def _selective(doc: Any) -> dict[str, Any]:
    """C2 (seed 003 §11): the selective network's clause and its export restriction."""
    sd = doc.pricing.selective_distribution
    if sd is None:
        return {}
    out: dict[str, Any] = {}
    if (c := clause(sd.clause)).article:
        out["selective_clause"] = c
    ex = sd.export
    if ex is not None:
        c = clause(ex.clause, sd.clause, doc.pricing.clause)
        if ex.applies_to == "all_lines":
            out["allowed_countries"] = ex.countries
            out["export_clause"] = c
        else:
            out["selective_allowed_countries"] = ex.countries
            out["selective_export_clause"] = c
    return out


def _handling(doc: Any) -> dict[str, Any]:
    """O11: the manual-handling fee (an amount, or per buyer's contract, or "may" without one)."""
    ch = doc.ordering.changes
    if not ch.manual_handling_fee:
        return {}
    from_contract = ch.manual_handling_fee_defined_in == "buyer_contract"
    return {
        "handling_possible": True,
        "handling_fee": None if from_contract else ch.manual_handling_fee_amount,
        "handling_fee_from_contract": from_contract,
        "handling_clause": clause(ch.clause, doc.ordering.clause),
    }


def _eligibility(doc: Any) -> Eligibility:
    cr = doc.credit
    unpaid = cr.on_unpaid
    deposit = cr.security_deposit
    review = cr.large_order_review
    limit = cr.credit_limit
    hold = doc.late_payment.suspension or doc.fulfilment.hold_when_behind
    return Eligibility(
        consumers_allowed=doc.consumers.allowed,
        consumer_clause=clause(doc.consumers.clause),
        unpaid_mode=("refuse" if unpaid == "refuse" else unpaid) if unpaid else None,
        unpaid_clause=clause(cr.on_unpaid_clause, cr.clause),
        deposit=deposit.amount
        if deposit is not None and deposit.immediate_payment_when_exceeded
        else None,
        deposit_clause=clause(deposit.clause if deposit else None, cr.clause),
        credit_clause=clause(limit.clause if limit else None, cr.clause),
        large_order_threshold=review.threshold if review is not None else None,
        large_order_action=review.action if review is not None else "hold_for_review",
        large_order_clause=clause(review.clause if review else None, cr.clause),
        credit_limit=limit.amount if limit is not None and limit.defined_in == "terms" else None,
        hold_when_overdue=hold is not None and hold.enabled,
        hold_clause=clause(hold.clause if hold is not None else None, cr.clause),
        **_selective(doc),
        **_handling(doc),
    )


def _payment(doc: Any) -> Payment:
    pay = doc.payment
    cd = pay.cash_discount
    discount = None
    if cd is not None:
        discount = CashDiscount(
            cd.percent,
            cd.within_days,
            frozenset(cd.methods),
            cd.base,
            clause(cd.clause, pay.clause),
            cd.basis,
        )
    terms = tuple(
        PaymentTerm(
            o.method,
            due_rule(o.due),
            o.label or o.id,
            discount
            if discount is not None and (not cd.methods or o.method in cd.methods)
            else None,
            tuple(o.instalments),
            o.instalment_spacing_days,
            tuple(o.deferrals),
            option_id=o.id,
            buyers=o.buyers,
            max_order_amount=o.max_order_amount,
            clause=clause(o.clause, pay.clause),
            collection=due_rule(o.collection) if o.collection is not None else None,
        )
        for o in pay.options
    )
    fees = None
    if (ff := pay.financial_fees) is not None:
        step = ff.granularity_days or ff.per_days
        fees = FinancialFees(
            due_rule(ff.beyond),
            ff.percent * step / ff.per_days,
            step,
            frozenset(ff.exempt_methods),
            clause(ff.clause, pay.clause),
        )
    return Payment(terms, fees, cd is None)


def _deadlines(doc: Any) -> Deadlines:
    o, f = doc.ordering, doc.fulfilment
    acceptance = None
    if o.acceptance.deadline is not None:
        acceptance = period(o.acceptance.deadline, clause(o.acceptance.clause, o.clause))
    processing = None
    pr = o.processing
    if pr.mode == "monthly" and pr.weekday is not None and pr.nth:
        processing = Processing(WEEKDAYS.index(pr.weekday), pr.nth, clause(pr.clause, o.clause))
    lead = None
    lead_from = "order"
    if (lt := f.lead_time) is not None:
        lead = period(lt, clause(lt.clause, f.clause))
        lead_from = "processing" if lt.from_ == "processing" else "order"
    contestation = None
    if (ct := f.contestation) is not None:
        contestation = period(ct.deadline, clause(ct.clause, f.clause))
    return Deadlines(acceptance, o.acceptance.on_silence, processing, lead, lead_from, contestation)


def _late(doc: Any) -> LatePaymentTerms:
    lp = doc.late_payment
    it = lp.interest
    rate = {
        "legal_rate_multiple": it.multiplier,
        "fixed_annual": it.rate,
        "monthly": it.rate,
        "reference_plus_points": it.points,
    }[it.kind]
    cc, lit, rem = lp.collection_costs, lp.litigation_penalty, lp.reminder_fee
    return LatePaymentTerms(
        formula=FORMULAS[it.kind],
        rate=rate,
        legal_rate_basis=LegalRateBasis.HALF_YEAR
        if it.rate_date == "each_half_year"
        else LegalRateBasis.INVOICE_DATE,
        amount_basis=AmountBasis(it.base),
        # D441-5: the 40 € indemnity is due by law even when the terms forget it.
        indemnity=lp.fixed_indemnity.amount if lp.fixed_indemnity else Decimal("40.00"),
        collection_percent=cc.percent if cc else None,
        collection_minimum=(cc.minimum or Decimal("0")) if cc else Decimal("0"),
        litigation_percent=lit.percent if lit else None,
        litigation_base=AmountBasis(lit.base) if lit else AmountBasis.INCL_VAT,
        litigation_clause=clause(lit.clause, lp.clause, it.clause) if lit else NO_CLAUSE,
        reminder_fee=rem.amount if rem else None,
        clause=clause(it.clause, lp.clause),
    )


def compile_policy(doc: Any) -> Policy:
    """Translate a ``TermsDocument`` into the engine's ``Policy``."""
    return Policy(
        seller=doc.seller.name,
        pricing=_pricing(doc),
        eligibility=_eligibility(doc),
        payment=_payment(doc),
        deadlines=_deadlines(doc),
        late=_late(doc),
        **_ordering(doc),
    )


def policy_for(doc: Any) -> Policy:
    """The compiled policy of ``doc``, cached by identity (documents are immutable once loaded)."""
    if isinstance(doc, Policy):
        return doc
    hit = _CACHE.get(id(doc))
    if hit is not None and hit[0] is doc:
        return hit[1]
    policy = compile_policy(doc)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(doc)] = (doc, policy)
    return policy
