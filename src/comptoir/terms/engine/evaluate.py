"""``evaluate(terms, cart, context, at) -> Quote``: the pure terms engine.

Order of evaluation: eligibility (C2, O10, PT9, PT10, O17), packaging (O4), tariff line nets,
tiers and promotions (C4), voucher (O15), minimum order (O2), shipping (O3), frequency (O5),
handling (O11), totals with VAT per rate (DOMAIN-NOTES 7.2), payment options (PT2, PT3, PT6) and
deadlines (O8, O6, F1, F4). Each step reads the compiled ``Policy`` only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.terms.engine.adapter import policy_for
from comptoir.terms.engine.deadlines import compute_deadlines
from comptoir.terms.engine.eligibility import apply_handling, check_eligibility
from comptoir.terms.engine.frequency import apply_frequency
from comptoir.terms.engine.inputs import DEFAULT_CONTEXT, BuyerContext, Cart
from comptoir.terms.engine.minimum import apply_minimum
from comptoir.terms.engine.packaging import apply_packaging
from comptoir.terms.engine.payment import method_warning, payment_options
from comptoir.terms.engine.policy import Policy
from comptoir.terms.engine.pricing import apply_pricing
from comptoir.terms.engine.quote import Charge, Quote, QuoteLine, Totals, VatLine
from comptoir.terms.engine.shipping import apply_shipping
from comptoir.terms.engine.support import CENT, HUNDRED, ZERO, quantize
from comptoir.terms.engine.vouchers import apply_voucher

PARIS = ZoneInfo("Europe/Paris")
ONE = Decimal(1)


def order_day(at: datetime) -> date:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be an aware datetime")
    return at.astimezone(PARIS).date()


def compute_totals(
    nets: list[Decimal], rates: list[Decimal], fees: list[Charge], discounts: list[Charge]
) -> Totals:
    """VAT per rate on the sum of bases (lines + fees − discounts), rounded half-up once."""
    bases: dict[Decimal, Decimal] = {}
    for net, rate in zip(nets, rates, strict=True):
        bases[rate] = bases.get(rate, ZERO) + net
    for fee in fees:
        bases[fee.vat_rate] = bases.get(fee.vat_rate, ZERO) + fee.amount
    for discount in discounts:
        bases[discount.vat_rate] = bases.get(discount.vat_rate, ZERO) - discount.amount
    breakdown = tuple(
        VatLine(rate, bases[rate], quantize(bases[rate] * rate / HUNDRED))
        for rate in sorted(bases, reverse=True)
    )
    lines_total = sum(nets, ZERO)
    fees_total = sum((f.amount for f in fees), ZERO)
    discounts_total = sum((d.amount for d in discounts), ZERO)
    excl = lines_total + fees_total - discounts_total
    vat = sum((v.vat for v in breakdown), ZERO)
    return Totals(lines_total, fees_total, discounts_total, excl, vat, excl + vat, breakdown)


def evaluate(
    terms: Any,
    cart: Cart,
    context: BuyerContext | None = None,
    at: datetime | None = None,
    *,
    invoice_date: date | None = None,
) -> Quote:
    """Evaluate ``cart`` for ``context`` at instant ``at`` against ``terms`` (a ``TermsDocument``
    or an already compiled ``Policy``). Deterministic: same inputs, same quote."""
    if at is None:
        raise ValueError("`at` is required (an aware datetime)")
    policy: Policy = terms if isinstance(terms, Policy) else policy_for(terms)
    context = context or DEFAULT_CONTEXT
    day = order_day(at)
    lines = cart.lines
    violations = []
    warnings = []
    fees: list[Charge] = []
    discounts: list[Charge] = []

    quantities, f, v, w = apply_packaging(lines, policy.packaging, context.contract_case_surcharge)
    fees += f
    violations += v
    warnings += w
    nets = [
        (q * line.unit_price).quantize(CENT, ROUND_HALF_UP)
        for q, line in zip(quantities, lines, strict=True)
    ]
    rates = [line.vat_rate for line in lines]

    d, factors = apply_pricing(lines, nets, policy.pricing, day, context.pricing_profile)
    discounts += d
    if factors is None:
        remaining = nets
        goods = sum(nets, ZERO)
    else:
        remaining = [n * f for n, f in zip(nets, factors, strict=True)]
        goods = sum(nets, ZERO) - sum((x.amount for x in d), ZERO)
    d, w = apply_voucher(cart.voucher, policy.vouchers, lines, remaining, day)
    discounts += d
    warnings += w

    f, v, w = apply_minimum(
        goods,
        policy.minimum,
        cart.zone,
        context.contract_minimum_order,
        context.contract_logistics_fee,
    )
    fees += f
    violations += v
    warnings += w
    fees += apply_shipping(
        goods,
        policy.shipping,
        cart.zone,
        context.contract_free_shipping_threshold
        if context.contract_free_shipping_threshold is not None
        else context.contract_minimum_order,
        context.contract_shipping_fee,
    )
    f, v, w = apply_frequency(goods, context.orders_this_month, policy.frequency)
    fees += f
    violations += v
    warnings += w
    f, w = apply_handling(cart, policy.eligibility, context.contract_handling_fee)
    fees += f
    warnings += w

    totals = compute_totals(nets, rates, fees, discounts)
    v, w = check_eligibility(cart, context, policy.eligibility, totals.incl_vat, goods)
    violations = v + violations
    warnings = w + warnings
    warnings += method_warning(policy.payment, cart.payment_method)

    if factors is None:
        quote_lines = tuple(
            QuoteLine(line.sku, line.quantity, q, line.unit_price, line.unit_price, net, rate)
            for line, q, net, rate in zip(lines, quantities, nets, rates, strict=True)
        )
    else:
        quote_lines = tuple(
            QuoteLine(
                line.sku,
                line.quantity,
                q,
                line.unit_price
                if f == ONE
                else (line.unit_price * f).quantize(CENT, ROUND_HALF_UP),
                line.unit_price,
                net,
                rate,
            )
            for line, q, net, rate, f in zip(lines, quantities, nets, rates, factors, strict=True)
        )
    options = payment_options(
        policy.payment,
        invoice_date or day,
        day,
        totals.excl_vat,
        totals.incl_vat,
        totals.vat_breakdown,
        goods_excl_vat=goods - sum((x.amount for x in discounts if x.code == "voucher"), ZERO),
        is_consumer=context.is_consumer,
    )
    return Quote(
        at=at.isoformat(),
        order_date=day,
        lines=quote_lines,
        fees=tuple(fees),
        discounts=tuple(discounts),
        violations=tuple(violations),
        warnings=tuple(warnings),
        totals=totals,
        payment_options=tuple(options),
        deadlines=compute_deadlines(day, policy.deadlines),
    )
