"""Pure rules: EN 16931 totals, VAT per rate, prices incl. VAT, commission (no database)."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.billing import rules
from comptoir.billing.rules import Address, Adjustment, DocumentDraft, LineInput, PartySnapshot

ADDR = Address(line1="1 rue A", postcode="75001", city="Paris")
SELLER = PartySnapshot(name="Vendeur SAS", address=ADDR, siren="732829320", organization_id=1)
BUYER = PartySnapshot(name="Acheteur SARL", address=ADDR, siren="552100554", organization_id=2)


def draft(lines, **kw) -> DocumentDraft:
    return DocumentDraft(
        issuer=SELLER, recipient=BUYER, lines=tuple(lines), sale_date=date(2026, 11, 20), **kw
    )


def test_worked_example_of_domain_notes_7_2():
    totals = rules.compute_totals(
        draft(
            [
                LineInput("A", "A", D(12), D("8.35"), D(20)),
                LineInput("B", "B", D(7), D("3.99"), D("5.5")),
                LineInput("C", "C", D(3), D("11.67"), D(10)),
            ],
            fees=(Adjustment("Port", D("15.00"), D(20)),),
        )
    )
    assert totals.line_total == D("163.14")
    assert totals.charge_total == D("15.00")
    assert totals.total_excl_vat == D("178.14")
    assert [(v.rate, v.base, v.amount) for v in totals.vat] == [
        (D(20), D("115.20"), D("23.04")),
        (D(10), D("35.01"), D("3.50")),
        (D("5.5"), D("27.93"), D("1.54")),
    ]
    assert totals.total_vat == D("28.08")
    assert totals.total_incl_vat == D("206.22")


def test_vat_is_computed_per_rate_not_summed_per_line():
    totals = rules.compute_totals(draft([LineInput("x", "x", D(1), D("10.33"), D(20))] * 3))
    assert totals.total_vat == D("6.20")  # per line it would be 3 × 2.07 = 6.21


def test_prices_including_vat_derive_the_net_per_line():
    totals = rules.compute_totals(
        draft([LineInput("x", "x", D(3), D("10.00"), D(20), prices_include_vat=True)])
    )
    assert totals.lines[0].net_amount == D("25.00")
    assert totals.lines[0].net_unit_price == D("8.333333")
    assert totals.total_vat == D("5.00")
    assert totals.total_incl_vat == D("30.00")


def test_allowances_reduce_the_base_of_their_rate():
    totals = rules.compute_totals(
        draft(
            [LineInput("x", "x", D(10), D("10"), D(20))],
            discounts=(Adjustment("Remise 5 %", D("5.00"), D(20)),),
        )
    )
    assert totals.allowance_total == D("5.00")
    assert totals.total_excl_vat == D("95.00")
    assert totals.total_vat == D("19.00")


def test_a_document_needs_lines_and_positive_quantities():
    with pytest.raises(ValueError):
        rules.compute_totals(draft([]))
    with pytest.raises(ValueError):
        rules.compute_totals(draft([LineInput("x", "x", D(0), D(1), D(20))]))


def test_commission_is_15_percent_of_order_incl_vat_and_shipping_plus_vat():
    d = rules.commission_draft(
        operator=SELLER,
        seller=BUYER,
        order_number="C-1",
        order_total_incl_vat=D("1200.00"),
        shipping_incl_vat=D("24.00"),
        sale_date=date(2026, 11, 20),
    )
    totals = rules.compute_totals(d)
    assert totals.total_excl_vat == D("183.60")
    assert totals.total_vat == D("36.72")
    assert totals.total_incl_vat == D("220.32")
    assert d.nature == rules.NATURE_SERVICES


amounts = st.decimals(min_value=D("0.01"), max_value=D("9999.99"), places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=D("500"), places=3)
rates = st.sampled_from([D(20), D(10), D("5.5"), D("2.1"), D(0)])
line_inputs = st.builds(
    LineInput,
    description=st.just("x"),
    sku=st.just("x"),
    quantity=quantities,
    unit_price=amounts,
    vat_rate=rates,
    prices_include_vat=st.booleans(),
)


@given(st.lists(line_inputs, min_size=1, max_size=15))
def test_totals_are_en16931_consistent(lines):
    t = rules.compute_totals(draft(lines))
    assert t.line_total == sum(line.net_amount for line in t.lines)  # BR-CO-10
    assert t.total_excl_vat == t.line_total + t.charge_total - t.allowance_total  # BR-CO-13
    assert t.total_vat == sum(v.amount for v in t.vat)  # BR-CO-14
    assert t.total_incl_vat == t.total_excl_vat + t.total_vat  # BR-CO-15
    assert sum(v.base for v in t.vat) == t.total_excl_vat
    for v in t.vat:  # BR-CO-17, strictly
        assert v.amount == rules.round_cent(v.base * v.rate / 100)
    for value in (t.total_excl_vat, t.total_vat, *(line.net_amount for line in t.lines)):
        assert value == value.quantize(D("0.01"))
