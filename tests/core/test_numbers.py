"""Numbers checked against their column before they are stored (SQLite would store them and then
fail to read them back; PostgreSQL would refuse them with a 500)."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.catalog.models import TariffPrice
from comptoir.core.errors import DomainError
from comptoir.core.numbers import INT_MAX, fits_column, fits_decimal, fits_int


def test_a_number_within_its_column_passes_unchanged():
    assert fits_decimal(D("9999999999.9999"), digits=14, places=4, field="f", rule="C3") == D(
        "9999999999.9999"
    )
    assert fits_decimal(D("12.50"), digits=5, places=2, field="f", rule="C4") == D("12.50")
    assert fits_decimal(D("1E+2"), digits=5, places=2, field="f", rule="C4") == D("1E+2")
    assert fits_int(INT_MAX, field="n", rule="C1") == INT_MAX


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (D("10000000000"), "number_too_large"),  # 11 digits before the point of numeric(14, 4)
        (D("-10000000000"), "number_too_large"),
        (D("1E+20"), "number_too_large"),
        (D("0.00001"), "too_many_decimals"),
        (D("NaN"), "invalid_number"),
        (D("Infinity"), "invalid_number"),
    ],
)
def test_beyond_the_column_is_refused_with_the_field_and_rule(value, code):
    with pytest.raises(DomainError) as refused:
        fits_column(value, TariffPrice._meta.get_field("unit_price"), field="price", rule="C3")
    assert (refused.value.code, refused.value.field, refused.value.rule) == (code, "price", "C3")


def test_an_integer_beyond_the_column_is_refused():
    with pytest.raises(DomainError) as refused:
        fits_int(INT_MAX + 1, field="on_hand", rule="C1")
    assert (refused.value.code, refused.value.field) == ("number_too_large", "on_hand")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**15))
def test_accepted_exactly_when_the_database_column_holds_it(value):
    holds = abs(value) < 10**12  # numeric(14, 2): 12 digits before the point
    try:
        fits_decimal(value, digits=14, places=2, field="f", rule="r")
    except DomainError:
        assert not holds
    else:
        assert holds
