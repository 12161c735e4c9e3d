"""The five presets load, pass the legal linter (no errors) and encode their seed's key terms."""

from decimal import Decimal

import pytest

from comptoir.terms.linter import errors, lint
from comptoir.terms.loader import PRESET_NAMES, PRESETS_DIR, load_preset


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_preset_loads_and_has_no_linter_error(name):
    doc = load_preset(name)
    assert doc.meta.preset == name
    assert errors(lint(doc)) == []


def test_every_preset_file_is_listed():
    assert sorted(p.stem for p in PRESETS_DIR.glob("*.toml")) == sorted(PRESET_NAMES)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_payment_option_and_interest_cite_a_clause(name):
    doc = load_preset(name)
    assert all(o.clause is not None for o in doc.payment.options)
    assert doc.late_payment.interest.clause is not None
    assert doc.late_payment.fixed_indemnity is not None


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_seller_names_are_fictional(name):
    text = (PRESETS_DIR / f"{name}.toml").read_text(encoding="utf-8").lower()
    for real in (
        "ankorstore",
        "mbt holding",
        "ticsa",
        "nedis",
        "l'oréal",
        "l’oréal",
        "loreal",
        "kerastase",
        "web agency",
        "alma",
    ):
        assert real not in text, real


def test_selective_beauty():
    doc = load_preset("selective-beauty")
    o = doc.ordering
    assert o.minimum_order.amount == Decimal("100.00")
    assert o.minimum_order.policy == "refuse"
    assert o.shipping.free_threshold == Decimal("200.00")
    assert o.shipping.fee == Decimal("15.00")
    assert o.case_multiples.policy == "round_to_nearest_standard"
    f = o.frequency
    assert (f.policy, f.free_orders, f.fee_per_bracket, f.bracket, f.bracket_rounding) == (
        "fee",
        2,
        Decimal("24.00"),
        Decimal("1000.00"),
        "started",
    )
    assert f.period == "calendar_month"
    p = doc.payment
    assert {opt.due.days for opt in p.options} == {30}
    assert {opt.due.convention for opt in p.options} == {"days_then_end_of_month"}
    d = p.cash_discount
    assert (d.percent, d.within_days, d.base) == (Decimal("1"), 8, "excl_vat_incl_shipping")
    assert sorted(d.methods) == ["lcr", "sepa_debit"]
    fees = p.financial_fees
    assert (fees.percent, fees.per_days, fees.granularity_days) == (Decimal("1"), 30, 15)
    assert sorted(fees.exempt_methods) == ["lcr", "sepa_debit"]
    assert fees.beyond.days == 30
    i = doc.late_payment.interest
    assert (i.kind, i.multiplier, i.rate_date, i.base) == (
        "legal_rate_multiple",
        Decimal("3"),
        "invoice_date",
        "incl_vat",
    )
    assert doc.late_payment.fixed_indemnity.amount == Decimal("40.00")
    assert doc.rebates.period == "quarter"
    lt = doc.fulfilment.lead_time
    assert (lt.amount, lt.unit, lt.from_) == (6, "business_days", "order_receipt")
    assert doc.late_payment.resolution.indemnity_percent == Decimal("15")
    assert doc.pricing.tariff_change.notice.amount == 8


def test_monthly_intranet():
    doc = load_preset("monthly-intranet")
    pr = doc.ordering.processing
    assert (pr.mode, pr.weekday, pr.nth, pr.edit_until) == ("monthly", "tuesday", 2, "processing")
    c = doc.ordering.case_multiples
    assert (c.policy, c.case_size) == ("surcharge", 12)
    # seed 001 §2 names no amount for the surcharge: it is left to each partner's contract
    assert c.surcharge is None and c.surcharge_defined_in == "buyer_contract"
    assert (doc.ordering.frequency.policy, doc.ordering.frequency.max_orders) == ("refuse", 1)
    assert doc.credit.security_deposit.amount == Decimal("2000.00")
    (option,) = doc.payment.options
    assert option.method == "sepa_debit"
    assert (option.due.basis, option.due.days) == ("invoice", 15)
    assert (option.collection.basis, option.collection.days) == ("order", 15)
    lp = doc.late_payment
    assert (lp.interest.kind, lp.interest.multiplier) == ("legal_rate_multiple", Decimal("5"))
    assert lp.fixed_indemnity.amount == Decimal("40.00")
    assert lp.litigation_penalty.percent == Decimal("20")
    assert lp.acceleration.enabled
    assert lp.resolution.after_formal_notice.amount == 8
    assert lp.resolution.deposit_deduction
    assert doc.fulfilment.returnable_deposits.items[0].unit == "bocal"
    assert doc.after_sales.warranty.provided is False
    assert doc.payment.allocation.order == "oldest_debt_first"
    assert doc.invoicing.moment == "at_order_end"


def test_electronics_wholesale():
    doc = load_preset("electronics-wholesale")
    a = doc.ordering.acceptance
    assert (a.mode, a.deadline.amount, a.deadline.unit) == ("manual", 2, "working_days")
    assert a.on_silence == "pending" and a.buyer_order_irrevocable
    (option,) = doc.payment.options
    assert option.due.convention == "immediate"
    lp = doc.late_payment
    assert (lp.interest.kind, lp.interest.rate) == ("monthly", Decimal("1.5"))
    assert (lp.collection_costs.percent, lp.collection_costs.minimum) == (
        Decimal("15"),
        Decimal("150.00"),
    )
    assert doc.after_sales.rma.validity.amount == 30
    w = doc.after_sales.warranty
    assert (w.own_brand.months, w.own_brand.max_months_after_delivery) == (24, 27)
    assert (w.professional_use.months, w.professional_use.max_months_after_delivery) == (12, 15)
    assert w.consumables.max_unit_price == Decimal("30.00")
    assert w.no_fault_fee_minimum == Decimal("20.00")
    c = doc.fulfilment.contestation
    assert (c.deadline.amount, c.deadline.unit) == (10, "business_days")
    assert doc.payment.allocation.order == "interest_and_costs_first"
    assert doc.force_majeure.suspend_up_to.amount == 2


def test_marketplace():
    doc = load_preset("marketplace")
    c = doc.marketplace.commission
    assert (c.percent, c.base, c.vat_on_commission) == (
        Decimal("15"),
        "incl_vat_incl_shipping",
        True,
    )
    k = doc.fulfilment.contestation
    assert (k.deadline.amount, k.deadline.unit, k.from_, k.from_excluded) == (
        3,
        "business_days",
        "delivery",
        True,
    )
    assert (k.mode, k.on_silence) == ("validate_or_silence", "conform")
    assert doc.invoicing.moment == "at_freeze"
    assert doc.invoicing.billing_mandate is not None
    options = {o.id: o for o in doc.payment.options}
    assert options["cash"].due.convention == "immediate"
    sepa = options["sepa-60"]
    assert (sepa.method, sepa.due.basis, sepa.due.days) == ("sepa_debit", "validation", 60)
    fin = options["financing"]
    assert fin.deferrals == [30, 45, 60] and fin.instalments == [2, 3, 4]
    assert fin.invoice_assigned
    i = doc.late_payment.interest
    assert (i.kind, i.rate) == ("fixed_annual", Decimal("8"))


def test_digital_goods():
    doc = load_preset("digital-goods")
    a = doc.ordering.acceptance
    assert (a.deadline.amount, a.deadline.unit, a.on_silence) == (5, "days_from_next_day", "lapse")
    assert doc.ordering.vouchers.one_per_order
    assert doc.consumers.allowed
    assert "digital_content_started_with_waiver" in doc.consumers.withdrawal.exceptions
    options = {o.method: o for o in doc.payment.options}
    assert options["pay_by_invoice"].due.days == 7
    assert options["sepa_debit"].due.basis == "issue"
    i = doc.late_payment.interest
    assert (i.kind, i.reference, i.points) == ("reference_plus_points", "ecb", Decimal("9"))
    assert doc.late_payment.reminder_fee.amount == Decimal("1.50")
    lt = doc.fulfilment.lead_time
    assert (lt.amount, lt.unit) == (48, "business_hours")
    assert doc.pricing.prices_include_vat
