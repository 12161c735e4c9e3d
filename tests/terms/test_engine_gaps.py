"""C2 export zones, O11 manual-handling fee, instalment spacing, cash-discount window basis,
direct-debit collection date, litigation-penalty base and the O4 per-contract surcharge."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from comptoir.terms.engine.adapter import compile_policy
from comptoir.terms.engine.evaluate import evaluate
from comptoir.terms.engine.inputs import BuyerContext, Cart, CartLine
from comptoir.terms.engine.jsonio import parse_context
from comptoir.terms.engine.serialize import quote_to_json
from comptoir.terms.interest import (
    AmountBasis,
    InterestFormula,
    LatePaymentTerms,
    late_interest,
    litigation_base,
)
from comptoir.terms.loader import TermsInvalid, load_preset, load_terms
from comptoir.terms.schema.zones import EU_MEMBERS, ZONES, expand_zones

AT = datetime(2026, 11, 5, 10, tzinfo=UTC)  # Thursday 5 November 2026, Paris

MINIMAL = """
[meta]
title = "CGV"

[seller]
name = "Vendeur exemple"

[late_payment.interest]
kind = "legal_rate_multiple"
multiplier = "3"
"""
TRANSFER = """
[[payment.options]]
id = "transfer-30"
method = "transfer"
due = { basis = "invoice", days = 30 }
"""


def doc(extra: str, payment: str = TRANSFER):
    return load_terms(MINIMAL + payment + extra)


def selective_cart(country: str, *, selective: bool = True, brand: str = "LUXE") -> Cart:
    return Cart(
        (
            CartLine("SH-1", 10, D("25.00"), D("20"), brand=brand, selective=selective),
            CartLine("BR-1", 2, D("10.00"), D("20")),
        ),
        delivery_country=country,
    )


APPROVED = BuyerContext(approved_brands=frozenset({"LUXE"}))

# ---------------------------------------------------------------------------------------------
# zones (pure helper)
# ---------------------------------------------------------------------------------------------


def test_named_zones_expand_to_the_real_country_lists():
    assert len(EU_MEMBERS) == 27 and "GB" not in EU_MEMBERS and "GR" in EU_MEMBERS
    eea = expand_zones(["EEA"])
    assert EU_MEMBERS | {"IS", "LI", "NO"} <= eea and "CH" not in eea and "GB" not in eea
    assert expand_zones(["EFTA"]) == {"IS", "LI", "NO", "CH"}
    assert expand_zones(["UK"]) == {"GB"}
    assert expand_zones(["EEA", "EFTA", "UK"]) == ZONES["EEA"] | {"CH", "GB"}
    assert expand_zones(["FR", "MC"]) == {"FR", "MC"}
    assert {"RE", "GP", "MQ", "GF", "YT"} <= ZONES["EU"]  # French outermost regions are EU
    with pytest.raises(ValueError):
        expand_zones(["EUROPE"])


def test_unknown_zone_is_a_located_schema_error():
    text = """
[pricing.selective_distribution.export]
allowed_zones = ["EEA", "fr", "Schengen"]
"""
    with pytest.raises(TermsInvalid) as caught:
        doc(text)
    assert "pricing.selective_distribution.export.allowed_zones" in str(caught.value)
    assert "fr, Schengen" in str(caught.value)
    with pytest.raises(TermsInvalid):
        doc("[pricing.selective_distribution.export]\nallowed_zones = []\n")


# ---------------------------------------------------------------------------------------------
# C2 — export restriction on selective lines (seed 003 §11)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def beauty():
    return load_preset("selective-beauty")


@pytest.mark.parametrize("country", ["FR", "DE", "NO", "IS", "LI", "CH", "GB", "RE"])
def test_selective_lines_may_go_inside_eea_efta_uk(beauty, country):
    q = evaluate(beauty, selective_cart(country), APPROVED, AT)
    assert [v.code for v in q.violations] == [], country


@pytest.mark.parametrize("country", ["US", "CN", "AE", "TR", "MC"])
def test_selective_lines_outside_the_zones_are_refused_citing_c2_and_art_11(beauty, country):
    q = evaluate(beauty, selective_cart(country), APPROVED, AT)
    (v,) = q.violations
    assert (v.code, v.rule, v.clause.article) == ("selective_export_not_allowed", "C2", "Art. 11")
    assert "Espace Économique Européen" in v.clause.text
    assert "SH-1" in v.explanation.en and "BR-1" not in v.explanation.en
    assert country in v.explanation.fr and "EEA, EFTA, UK" in v.explanation.en
    assert "EEE, AELE, Royaume-Uni" in v.explanation.fr
    assert not q.accepted
    row = quote_to_json(q)["violations"][0]
    assert (row["code"], row["rule"]) == ("selective_export_not_allowed", "C2")


def test_non_selective_cart_may_be_exported(beauty):
    q = evaluate(beauty, selective_cart("US", selective=False), None, AT)
    assert q.violations == ()


def test_unapproved_buyer_gets_both_c2_violations_with_the_section_clause(beauty):
    q = evaluate(beauty, selective_cart("US"), None, AT)
    assert [(v.code, v.rule, v.clause.article) for v in q.violations] == [
        ("selective_brand_not_approved", "C2", "Art. 11"),
        ("selective_export_not_allowed", "C2", "Art. 11"),
    ]


def test_preset_compiles_the_zones(beauty):
    e = compile_policy(beauty).eligibility
    assert e.selective_allowed_countries == ZONES["EEA"] | {"CH", "GB"}
    assert e.allowed_countries is None  # only selective lines are restricted


def test_all_lines_restriction_and_iso_codes():
    d = doc(
        """
[pricing.selective_distribution.export]
allowed_zones = ["EU", "MC"]
applies_to = "all_lines"
clause = { article = "Art. 9", text = "Livraison dans l'Union européenne et à Monaco." }
"""
    )
    assert evaluate(d, selective_cart("MC", selective=False), None, AT).violations == ()
    q = evaluate(d, selective_cart("NO", selective=False), None, AT)
    assert [(v.code, v.rule, v.clause.article) for v in q.violations] == [
        ("destination_not_allowed", "C2", "Art. 9")
    ]


def test_selective_brand_listed_in_policy_counts_as_selective():
    from dataclasses import replace

    d = doc('[pricing.selective_distribution.export]\nallowed_zones = ["EEA"]\n')
    policy = compile_policy(d)
    policy = replace(
        policy, eligibility=replace(policy.eligibility, selective_brands=frozenset({"LUXE"}))
    )
    q = evaluate(policy, selective_cart("US", selective=False), APPROVED, AT)
    assert [v.code for v in q.violations] == ["selective_export_not_allowed"]


# ---------------------------------------------------------------------------------------------
# O11 — manual-handling fee (seed 002 §4.3 and §4.8)
# ---------------------------------------------------------------------------------------------

HANDLING = """
[ordering.changes]
manual_handling_fee = true
manual_handling_fee_amount = "25.00"
clause = { article = "Art. 4", text = "Frais de traitement manuel de 25 euros HT." }
"""


def handling_cart(manual: bool = True) -> Cart:
    return Cart((CartLine("P-1", 1, D("500.00"), D("20")),), manual_handling=manual)


def test_handling_fee_with_an_amount_is_charged_when_the_cart_needs_it():
    d = doc(HANDLING)
    q = evaluate(d, handling_cart(), None, AT)
    (fee,) = q.fees
    assert (fee.code, fee.amount, fee.vat_rate, fee.rule, fee.clause.article) == (
        "handling_fee",
        D("25.00"),
        D("20"),
        "O11",
        "Art. 4",
    )
    assert q.totals.excl_vat == D("525.00") and q.totals.incl_vat == D("630.00")
    assert evaluate(d, handling_cart(manual=False), None, AT).fees == ()


def test_handling_bool_alone_keeps_working_and_warns():
    d = doc("[ordering.changes]\nmanual_handling_fee = true\n")
    q = evaluate(d, handling_cart(), None, AT)
    assert q.fees == ()
    (w,) = q.warnings
    assert (w.code, w.rule) == ("handling_fee_possible", "O11")
    assert "acceptation" in w.explanation.fr
    assert evaluate(doc(""), handling_cart(), None, AT).warnings == ()  # no handling provision


def test_electronics_handling_fee_comes_from_the_buyer_contract():
    ew = load_preset("electronics-wholesale")
    changes = ew.ordering.changes
    assert changes.manual_handling_fee and changes.manual_handling_fee_amount is None
    assert changes.manual_handling_fee_defined_in == "buyer_contract"
    c = handling_cart()
    q = evaluate(ew, c, None, AT)
    assert "handling_fee" not in [f.code for f in q.fees]
    (w,) = [w for w in q.warnings if w.rule == "O11"]
    assert w.code == "handling_fee_possible" and w.clause.article == "Art. 4.3 et 4.8"
    assert "contrat" in w.explanation.fr and "contract" in w.explanation.en
    q = evaluate(ew, c, BuyerContext(contract_handling_fee=D("18.00")), AT)
    (fee,) = [f for f in q.fees if f.code == "handling_fee"]
    assert (fee.amount, fee.rule, fee.clause.article) == (D("18.00"), "O11", "Art. 4.3 et 4.8")
    assert not [w for w in q.warnings if w.rule == "O11"]


def test_context_json_takes_the_contract_handling_fee():
    assert parse_context({"contract_handling_fee": "18.00"}).contract_handling_fee == D("18.00")


def test_handling_amount_needs_the_flag():
    with pytest.raises(TermsInvalid) as caught:
        doc('[ordering.changes]\nmanual_handling_fee_amount = "10.00"\n')
    assert "manual_handling_fee = true" in str(caught.value)
    with pytest.raises(TermsInvalid):
        doc('[ordering.changes]\nmanual_handling_fee_defined_in = "buyer_contract"\n')


# ---------------------------------------------------------------------------------------------
# PT3 instalment spacing, PT2/PT6 cash-discount basis, SEPA collection date
# ---------------------------------------------------------------------------------------------

FINANCING = """
[[payment.options]]
id = "financing"
method = "financing_partner"
partner = "Financeur SAS"
due = { basis = "order", convention = "immediate" }
instalments = [3]
"""


def test_instalment_spacing_defaults_to_30_days():
    d = doc("", FINANCING)
    assert d.payment.options[0].instalment_spacing_days == 30
    q = evaluate(d, handling_cart(False), None, AT)
    (split,) = [o for o in q.payment_options if o.instalments]
    assert split.due_dates == (date(2026, 11, 5), date(2026, 12, 5), date(2027, 1, 4))


def test_instalment_spacing_is_configurable():
    d = doc("", FINANCING + "instalment_spacing_days = 15\n")
    q = evaluate(d, handling_cart(False), None, AT)
    (split,) = [o for o in q.payment_options if o.instalments]
    assert split.due_dates == (date(2026, 11, 5), date(2026, 11, 20), date(2026, 12, 5))
    assert sum(i.amount for i in split.instalments) == q.totals.incl_vat
    with pytest.raises(TermsInvalid):
        doc("", FINANCING + "instalment_spacing_days = 0\n")


def _discount_doc(basis: str):
    return doc(
        f"""
[payment.cash_discount]
percent = "2"
within_days = 10
basis = "{basis}"
""",
        TRANSFER,
    )


def test_cash_discount_window_starts_at_the_basis_the_terms_name():
    invoice = date(2026, 11, 20)
    c = handling_cart(False)
    by_invoice = evaluate(_discount_doc("invoice"), c, None, AT, invoice_date=invoice)
    by_order = evaluate(_discount_doc("order"), c, None, AT, invoice_date=invoice)
    assert by_invoice.payment_options[0].discount_deadline == date(2026, 11, 30)
    assert by_order.payment_options[0].discount_deadline == date(2026, 11, 15)  # 5 Nov + 10
    assert by_order.payment_options[0].discount == D("10.00")
    assert "15/11/2026" in by_order.payment_options[0].explanation.fr
    # receipt is not known at quote time: taken as the invoice date
    by_receipt = evaluate(_discount_doc("receipt"), c, None, AT, invoice_date=invoice)
    assert by_receipt.payment_options[0].discount_deadline == date(2026, 11, 30)


def test_intranet_direct_debit_runs_15_days_after_the_order():
    intranet = load_preset("monthly-intranet")
    q = evaluate(intranet, handling_cart(False), BuyerContext(deposit=D("5000")), AT)
    (sepa,) = [o for o in q.payment_options if o.method == "sepa_debit"]
    assert sepa.collection_date == date(2026, 11, 20)  # seed 001 §4: order + 15 days
    assert sepa.due_dates == (date(2026, 11, 20),)  # invoice (= quote date) + 15 days
    assert "Prélèvement le 20/11/2026" in sepa.explanation.fr
    assert "Direct debit on 20/11/2026" in sepa.explanation.en
    later = evaluate(
        intranet,
        handling_cart(False),
        BuyerContext(deposit=D("5000")),
        AT,
        invoice_date=date(2026, 11, 10),
    )
    (sepa,) = [o for o in later.payment_options if o.method == "sepa_debit"]
    assert sepa.collection_date == date(2026, 11, 20) and sepa.due_dates == (date(2026, 11, 25),)
    row = next(o for o in quote_to_json(q)["payment_options"] if o["method"] == "sepa_debit")
    assert row["collection_date"] == "2026-11-20"


def test_options_without_collection_rule_have_no_collection_date():
    q = evaluate(doc(""), handling_cart(False), None, AT)
    assert q.payment_options[0].collection_date is None
    assert quote_to_json(q)["payment_options"][0]["collection_date"] is None


# ---------------------------------------------------------------------------------------------
# PT11 — litigation penalty base
# ---------------------------------------------------------------------------------------------


def _lit_terms(base: AmountBasis) -> LatePaymentTerms:
    return LatePaymentTerms(
        InterestFormula.FIXED_ANNUAL,
        D("0"),
        amount_basis=AmountBasis.EXCL_VAT,
        litigation_percent=D("20"),
        litigation_base=base,
    )


def test_litigation_penalty_uses_its_own_base():
    due, paid = date(2026, 1, 1), date(2026, 2, 1)
    incl = _lit_terms(AmountBasis.INCL_VAT)
    r = late_interest(
        D("1000.00"), due, paid, incl, litigation=True, incl_vat=D("1200.00"), excl_vat=D("1000")
    )
    assert {c.code: c.amount for c in r.costs} == {"litigation_penalty": D("240.00")}
    assert "TTC" in r.costs[0].formula
    excl = _lit_terms(AmountBasis.EXCL_VAT)
    r = late_interest(
        D("1000.00"), due, paid, excl, litigation=True, incl_vat=D("1200.00"), excl_vat=D("1000")
    )
    assert r.costs[0].amount == D("200.00")
    # without the amounts the penalty falls back to the principal (unchanged behaviour)
    assert late_interest(D("1000.00"), due, paid, incl, litigation=True).costs[0].amount == D(
        "200.00"
    )
    assert litigation_base(excl, D("120"), D("100")) == D("100")
    assert litigation_base(incl, D("120"), D("100")) == D("120")


def test_intranet_litigation_penalty_is_20_percent_incl_vat_citing_art_5():
    intranet = load_preset("monthly-intranet")
    late = compile_policy(intranet).late
    assert late.litigation_base is AmountBasis.INCL_VAT and late.litigation_percent == D("20")
    r = late_interest(
        D("1200.00"),
        date(2026, 1, 1),
        date(2026, 1, 31),
        intranet,
        litigation=True,
        incl_vat=D("1200.00"),
        excl_vat=D("1000.00"),
    )
    (lit,) = [c for c in r.costs if c.code == "litigation_penalty"]
    assert lit.amount == D("240.00") and lit.rule == "PT11" and lit.clause.article


def test_excl_vat_litigation_base_from_a_document():
    d = doc(
        """
[late_payment.litigation_penalty]
percent = "10"
base = "excl_vat"
clause = { article = "Art. 12", text = "Pénalité de 10 % du montant HT." }
"""
    )
    r = late_interest(
        D("1200.00"),
        date(2026, 1, 1),
        date(2026, 1, 31),
        d,
        litigation=True,
        incl_vat=D("1200.00"),
        excl_vat=D("1000.00"),
    )
    (lit,) = r.costs
    assert (lit.amount, lit.clause.article) == (D("100.00"), "Art. 12")


# ---------------------------------------------------------------------------------------------
# O4 — monthly intranet case surcharge left to the buyer's contract (seed 001)
# ---------------------------------------------------------------------------------------------


def test_intranet_case_surcharge_without_amount_warns_then_charges_the_contract_fee():
    intranet = load_preset("monthly-intranet")
    assert intranet.ordering.case_multiples.surcharge is None
    assert intranet.ordering.case_multiples.surcharge_defined_in == "buyer_contract"
    c = Cart((CartLine("VIN-1", 30, D("10.00"), D("20")),))
    q = evaluate(intranet, c, BuyerContext(deposit=D("5000")), AT)
    (w,) = [w for w in q.warnings if w.rule == "O4"]
    assert w.code == "case_surcharge_per_contract" and w.clause.article
    assert "contrat" in w.explanation.fr and "contract" in w.explanation.en
    assert "VIN-1" in w.explanation.en
    assert not [f for f in q.fees if f.rule == "O4"]
    ctx = BuyerContext(deposit=D("5000"), contract_case_surcharge=D("7.50"))
    q = evaluate(intranet, c, ctx, AT)
    (fee,) = [f for f in q.fees if f.rule == "O4"]
    assert (fee.code, fee.amount, fee.clause.article) == (
        "case_surcharge",
        D("7.50"),
        w.clause.article,
    )
    assert not [w for w in q.warnings if w.rule == "O4"]
    # a multiple of 12 bears nothing
    ok = evaluate(intranet, Cart((CartLine("VIN-1", 36, D("10.00"), D("20")),)), ctx, AT)
    assert not [f for f in ok.fees if f.rule == "O4"] and not [
        w for w in ok.warnings if w.rule == "O4"
    ]


# ---------------------------------------------------------------------------------------------
# linter: the new refusing / charging rules must quote their clause
# ---------------------------------------------------------------------------------------------


def test_linter_asks_for_the_clauses_of_export_zones_and_handling_fee():
    from comptoir.terms.linter import lint

    d = doc(
        """
[pricing.selective_distribution.export]
allowed_zones = ["EEA"]

[ordering.changes]
manual_handling_fee = true
manual_handling_fee_amount = "10.00"
"""
    )
    where = {f.location for f in lint(d) if f.code == "missing_clause"}
    assert {"pricing.selective_distribution.export.clause", "ordering.changes.clause"} <= where
    quiet = {f.location for f in lint(doc(HANDLING)) if f.code == "missing_clause"}
    assert "ordering.changes.clause" not in quiet
