"""The adapter from TermsDocument to the engine, through the presets and an inline document."""

from datetime import UTC, date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from comptoir.terms.duedates import DueMethod
from comptoir.terms.engine.adapter import compile_policy, policy_for
from comptoir.terms.engine.evaluate import evaluate
from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine
from comptoir.terms.interest import InterestFormula, LegalRateBasis, late_interest
from comptoir.terms.loader import PRESET_NAMES, load_preset, load_terms

AT = datetime(2026, 11, 5, 10, tzinfo=UTC)
INLINE = Path(__file__).parent / "data" / "inline_beauty.toml"


def cart(amount: str, qty: int = 1) -> Cart:
    return Cart((CartLine("P-1", qty, D(amount), D("20")),))


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_compiles_and_quotes(name):
    doc = load_preset(name)
    policy = policy_for(doc)
    assert policy_for(doc) is policy  # compiled once per document
    q = evaluate(doc, cart("500.00"), None, AT)
    assert q.payment_options, name
    assert all(o.clause.article for o in q.payment_options), name
    assert policy.late.clause.article, name


def test_inline_document_tiers_promotion_and_financial_fees():
    doc = load_terms(INLINE)
    p = compile_policy(doc)
    assert [t.threshold for t in p.pricing.tiers] == [D("1000.00"), D("3000.00")]
    assert p.payment.financial_fees.percent_per_period == D("0.5")
    assert p.payment.terms[0].due.method is DueMethod.ADD_THEN_EOM
    c = Cart((CartLine("A", 10, D("150.00"), D("20")), CartLine("PROMO-1", 1, D("100"), D("20"))))
    q = evaluate(doc, c, None, datetime(2026, 12, 2, tzinfo=UTC))
    assert {d.code: d.amount for d in q.discounts} == {"tier": D("30.00"), "promotion": D("10.00")}
    transfer60 = next(o for o in q.payment_options if o.method == "transfer")
    # 2 Dec: 60 days EOM and the 30-days-EOM standard both end on 31 Jan → no financial fee
    assert transfer60.due_dates == (date(2027, 1, 31),) and transfer60.financial_fee is None
    q = evaluate(doc, cart("500.00"), None, datetime(2026, 11, 20, 10, tzinfo=UTC))
    transfer60 = next(o for o in q.payment_options if o.method == "transfer")
    # 20 Nov: due 31 Jan vs standard 31 Dec → 31 days → 3 × 0.5 % of 600.00 incl. VAT
    assert transfer60.due_dates == (date(2027, 1, 31),)
    assert transfer60.financial_fee == D("9.00")


def test_beauty_salon_profile_gets_its_tier():
    doc = load_preset("selective-beauty")
    q = evaluate(doc, cart("1200.00"), BuyerContext(pricing_profile="salon"), AT)
    assert [(d.code, d.amount, d.rule) for d in q.discounts] == [("tier", D("60.00"), "C4")]
    assert q.lines[0].unit_price == D("1140.00")
    assert evaluate(doc, cart("1200.00"), None, AT).discounts == ()


def test_beauty_cash_discount_for_lcr_and_sepa_only():
    q = evaluate(load_preset("selective-beauty"), cart("500.00"), None, AT)
    by_method = {o.method: o for o in q.payment_options}
    assert by_method["lcr"].discount == D("5.00")
    assert by_method["lcr"].discount_deadline == date(2026, 11, 13)
    assert by_method["lcr"].rule == "PT6"
    assert by_method["transfer"].discount is None
    assert "pas d'escompte" in by_method["transfer"].explanation.fr


def test_beauty_overdue_buyer_is_warned_of_suspension():
    ctx = BuyerContext(overdue_amount=D("50"), unpaid_amount=D("50"))
    q = evaluate(load_preset("selective-beauty"), cart("300"), ctx, AT)
    assert [(w.code, w.rule) for w in q.warnings] == [
        ("unpaid_previous_orders", "O10"),
        ("deliveries_suspended", "PT11"),
    ]


def test_intranet_unpaid_refused_and_deposit():
    doc = load_preset("monthly-intranet")
    q = evaluate(doc, cart("100", 12), BuyerContext(unpaid_amount=D("10")), AT)
    assert "unpaid_previous_orders" in [v.code for v in q.violations]
    q = evaluate(doc, cart("100", 12), BuyerContext(deposit=D("2000")), AT)
    assert q.accepted and "deposit_exceeded" not in [w.code for w in q.warnings]
    q = evaluate(doc, cart("200", 12), BuyerContext(deposit=D("2000")), AT)
    assert "deposit_exceeded" in [w.code for w in q.warnings]


def test_marketplace_split_payments_sum_to_the_total():
    q = evaluate(load_preset("marketplace"), cart("333.33"), None, AT)
    splits = [o for o in q.payment_options if o.instalments]
    assert [len(o.instalments) for o in splits] == [2, 3, 4]
    for o in splits:
        assert sum(i.amount for i in o.instalments) == q.totals.incl_vat
        assert o.rule == "PT3"


def test_preset_late_payment_terms():
    beauty = policy_for(load_preset("selective-beauty")).late
    assert (beauty.formula, beauty.rate) == (InterestFormula.LEGAL_MULTIPLE, D("3"))
    intranet = policy_for(load_preset("monthly-intranet")).late
    assert intranet.legal_rate_basis is LegalRateBasis.HALF_YEAR
    assert intranet.litigation_percent == D("20")
    r = late_interest(D("1000"), date(2025, 12, 21), date(2026, 1, 10), intranet, litigation=True)
    # 10 days at 5 × 2.76 % + 10 days at 5 × 2.62 %, plus 20 % litigation penalty
    assert [(ln.days, ln.rate) for ln in r.lines] == [(10, D("13.80")), (10, D("13.10"))]
    assert r.interest == D("7.37") and r.costs[0].amount == D("200.00")
    wholesale = policy_for(load_preset("electronics-wholesale")).late
    r = late_interest(D("500"), date(2026, 1, 1), date(2026, 2, 1), wholesale, collection=True)
    assert r.costs[0].code == "collection_costs" and r.costs[0].amount == D("150.00")
    digital = policy_for(load_preset("digital-goods")).late
    r = late_interest(D("100"), date(2026, 1, 1), date(2026, 2, 1), digital, reminders=2)
    assert r.lines[0].rate == D("11.15") and r.costs[0].amount == D("3.00")


def test_intranet_minimum_and_fees_from_the_buyers_contract():
    doc = load_preset("monthly-intranet")
    base = {"deposit": D("5000"), "contract_minimum_order": D("600")}
    q = evaluate(doc, cart("10.00", 48), BuyerContext(**base), AT)
    assert [(w.code, w.rule) for w in q.warnings] == [("logistics_fee_per_contract", "O2")]
    ctx = BuyerContext(**base, contract_logistics_fee=D("35"), contract_shipping_fee=D("20"))
    q = evaluate(doc, cart("10.00", 48), ctx, AT)
    assert [(f.code, f.amount, f.rule) for f in q.fees] == [
        ("logistics_fee", D("35"), "O2"),
        ("shipping", D("20"), "O3"),
    ]
    q = evaluate(doc, cart("10.00", 60), ctx, AT)  # 600 € HT: the contractual volume is met
    assert q.fees == () and q.warnings == ()
