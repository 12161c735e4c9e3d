"""The examples every preset must reproduce, through the shipped presets and their loader."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from comptoir.terms.engine.evaluate import evaluate
from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine
from comptoir.terms.engine.serialize import quote_to_json
from comptoir.terms.loader import load_preset

AT = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def beauty():
    return load_preset("selective-beauty")


def cart(amount: str, qty: int = 1, pack: int = 1, sku: str = "SHAMPOO") -> Cart:
    return Cart((CartLine(sku, qty, D(amount), D("20"), pack),))


def test_beauty_90_refused(beauty):
    q = evaluate(beauty, cart("90.00"), None, AT)
    assert [(v.code, v.rule, v.clause.article) for v in q.violations] == [
        ("below_minimum_order", "O2", "Art. 3")
    ]
    assert "100 euros HT" in q.violations[0].clause.text


def test_beauty_150_pays_15_shipping(beauty):
    q = evaluate(beauty, cart("150.00"), None, AT)
    assert q.accepted
    assert [(f.code, f.amount, f.vat_rate, f.rule) for f in q.fees] == [
        ("shipping", D("15.00"), D("20"), "O3")
    ]
    assert (q.totals.excl_vat, q.totals.vat, q.totals.incl_vat) == (
        D("165.00"),
        D("33.00"),
        D("198.00"),
    )


def test_beauty_250_ships_free(beauty):
    q = evaluate(beauty, cart("250.00"), None, AT)
    assert q.fees == () and q.totals.excl_vat == D("250.00")


def test_beauty_third_order_in_month_pays_24_per_started_1000(beauty):
    q = evaluate(beauty, cart("2500.00"), BuyerContext(orders_this_month=2), AT)
    (fee,) = q.fees
    assert (fee.code, fee.amount, fee.rule) == ("frequency_fee", D("72.00"), "O5")
    assert "24 euros HT par tranche de 1 000 euros HT" in fee.clause.text
    second = evaluate(beauty, cart("2500.00"), BuyerContext(orders_this_month=1), AT)
    assert second.fees == ()


def test_beauty_quantities_round_to_nearest_standard(beauty):
    q = evaluate(beauty, cart("12.50", qty=14, pack=6), None, AT)
    assert (q.lines[0].requested_quantity, q.lines[0].quantity) == (14, 12)
    assert q.lines[0].net_amount == D("150.00")
    (w,) = q.warnings
    assert (w.code, w.rule) == ("quantity_adjusted", "O4")


def test_intranet_30_units_with_cases_of_12():
    intranet = load_preset("monthly-intranet")
    c = cart("10.00", qty=30)
    q = evaluate(intranet, c, BuyerContext(deposit=D("2000")), AT)
    # the surcharge is set in the buyer's contract: without it the buyer is warned
    assert [(w.code, w.rule) for w in q.warnings] == [("case_surcharge_per_contract", "O4")]
    q = evaluate(
        intranet, c, BuyerContext(deposit=D("2000"), contract_case_surcharge=D("12.00")), AT
    )
    assert [(f.code, f.amount, f.rule) for f in q.fees] == [("case_surcharge", D("12.00"), "O4")]
    assert q.lines[0].quantity == 30
    assert q.fees[0].clause.article


def test_intranet_processing_second_tuesday():
    q = evaluate(load_preset("monthly-intranet"), cart("100.00", qty=12), None, AT)
    d = {x.code: x for x in q.deadlines}
    assert d["processing_date"].date == date(2026, 11, 10)
    assert d["processing_date"].date.weekday() == 1
    assert d["processing_date"].rule == "O6"


def test_intranet_second_order_of_the_month_refused():
    q = evaluate(
        load_preset("monthly-intranet"), cart("100", 12), BuyerContext(orders_this_month=1), AT
    )
    assert "too_many_orders_this_month" in [v.code for v in q.violations]


def test_electronics_acceptance_two_days():
    doc = load_preset("electronics-wholesale")
    monday = datetime(2026, 11, 16, 9, tzinfo=UTC)
    d = {x.code: x for x in evaluate(doc, cart("100"), None, monday).deadlines}
    assert d["acceptance_due"].date == date(2026, 11, 18)
    assert d["acceptance_due"].rule == "O8"
    # the preset counts "deux (2) jours ouvrables" (Mon–Sat): Tue 10 Nov → Thu 12 (11 Nov holiday)
    tuesday = datetime(2026, 11, 10, 9, tzinfo=UTC)
    d = {x.code: x for x in evaluate(doc, cart("100"), None, tuesday).deadlines}
    assert d["acceptance_due"].date == date(2026, 11, 13)


def test_digital_offer_lapses_after_5_days_from_next_day():
    doc = load_preset("digital-goods")
    d = {x.code: x for x in evaluate(doc, cart("100"), None, AT).deadlines}
    assert d["acceptance_due"].date == date(2026, 11, 10)
    assert "lapse" in d["acceptance_due"].explanation.en


def test_marketplace_commission_is_not_in_the_buyers_quote():
    q = evaluate(load_preset("marketplace"), cart("1000.00"), None, AT)
    data = quote_to_json(q)
    text = str(data).lower()
    assert "commission" not in text
    assert data["totals"]["excl_vat"] == "1000.00" and data["totals"]["incl_vat"] == "1200.00"
    assert q.fees == () and q.discounts == ()


def test_beauty_selective_lines_to_the_us_refused_to_switzerland_accepted(beauty):
    """Seed 003 §11: no export of selective brands outside the EEA, the EFTA and the UK."""
    ctx = BuyerContext(approved_brands=frozenset({"KERASTASE"}))
    line = CartLine("SH-1", 10, D("25.00"), D("20"), brand="KERASTASE", selective=True)
    us = evaluate(beauty, Cart((line,), delivery_country="US"), ctx, AT)
    assert [(v.code, v.rule, v.clause.article) for v in us.violations] == [
        ("selective_export_not_allowed", "C2", "Art. 11")
    ]
    ch = evaluate(beauty, Cart((line,), delivery_country="CH"), ctx, AT)
    assert ch.accepted


def test_electronics_manual_handling_fee_from_the_buyer_contract():
    """Seed 002 §4.3: manual handling may bear a fee notified at acceptance (per buyer)."""
    ew = load_preset("electronics-wholesale")
    c = Cart((CartLine("TV-1", 2, D("400.00"), D("20")),), manual_handling=True)
    q = evaluate(ew, c, BuyerContext(contract_handling_fee=D("15.00")), AT)
    assert ("handling_fee", D("15.00"), "O11") in [(f.code, f.amount, f.rule) for f in q.fees]
    q = evaluate(ew, c, None, AT)
    assert ("handling_fee_possible", "O11") in [(w.code, w.rule) for w in q.warnings]
