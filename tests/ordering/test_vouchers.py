"""O15 vouchers at ordering: used once, on one order, kept through every re-quote, given back
when the order never goes ahead."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Voucher
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import order_modify, order_refuse
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 3, 10, 0, tzinfo=clock.PARIS)


@pytest.fixture
def shop():
    shop = make_shop(
        "digital-goods",
        [("LIC-PRO", "99.00", 1, None), ("LIC-STD", "20.00", 1, None)],
        kind="license_key",
    )
    Voucher.objects.create(
        seller=shop.seller,
        code="BIENVENUE",
        amount=Decimal("50.00"),
        valid_from=date(2026, 11, 1),
        valid_to=date(2026, 11, 30),
    )
    return shop


def _voucher_lines(order) -> list[dict]:
    return [d for d in order.quote["discounts"] if "voucher" in str(d).lower()]


def test_a_voucher_is_used_once_and_lowers_the_order(shop):
    buyer, other = make_buyer(), make_buyer()
    with clock.frozen(AT):
        without = place(shop, buyer, [("LIC-PRO", 2)])
        with_voucher = place(shop, buyer, [("LIC-PRO", 2)], voucher_code="BIENVENUE")
        # the voucher comes off the goods' taxable base: 50 € excl. VAT, 60 € incl. 20 % VAT
        assert with_voucher.total_excl_vat == without.total_excl_vat - Decimal("50.00")
        assert with_voucher.total_incl_vat == without.total_incl_vat - Decimal("60.00")
        assert Voucher.objects.get(code="BIENVENUE").redeemed_by == with_voucher
        with pytest.raises(DomainError) as refused:
            place(shop, other, [("LIC-PRO", 2)], voucher_code="BIENVENUE")
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "voucher_invalid",
        "voucher_code",
        "O15",
    )


def test_a_modified_order_keeps_its_voucher(shop):
    """Regression: a re-quote (here the seller's modification, O8) used to drop the voucher."""
    buyer = make_buyer()
    with clock.frozen(AT):
        order = place(shop, buyer, [("LIC-PRO", 2)], voucher_code="BIENVENUE")
        order = order_modify(
            actor=shop.seller_user,
            order_id=order.pk,
            lines=[LineRequest("LIC-PRO", 1), LineRequest("LIC-STD", 3)],
            reason="Une licence Pro en moins, trois Standard à la place.",
        )
    # 99 + 3 × 20 = 159 € excl. VAT, minus the 50 € voucher: 109 € excl. VAT, 130.80 € incl.
    assert (order.total_excl_vat, order.total_incl_vat) == (Decimal("109.00"), Decimal("130.80"))
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by == order


def test_a_voucher_that_cannot_apply_is_refused_before_placing(shop):
    buyer = make_buyer()
    with clock.frozen(AT), pytest.raises(DomainError) as refused:
        place(shop, buyer, [("LIC-STD", 1)], voucher_code="BIENVENUE")  # 20 € < 50 € voucher
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "voucher_below_value",
        "voucher_code",
        "O15",
    )
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by is None


def test_a_modification_below_the_voucher_value_gives_the_voucher_back(shop):
    buyer = make_buyer()
    with clock.frozen(AT):
        order = place(shop, buyer, [("LIC-PRO", 2)], voucher_code="BIENVENUE")
        order = order_modify(
            actor=shop.seller_user,
            order_id=order.pk,
            lines=[LineRequest("LIC-STD", 1)],
            reason="Plus que la licence Standard.",
        )
    assert order.total_incl_vat == Decimal("24.00")  # not applied: 20 € < 50 € (O15)
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by is None


def test_a_refused_order_gives_its_voucher_back(shop):
    buyer = make_buyer()
    with clock.frozen(AT):
        order = place(shop, buyer, [("LIC-PRO", 2)], voucher_code="BIENVENUE")
        order_refuse(actor=shop.seller_user, order_id=order.pk, reason="Licences épuisées.")
        again = place(shop, buyer, [("LIC-PRO", 1)], voucher_code="BIENVENUE")
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by == again
