"""Properties of the engine, due dates and interest (hypothesis)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.terms.duedates import split_schedule
from comptoir.terms.engine.evaluate import evaluate
from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine, VoucherInput
from comptoir.terms.engine.serialize import quote_to_json
from comptoir.terms.interest import (
    InterestFormula,
    LatePaymentTerms,
    LegalRateBasis,
    interest_batch,
    late_interest,
)
from comptoir.terms.loader import PRESET_NAMES, load_preset
from tests.terms.engine_policies import BEAUTY, DIGITAL, INTRANET, MARKETPLACE, WHOLESALE

POLICIES = [BEAUTY, DIGITAL, INTRANET, MARKETPLACE, WHOLESALE] + [
    load_preset(n) for n in PRESET_NAMES
]

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
lines = st.lists(
    st.builds(
        lambda i, q, p, v, k, b: CartLine(f"S{i}", q, p, Decimal(v), k, brand=b),
        st.integers(0, 10_000),
        st.integers(0, 300),
        prices,
        st.sampled_from(["20", "10", "5.5", "2.1"]),
        st.sampled_from([1, 6, 12]),
        st.sampled_from([None, "PROMO"]),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda ln: ln.sku,
)
vouchers = st.one_of(
    st.none(), st.builds(VoucherInput, st.just("V"), st.decimals("1", "200", places=2))
)
carts = st.builds(Cart, lines.map(tuple), vouchers)
contexts = st.builds(BuyerContext, orders_this_month=st.integers(0, 4))
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(POLICIES), carts, contexts, instants)
def test_totals_are_lines_plus_fees_minus_discounts(policy, cart, context, at):
    q = evaluate(policy, cart, context, at)
    t = q.totals
    lines_total = sum((ln.net_amount for ln in q.lines), Decimal(0))
    fees = sum((f.amount for f in q.fees), Decimal(0))
    discounts = sum((d.amount for d in q.discounts), Decimal(0))
    assert t.excl_vat == lines_total + fees - discounts
    assert sum((v.vat for v in t.vat_breakdown), Decimal(0)) == t.vat
    assert sum((v.base for v in t.vat_breakdown), Decimal(0)) == t.excl_vat
    assert t.incl_vat == t.excl_vat + t.vat
    assert all(f.amount >= 0 for f in q.fees) and all(d.amount >= 0 for d in q.discounts)
    assert all(v.base >= 0 for v in t.vat_breakdown)
    for item in (*q.fees, *q.discounts, *q.violations, *q.warnings):
        assert item.rule and item.explanation.fr and item.explanation.en


@settings(max_examples=100, deadline=None)
@given(carts, instants)
def test_adjusted_quantities_respect_the_packaging(cart, at):
    q = evaluate(BEAUTY, cart, None, at)
    for requested, ln in zip(cart.lines, q.lines, strict=True):
        assert ln.quantity % requested.pack_size == 0
        assert abs(ln.quantity - requested.quantity) <= requested.pack_size // 2 or (
            requested.quantity > 0 and ln.quantity == requested.pack_size
        )


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(POLICIES), carts, contexts, instants)
def test_same_input_same_quote(policy, cart, context, at):
    assert quote_to_json(evaluate(policy, cart, context, at)) == quote_to_json(
        evaluate(policy, cart, context, at)
    )


FORMULAS = [
    LatePaymentTerms(),
    LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, Decimal("3")),
    LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, Decimal("5"), LegalRateBasis.HALF_YEAR),
    LatePaymentTerms(InterestFormula.FIXED_ANNUAL, Decimal("8")),
    LatePaymentTerms(InterestFormula.MONTHLY, Decimal("1.5")),
]
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 6, 30))
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=2)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMULAS), amounts, days, st.integers(0, 400), st.integers(0, 400))
def test_interest_monotonic_in_days_late(terms, amount, due, a, b):
    short, long_ = sorted((a, b))
    r1 = late_interest(amount, due, due + timedelta(days=short), terms)
    r2 = late_interest(amount, due, due + timedelta(days=long_), terms)
    assert r1.interest <= r2.interest
    assert sum((ln.amount for ln in r2.lines), Decimal(0)) == r2.interest


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMULAS), amounts, amounts, days, st.integers(1, 400))
def test_interest_monotonic_in_amount_and_batch_agrees(terms, a, b, due, late):
    small, big = sorted((a, b))
    paid = due + timedelta(days=late)
    r1, r2 = late_interest(small, due, paid, terms), late_interest(big, due, paid, terms)
    assert r1.interest <= r2.interest
    batch = interest_batch([(small, due, paid), (big, due, paid)], terms)
    assert [row[0] for row in batch] == [r1.interest, r2.interest]


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2),
    st.integers(1, 12),
    st.dates(),
    st.integers(1, 60),
)
def test_instalments_sum_to_the_total(total, count, first, spacing):
    if first > date(9000, 1, 1):
        first = date(2026, 1, 1)
    schedule = split_schedule(total, count, first, spacing)
    assert sum(i.amount for i in schedule) == total
    assert max(i.amount for i in schedule) - min(i.amount for i in schedule) <= Decimal("0.01")
