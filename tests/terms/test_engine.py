"""The engine rule by rule, on hand-compiled policies (tests/terms/engine_policies.py)."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from comptoir.terms.engine.evaluate import compute_totals, evaluate, order_day
from comptoir.terms.engine.inputs import BuyerContext, Cart, VoucherInput
from comptoir.terms.engine.quote import Charge
from comptoir.terms.engine.serialize import quote_to_json
from tests.terms.builders import AT, cart_of, line
from tests.terms.engine_policies import BEAUTY, DIGITAL, INTRANET, MARKETPLACE, WHOLESALE


def codes(items):
    return [i.code for i in items]


def test_minimum_order_refusal_cites_rule_and_clause():
    q = evaluate(BEAUTY, cart_of("90.00"), None, AT)
    (v,) = q.violations
    assert (v.code, v.rule, v.clause.article) == ("below_minimum_order", "O2", "Art. 3")
    assert "100,00" in v.explanation.fr and "€100.00" in v.explanation.en
    assert not q.accepted


def test_shipping_below_threshold_and_free_above():
    q = evaluate(BEAUTY, cart_of("150.00"), None, AT)
    (fee,) = q.fees
    assert (fee.code, fee.amount, fee.vat_rate, fee.rule) == ("shipping", D("15"), D("20"), "O3")
    assert q.totals.excl_vat == D("165.00") and q.totals.vat == D("33.00")
    assert q.totals.incl_vat == D("198.00")
    assert evaluate(BEAUTY, cart_of("250.00"), None, AT).fees == ()
    assert evaluate(BEAUTY, cart_of("200.00"), None, AT).fees == ()  # "à partir de" 200


def test_frequency_fee_from_the_third_order_per_started_bracket():
    ctx = BuyerContext(orders_this_month=2)
    q = evaluate(BEAUTY, cart_of("2500.00"), ctx, AT)
    (fee,) = [f for f in q.fees if f.code == "frequency_fee"]
    assert (fee.amount, fee.rule) == (D("72"), "O5")
    assert evaluate(BEAUTY, cart_of("2500.00"), BuyerContext(orders_this_month=1), AT).fees == ()


def test_one_order_a_month_refused():
    q = evaluate(INTRANET, cart_of("400.00", pack=12), BuyerContext(orders_this_month=1), AT)
    assert "too_many_orders_this_month" in codes(q.violations)


def test_round_to_nearest_packaging_standard():
    cart = Cart(
        (line("A", 10, "15.00", pack=6), line("B", 8, "20.00", pack=6), line("C", 2, "50", pack=6))
    )
    q = evaluate(BEAUTY, cart, None, AT)
    assert [(ln.requested_quantity, ln.quantity) for ln in q.lines] == [(10, 12), (8, 6), (2, 6)]
    assert [ln.net_amount for ln in q.lines] == [D("180.00"), D("120.00"), D("300.00")]
    (w,) = q.warnings
    assert (w.code, w.rule) == ("quantity_adjusted", "O4")
    assert "A 10 → 12 (by 6), B 8 → 6 (by 6), C 2 → 6 (by 6)" in w.explanation.en


def test_case_surcharge_or_refusal():
    cart = Cart((line("JAR", 30, "10.00"),))
    q = evaluate(INTRANET, cart, None, AT)
    (fee,) = [f for f in q.fees if f.code == "case_surcharge"]
    assert (fee.amount, fee.rule, fee.clause.article) == (D("10"), "O4", "Article 2")
    assert q.lines[0].quantity == 30
    refusing = replace(INTRANET, packaging=replace(INTRANET.packaging, mode="refuse"))
    assert codes(evaluate(refusing, cart, None, AT).violations) == ["not_case_multiple"]
    assert evaluate(INTRANET, Cart((line("JAR", 36, "10.00"),)), None, AT).fees == ()


def test_minimum_with_logistics_fee_by_zone():
    q = evaluate(INTRANET, Cart((line("JAR", 12, "10.00"),), zone="south"), None, AT)
    assert [(f.code, f.amount, f.rule) for f in q.fees] == [("logistics_fee", D("30"), "O2")]
    q = evaluate(INTRANET, Cart((line("JAR", 12, "10.00"),)), None, AT)
    assert q.fees[0].amount == D("25") and q.accepted


def test_monthly_processing_second_tuesday():
    q = evaluate(INTRANET, cart_of("400.00"), None, AT)
    d = {x.code: x for x in q.deadlines}
    assert d["processing_date"].date == date(2026, 11, 10)
    assert d["processing_date"].rule == "O6"
    assert d["estimated_delivery"].date == date(2026, 11, 20)  # 10 days after processing
    on_the_day = datetime(2026, 11, 10, 9, tzinfo=UTC)
    later = {x.code: x.date for x in evaluate(INTRANET, cart_of("400"), None, on_the_day).deadlines}
    assert later["processing_date"] == date(2026, 12, 8)


def test_acceptance_two_business_days_and_offer_lapse():
    friday = datetime(2026, 11, 6, 15, tzinfo=UTC)
    d = {x.code: x for x in evaluate(WHOLESALE, cart_of("10"), None, friday).deadlines}
    assert d["acceptance_due"].date == date(2026, 11, 10)  # Mon 9, Tue 10
    assert d["acceptance_due"].rule == "O8"
    # Tue 10 Nov: 11 Nov is a holiday → Thu 12, Fri 13
    tuesday = datetime(2026, 11, 10, 8, tzinfo=UTC)
    assert evaluate(WHOLESALE, cart_of("10"), None, tuesday).deadlines[0].date == date(2026, 11, 13)
    d = {x.code: x for x in evaluate(DIGITAL, cart_of("10"), None, AT).deadlines}
    assert d["acceptance_due"].date == date(2026, 11, 10)  # 6, 7, 8, 9, 10 Nov
    assert "lapse" in d["acceptance_due"].explanation.en


def test_at_is_read_in_paris_time():
    late_evening_utc = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert order_day(late_evening_utc) == date(2026, 12, 1)
    with pytest.raises(ValueError):
        evaluate(BEAUTY, cart_of("150"), None, datetime(2026, 11, 5))  # noqa: DTZ001


def test_tiers_and_promotions():
    cart = Cart((line("A", 10, "150.00"), line("PROMO-1", 1, "100.00", brand="PROMO")))
    q = evaluate(BEAUTY, cart, None, datetime(2026, 12, 2, tzinfo=UTC))
    by = {d.code: d.amount for d in q.discounts}
    # 1,600 € → tier 2 % on A only (the promotion replaces the tier on its line)
    assert by == {"tier": D("30.00"), "promotion": D("10.00")}
    assert q.lines[0].unit_price == D("147.00") and q.lines[1].unit_price == D("90.00")
    assert q.totals.excl_vat == D("1560.00")
    assert all(d.rule == "C4" for d in q.discounts)


def test_voucher_applied_or_refused_with_reason():
    v = VoucherInput("WELCOME20", D("20"), excluded_skus=frozenset({"EXCLUDED"}))
    q = evaluate(DIGITAL, Cart((line("APP", 1, "30.00"),), voucher=v), None, AT)
    assert [(d.code, d.amount, d.rule) for d in q.discounts] == [("voucher", D("20"), "O15")]
    assert q.totals.excl_vat == D("10.00")
    q = evaluate(
        DIGITAL, Cart((line("EXCLUDED", 1, "30"), line("APP", 1, "10")), voucher=v), None, AT
    )
    assert q.discounts == () and codes(q.warnings) == ["voucher_below_value"]
    expired = VoucherInput("OLD", D("5"), valid_to=date(2026, 1, 31))
    q = evaluate(DIGITAL, Cart((line("APP", 1, "30"),), voucher=expired), None, AT)
    assert codes(q.warnings) == ["voucher_out_of_period"]
    q = evaluate(BEAUTY, cart_of("150", voucher=v), None, AT)
    assert codes(q.warnings) == ["voucher_not_accepted"]


def test_voucher_split_over_vat_rates_sums_exactly():
    v = VoucherInput("TEN", D("10.00"))
    cart = Cart((line("A", 1, "33.33", vat="20"), line("B", 1, "66.67", vat="5.5")), voucher=v)
    q = evaluate(DIGITAL, cart, None, AT)
    assert sum(d.amount for d in q.discounts) == D("10.00")
    assert {d.vat_rate: d.amount for d in q.discounts} == {D("20"): D("3.33"), D("5.5"): D("6.67")}


def test_vat_per_rate_on_summed_bases_domain_notes_7_2():
    lines = [D("100.20"), D("27.93"), D("35.01")]
    rates = [D("20"), D("5.5"), D("10")]
    ship = Charge("shipping", D("15.00"), D("20"), "O3", BEAUTY.shipping.clause, None)  # type: ignore[arg-type]
    t = compute_totals(lines, rates, [ship], [])
    assert {v.rate: (v.base, v.vat) for v in t.vat_breakdown} == {
        D("20"): (D("115.20"), D("23.04")),
        D("5.5"): (D("27.93"), D("1.54")),
        D("10"): (D("35.01"), D("3.50")),
    }
    assert (t.excl_vat, t.vat, t.incl_vat) == (D("178.14"), D("28.08"), D("206.22"))
    three = compute_totals([D("10.33")] * 3, [D("20")] * 3, [], [])
    assert three.vat == D("6.20")


def test_payment_options_cash_discount_and_financial_fees():
    q = evaluate(BEAUTY, cart_of("500.00"), None, datetime(2026, 11, 20, 10, tzinfo=UTC))
    lcr30, transfer30, lcr60, transfer60 = q.payment_options
    assert lcr30.due_dates == (date(2026, 12, 31),)
    assert (lcr30.discount, lcr30.discount_deadline) == (D("5.00"), date(2026, 11, 28))
    assert lcr30.amount_with_discount == D("594.00")  # 600 − 5 − 1 VAT
    assert transfer30.discount is None and transfer30.financial_fee is None
    assert lcr60.financial_fee is None  # LCR exempt
    assert transfer60.financial_fee == D("9.00")  # 31 days beyond → 1.5 % of 600


def test_instalments_and_deferrals():
    q = evaluate(MARKETPLACE, cart_of("100.00"), None, AT)
    labels = [o.label for o in q.payment_options]
    assert labels == [
        "60 jours",
        "60 jours ×2",
        "60 jours ×3",
        "60 jours ×4",
        "60 jours +30",
        "60 jours +45",
        "60 jours +60",
    ]
    three = q.payment_options[2]
    assert sum(i.amount for i in three.instalments) == q.totals.incl_vat
    assert [i.amount for i in three.instalments] == [D("40.00"), D("40.00"), D("40.00")]
    assert q.payment_options[4].due_dates == (date(2027, 2, 3),)


def test_eligibility_selective_brand_consumer_and_unpaid():
    cart = Cart((line("K1", 10, "30", brand="KERASTASE"),))
    q = evaluate(BEAUTY, cart, None, AT)
    assert codes(q.violations) == ["selective_brand_not_approved"]
    ok = evaluate(BEAUTY, cart, BuyerContext(approved_brands=frozenset({"KERASTASE"})), AT)
    assert ok.accepted
    assert "consumers_not_served" in codes(
        evaluate(BEAUTY, cart_of("150"), BuyerContext(is_consumer=True), AT).violations
    )
    assert "destination_not_allowed" in codes(
        evaluate(BEAUTY, cart_of("150", delivery_country="US"), None, AT).violations
    )
    ctx = BuyerContext(unpaid_amount=D("1900"), deposit=D("2000"))
    w = evaluate(INTRANET, cart_of("400", pack=12), ctx, AT).warnings
    assert {"unpaid_previous_orders", "deposit_exceeded"} <= set(codes(w))


def test_credit_limit_and_payment_method_warnings():
    q = evaluate(
        BEAUTY, cart_of("1000", payment_method="paypal"), BuyerContext(credit_limit=D("500")), AT
    )
    assert {"credit_limit_exceeded", "payment_method_not_offered"} <= set(codes(q.warnings))


def test_json_shape_amounts_as_strings():
    data = quote_to_json(evaluate(BEAUTY, cart_of("150.00"), None, AT))
    assert data["lines"][0] == {
        "sku": "SKU-0",
        "requested_quantity": 1,
        "quantity": 1,
        "unit_price": "150.00",
        "list_unit_price": "150.00",
        "net_amount": "150.00",
        "vat_rate": "20",
    }
    assert data["fees"][0]["amount"] == "15.00" and data["fees"][0]["rule"] == "O3"
    assert set(data["fees"][0]["explanation"]) == {"fr", "en"}
    assert data["totals"] == {
        "lines": "150.00",
        "fees": "15.00",
        "discounts": "0.00",
        "excl_vat": "165.00",
        "vat": "33.00",
        "incl_vat": "198.00",
        "vat_breakdown": [{"rate": "20", "base": "165.00", "vat": "33.00"}],
    }
    assert data["payment_options"][0]["due_dates"] == ["2026-12-31"]
    assert set(data["deadlines"]) == {"estimated_delivery", "contestation_deadline"}
