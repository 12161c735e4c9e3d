"""Digital delivery by e-mail (F11) and returnable packaging (F10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.models import DigitalDelivery, DigitalKey
from comptoir.fulfilment.rules import packaging_refund
from comptoir.fulfilment.services import (
    digital_delivery_send,
    packaging_deposit_record,
    packaging_return_record,
)
from tests.fulfilment.conftest import accepted_order, at
from tests.ordering.conftest import make_buyer, make_shop

WHEN = at(2026, 11, 5, 10)


@pytest.fixture
def software(db):
    return make_shop("digital-goods", [("KEY-1", "49.00", 1, None)], kind="license_key")


def _keys(shop, n):
    product = shop.products["KEY-1"]
    for i in range(n):
        DigitalKey.objects.create(seller=shop.seller, product=product, key=f"AAAA-BBBB-{i:04d}")


def test_a_digital_delivery_sends_one_email_with_the_keys(
    software, django_capture_on_commit_callbacks
):
    buyer = make_buyer()
    buyer.user.language = "en"
    buyer.user.save(update_fields=["language"])
    _keys(software, 3)
    order = accepted_order(software, buyer, [("KEY-1", 2)], when=WHEN)
    with clock.frozen(WHEN), django_capture_on_commit_callbacks(execute=True):
        delivery = digital_delivery_send(order_id=order.pk)
    # the keys e-mail; the order moving on (delivered, invoiced) sends its own notices (F11)
    sent = [m for m in mail.outbox if "product keys" in m.subject]
    assert len(sent) == 1
    message = sent[0]
    assert message.to == [buyer.user.email]
    assert message.subject == f"Your product keys — order {order.number}"
    assert "AAAA-BBBB-0000" in message.body and "AAAA-BBBB-0001" in message.body
    assert "AAAA-BBBB-0002" not in message.body
    assert delivery.keys.count() == 2 and delivery.language == "en"
    assert DigitalKey.objects.filter(order_line__order=order).count() == 2
    with clock.frozen(WHEN), pytest.raises(DomainError) as error:
        digital_delivery_send(order_id=order.pk)
    assert error.value.code == "nothing_to_send"


def test_no_keys_left_is_refused(software, django_capture_on_commit_callbacks):
    buyer = make_buyer()
    _keys(software, 1)
    order = accepted_order(software, buyer, [("KEY-1", 2)], when=WHEN)
    with (
        clock.frozen(WHEN),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DomainError) as error,
    ):
        digital_delivery_send(order_id=order.pk)
    assert (error.value.code, error.value.rule) == ("no_keys_left", "F11")
    assert len(mail.outbox) == 0 and not DigitalDelivery.objects.exists()
    assert DigitalKey.objects.filter(order_line__isnull=True).count() == 1


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


def test_pallet_deposits_are_owed_back_per_clean_pallet_returned(electronics):
    buyer = make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=WHEN)
    with clock.frozen(WHEN):
        deposit = packaging_deposit_record(
            actor=electronics.seller_user,
            order_id=order.pk,
            item="Palette consignée",
            quantity=3,
            unit_deposit=Decimal("15"),
        )
        assert (deposit.unit, deposit.unit_deposit) == ("palette", Decimal("15.00"))
        clean = packaging_return_record(
            actor=electronics.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=electronics.seller.pk,
            item="Palette consignée",
            quantity=2,
            returned_on=date(2026, 11, 20),
            clean=True,
        )
        dirty = packaging_return_record(
            actor=electronics.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=electronics.seller.pk,
            item="Palette consignée",
            quantity=1,
            returned_on=date(2026, 11, 21),
            clean=False,
        )
        with pytest.raises(DomainError) as error:
            packaging_deposit_record(
                actor=electronics.seller_user, order_id=order.pk, item="Bocal", quantity=1
            )
    assert clean.refund_due == Decimal("30.00") and dirty.refund_due == Decimal("0.00")
    assert (error.value.code, error.value.rule) == ("unknown_item", "F10")


def test_jars_are_refunded_only_when_all_come_back_clean():
    common = {
        "condition": "all_returned_clean",
        "unit_deposit": Decimal("0.50"),
        "deposited_quantity": 24,
        "deposited_amount": Decimal("12.00"),
        "unclean_before": False,
        "refunded_before": Decimal("0"),
    }
    assert packaging_refund(quantity=20, clean=True, returned_clean_before=0, **common) == 0
    assert packaging_refund(quantity=4, clean=True, returned_clean_before=20, **common) == Decimal(
        "12.00"
    )
    assert packaging_refund(
        quantity=4, clean=True, returned_clean_before=20, **{**common, "unclean_before": True}
    ) == Decimal("0")
