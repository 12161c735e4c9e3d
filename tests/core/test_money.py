"""Money helpers: conversion, rounding, allocation, formatting (DOMAIN-NOTES 7.2, rule I4)."""

from datetime import date
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.core.money import (
    CENT,
    allocate,
    format_date,
    format_money,
    format_rate,
    percent,
    quantize,
    to_decimal,
    vat_amount,
)

D = Decimal
NNBSP = "\u202f"  # narrow no-break space, Babel's French thousands separator
NBSP = "\u00a0"

cents = st.integers(min_value=-(10**12), max_value=10**12).map(lambda c: D(c) * CENT)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
).filter(lambda ws: sum(ws) > 0)


class TestToDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("12.50", D("12.50")), (" 3 ", D("3")), (7, D("7")), (D("0.015"), D("0.015"))],
    )
    def test_accepts_str_int_decimal(self, value, expected):
        assert to_decimal(value) == expected

    @pytest.mark.parametrize("value", [1.1, 0.0, True, None, [1]])
    def test_refuses_float_bool_and_others(self, value):
        with pytest.raises(TypeError):
            to_decimal(value)

    @pytest.mark.parametrize("value", ["abc", "", "NaN", "Infinity", "1,5"])
    def test_refuses_non_numbers(self, value):
        with pytest.raises(ValueError):
            to_decimal(value)


class TestQuantize:
    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            ("1.005", "1.01"),
            ("1.004", "1.00"),
            ("-1.005", "-1.01"),
            ("2.675", "2.68"),
            ("3.50", "3.50"),
            ("10", "10.00"),
        ],
    )
    def test_half_up_to_the_cent(self, amount, expected):
        result = quantize(D(amount))
        assert result == D(expected)
        assert str(result) == expected

    def test_other_places_and_rounding(self):
        assert quantize(D("1.23456"), places=D("0.0001")) == D("1.2346")
        assert quantize(D("1.019"), rounding=ROUND_DOWN) == D("1.01")

    def test_refuses_float(self):
        with pytest.raises(TypeError):
            quantize(1.005)

    @given(
        cents
        | st.decimals(
            allow_nan=False, allow_infinity=False, places=6, max_value=10**9, min_value=-(10**9)
        )
    )
    def test_idempotent(self, amount):
        once = quantize(amount)
        assert quantize(once) == once
        assert abs(once - amount) <= D("0.005")


class TestVat:
    def test_domain_notes_worked_example(self):
        # DOMAIN-NOTES 7.2: per-rate bases and their VAT.
        assert vat_amount(D("115.20"), D("20")) == D("23.04")
        assert vat_amount(D("27.93"), D("5.5")) == D("1.54")  # 1.53615
        assert vat_amount(D("35.01"), D("10")) == D("3.50")  # 3.501

    def test_per_rate_not_per_line(self):
        assert vat_amount(D("30.99"), D("20")) == D("6.20")
        assert 3 * vat_amount(D("10.33"), D("20")) == D("6.21")

    def test_percent(self):
        assert percent(D("1000.00"), D("2")) == D("20.00")
        assert percent("99.99", "12.15") == D("12.15")  # 12.148785

    @given(cents.filter(lambda a: a >= 0), st.sampled_from(["0", "2.1", "5.5", "10", "20"]))
    def test_net_plus_vat_equals_gross_within_a_cent(self, base, rate):
        gross = base * (1 + D(rate) / 100)
        assert abs(base + vat_amount(base, rate) - gross) <= D("0.005")


class TestAllocate:
    def test_three_equal_parts(self):
        assert allocate(D("100.00"), [1, 1, 1]) == [D("33.34"), D("33.33"), D("33.33")]

    def test_largest_remainder_goes_first(self):
        # exact shares 3.333.., 6.666.. → floors 3.33 + 6.66 = 9.99, the cent goes to the second
        assert allocate(D("10.00"), [1, 2]) == [D("3.33"), D("6.67")]

    def test_proportional_to_amounts(self):
        assert allocate(D("15.00"), [D("100.20"), D("27.93"), D("35.01")]) == [
            D("9.21"),
            D("2.57"),
            D("3.22"),
        ]

    def test_zero_weight_gets_nothing(self):
        assert allocate(D("0.05"), [0, 1, 0]) == [D("0.00"), D("0.05"), D("0.00")]

    def test_negative_total(self):
        assert allocate(D("-0.05"), [1, 1]) == [D("-0.03"), D("-0.02")]

    @pytest.mark.parametrize(
        ("total", "ws"),
        [(D("1.00"), []), (D("1.00"), [0, 0]), (D("1.00"), [1, -1]), (D("1.001"), [1])],
    )
    def test_refuses_bad_input(self, total, ws):
        with pytest.raises(ValueError):
            allocate(total, ws)

    def test_refuses_float_weights(self):
        with pytest.raises(TypeError):
            allocate(D("1.00"), [0.5, 0.5])

    @given(cents, weights)
    def test_parts_sum_exactly_to_total(self, total, ws):
        parts = allocate(total, ws)
        assert sum(parts) == total
        assert len(parts) == len(ws)
        assert all(p == p.quantize(CENT) for p in parts)

    @given(cents, weights)
    def test_each_part_within_a_cent_of_its_exact_share(self, total, ws):
        weight_sum = sum(ws)
        for part, w in zip(allocate(total, ws), ws, strict=True):
            assert abs(part - total * w / weight_sum) < CENT


class TestFormatting:
    def test_french(self):
        assert format_money(D("1234.5")) == f"1{NNBSP}234,50{NBSP}€"
        assert format_money(D("1234.5"), lang="fr") == f"1{NNBSP}234,50{NBSP}€"

    def test_english(self):
        assert format_money(D("1234.5"), lang="en") == "€1,234.50"

    def test_rates_without_trailing_zeros(self):
        assert format_rate(D("5.50")) == "5,5 %" and format_rate(D("20.00")) == "20 %"
        assert format_rate(D("5.50"), lang="en") == "5.5 %"

    def test_rounds_half_up(self):
        assert format_money(D("0.005"), lang="en") == "€0.01"

    def test_refuses_float_and_unknown_language(self):
        with pytest.raises(TypeError):
            format_money(12.5)
        with pytest.raises(ValueError):
            format_money(D("1"), lang="de")

    def test_dates(self):
        d = date(2026, 11, 22)
        assert format_date(d, "fr") == "22 novembre 2026"
        assert format_date(d, "fr", format="short") == "22/11/2026"
        assert format_date(d, "en") == "November 22, 2026"
