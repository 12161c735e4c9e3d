"""The deadlines after reception (F4 sub-deadlines [003 §3], [002 §9.1]), uncollected goods and
the formal notice (F7, N1 [001 §8]), the next invoice (F7, F10, I5) and key-only orders (F11),
with the real dates of each worked example."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.fulfilment.models import (
    Charge,
    CollectionNotice,
    Contestation,
    DigitalKey,
    Reserve,
    ReserveFollowUp,
    Shipment,
)
from comptoir.fulfilment.rules import carrier_protest_deadline, refunds_within
from comptoir.fulfilment.services import (
    collection_notice_send,
    collection_notices_expire_due,
    delivery_refuse,
    digital_delivery_send,
    order_resolve_uncollected,
    packaging_deposit_record,
    packaging_return_record,
    reserve_follow_up_record,
    reserve_follow_ups_lapse_due,
    wrong_goods_charge_due,
    wrong_goods_report,
    wrong_goods_return,
)
from comptoir.fulfilment.services.prepayment import order_prepayment_record
from comptoir.ordering.models import Order
from tests.fulfilment.conftest import accepted_order, at, deliver, deposited_buyer, ship_all
from tests.ordering.conftest import make_buyer, make_shop

PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday
RECEIVED = date(2026, 5, 6)  # Wednesday; Friday 8 May is a public holiday


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


@pytest.fixture
def intranet(db):
    return make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])


def _beauty_delivered(beauty, reserves):
    buyer = make_buyer()
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=PLACED)
    delivery = deliver(
        beauty, ship_all(beauty, order, when=SHIPPED), on=RECEIVED, reserves=reserves
    )
    return buyer, order, delivery


# --- F4 [003 §3]: reserves confirmed within 8 days, carrier protest within 3 -------------------


def test_carrier_protest_counts_three_days_public_holidays_excluded():
    """C. com. L133-3, which Art. 3 names: received Wed 6 May 2026 → 7, (8 May holiday), 9, 10:
    the protest is due by the end of Sunday 10 May."""
    deadline = carrier_protest_deadline(RECEIVED, 3)
    assert deadline.on == date(2026, 5, 10)
    assert deadline.at == at(2026, 5, 11, 0, 0)


def test_reserves_store_both_deadlines_and_lapse_when_they_pass(beauty):
    buyer, order, delivery = _beauty_delivered(
        beauty, [{"kind": "damaged", "text": "Carton écrasé"}]
    )
    rows = {f.kind: f for f in ReserveFollowUp.objects.filter(delivery=delivery)}
    assert rows["confirm_reserves"].deadline_on == date(2026, 5, 14)  # 8 calendar days
    assert rows["confirm_reserves"].deadline_at == at(2026, 5, 15, 0, 0)
    assert rows["carrier_protest"].deadline_on == date(2026, 5, 10)
    assert "Art. 3" in rows["confirm_reserves"].clause
    # one minute before the end of Sunday 10 May nothing lapses
    with clock.frozen(at(2026, 5, 10, 23, 59)):
        assert reserve_follow_ups_lapse_due(until=clock.now()) == 0
    with clock.frozen(at(2026, 5, 11, 0, 0)):
        assert reserve_follow_ups_lapse_due(until=clock.now()) == 1
        assert reserve_follow_ups_lapse_due(until=clock.now()) == 0  # idempotent
    protest = ReserveFollowUp.objects.get(pk=rows["carrier_protest"].pk)
    assert protest.status == "lapsed" and "L133-3" in protest.consequence
    assert Reserve.objects.get(delivery=delivery).opposable  # still confirmable
    with clock.frozen(at(2026, 5, 15, 0, 0)):
        assert reserve_follow_ups_lapse_due(until=clock.now()) == 1
    confirm = ReserveFollowUp.objects.get(pk=rows["confirm_reserves"].pk)
    assert confirm.status == "lapsed" and "pas opposables" in confirm.consequence
    assert not Reserve.objects.get(delivery=delivery).opposable


def test_the_buyer_records_the_confirmation_in_time(beauty):
    buyer, order, delivery = _beauty_delivered(beauty, [{"kind": "wrong_product", "text": "X"}])
    # a wrong product is neither damage nor loss: no carrier protest (Art. 3)
    follow_up = ReserveFollowUp.objects.get(delivery=delivery)
    assert follow_up.kind == "confirm_reserves"
    with clock.frozen(at(2026, 5, 12, 10)), pytest.raises(PermissionDenied):
        reserve_follow_up_record(
            actor=beauty.seller_user, follow_up_id=follow_up.pk, done_on=date(2026, 5, 12)
        )
    with clock.frozen(at(2026, 5, 12, 10)), pytest.raises(DomainError) as error:
        reserve_follow_up_record(
            actor=buyer.user, follow_up_id=follow_up.pk, done_on=date(2026, 5, 13)
        )
    assert error.value.code == "invalid_date"
    with clock.frozen(at(2026, 5, 14, 18)):
        done = reserve_follow_up_record(
            actor=buyer.user,
            follow_up_id=follow_up.pk,
            done_on=date(2026, 5, 14),
            reference="RAR 1",
        )
    assert (done.status, done.reference) == ("done", "RAR 1")
    with clock.frozen(at(2026, 5, 20)):
        assert reserve_follow_ups_lapse_due(until=clock.now()) == 0
    assert Reserve.objects.get(delivery=delivery).opposable


def test_a_confirmation_dated_after_the_deadline_is_refused(beauty):
    buyer, order, delivery = _beauty_delivered(beauty, [{"kind": "missing_item", "text": "1"}])
    follow_up = ReserveFollowUp.objects.get(delivery=delivery, kind="confirm_reserves")
    with clock.frozen(at(2026, 5, 15, 9)), pytest.raises(DomainError) as error:
        reserve_follow_up_record(
            actor=buyer.user, follow_up_id=follow_up.pk, done_on=date(2026, 5, 15)
        )
    assert (error.value.code, error.value.rule) == ("deadline_passed", "F4")


def test_a_delivery_without_reserves_stores_no_follow_up(beauty):
    _, _, delivery = _beauty_delivered(beauty, [])
    assert not ReserveFollowUp.objects.filter(delivery=delivery).exists()


# --- F4 [002 §9.1]: wrong or excess goods returned within 10 days or paid ----------------------


def _electronics_delivered(electronics):
    buyer = make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    deliver(electronics, ship_all(electronics, order, when=SHIPPED), on=RECEIVED)
    return buyer, order


def test_wrong_goods_not_returned_in_ten_days_are_charged_once(electronics):
    """Received Wed 6 May 2026: the return is due by the end of Saturday 16 May (10 days after
    the receipt); at 00:00 on the 17th the 2 excess units are charged at the usual price."""
    buyer, order = _electronics_delivered(electronics)
    with clock.frozen(at(2026, 5, 7, 10)):
        row = wrong_goods_report(
            actor=buyer.user,
            order_id=order.pk,
            kind="excess",
            description="2 clés USB en trop",
            quantity=2,
            sku="USB-1",
        )
    assert (row.deadline_on, row.deadline_at) == (date(2026, 5, 16), at(2026, 5, 17, 0, 0))
    assert row.unit_price == Decimal("8.0000")  # the order line's price
    with clock.frozen(at(2026, 5, 16, 23, 59)):
        assert wrong_goods_charge_due(until=clock.now()) == 0
    with clock.frozen(at(2026, 5, 17, 0, 0)):
        assert wrong_goods_charge_due(until=clock.now()) == 1
        assert wrong_goods_charge_due(until=clock.now()) == 0
    row.refresh_from_db()
    assert row.status == "charged"
    charge = Charge.objects.get(wrong_goods=row)
    assert (charge.code, charge.amount_excl_vat, charge.rule) == (
        "wrong_goods_kept",
        Decimal("16.00"),
        "F4",
    )
    assert "Art. 9.1" in charge.explanation


def test_wrong_goods_returned_in_time_cost_nothing(electronics):
    buyer, order = _electronics_delivered(electronics)
    with clock.frozen(at(2026, 5, 7, 10)):
        row = wrong_goods_report(
            actor=electronics.seller_user,
            order_id=order.pk,
            kind="wrong",
            description="Câble HDMI au lieu de clés USB",
            quantity=1,
            unit_price=Decimal("12.50"),
        )
    with clock.frozen(at(2026, 5, 18, 10)), pytest.raises(DomainError) as error:
        wrong_goods_return(actor=buyer.user, wrong_goods_id=row.pk, returned_on=date(2026, 5, 17))
    assert error.value.code == "deadline_passed"
    # sent back on the last day, recorded after midnight before the sweep ran: in time
    with clock.frozen(at(2026, 5, 17, 8)):
        returned = wrong_goods_return(
            actor=buyer.user, wrong_goods_id=row.pk, returned_on=date(2026, 5, 16)
        )
        assert wrong_goods_charge_due(until=clock.now()) == 0
    assert returned.status == "returned" and not Charge.objects.exists()


def test_wrong_goods_need_a_price_and_the_clause(electronics, beauty):
    buyer, order = _electronics_delivered(electronics)
    with clock.frozen(at(2026, 5, 7, 10)), pytest.raises(DomainError) as error:
        wrong_goods_report(
            actor=buyer.user, order_id=order.pk, kind="wrong", description="X", quantity=1
        )
    assert error.value.code == "price_required"
    beauty_buyer, beauty_order, _ = _beauty_delivered(beauty, [])
    with clock.frozen(at(2026, 5, 7, 10)), pytest.raises(DomainError) as error:
        wrong_goods_report(
            actor=beauty_buyer.user,
            order_id=beauty_order.pk,
            kind="wrong",
            description="X",
            quantity=1,
            unit_price=Decimal("1"),
        )
    assert error.value.code == "no_return_clause"


# --- F7, N1 [001 §8]: uncollected goods, 48 hours after a formal notice ------------------------


def _intranet_shipped(intranet):
    buyer = deposited_buyer(intranet)
    order = accepted_order(intranet, buyer, [("MIEL-1", 4)], when=PLACED)
    return buyer, order, ship_all(intranet, order, when=SHIPPED)


def test_uncollected_goods_notice_then_resolution(intranet):
    """Notice sent Thu 7 May 2026 at 10:00: unanswered at 10:00 on Sat 9 May (48 hours, to the
    minute); the seller then resolves the order, the return transport charged to the buyer."""
    buyer, order, shipment = _intranet_shipped(intranet)
    with clock.frozen(at(2026, 5, 7, 10)):
        notice = collection_notice_send(
            actor=intranet.seller_user, shipment_id=shipment.pk, letter_reference="1A 234"
        )
    assert notice.deadline_at == at(2026, 5, 9, 10, 0)
    assert "quarante-huit heures" in notice.letter and "Art. 8" in notice.letter
    with clock.frozen(at(2026, 5, 9, 9, 59)):
        assert collection_notices_expire_due(until=clock.now()) == 0
        with pytest.raises(DomainError) as error:
            order_resolve_uncollected(actor=intranet.seller_user, shipment_id=shipment.pk)
        assert (error.value.code, error.value.rule) == ("notice_running", "F7")
    with clock.frozen(at(2026, 5, 9, 10, 0)):
        assert collection_notices_expire_due(until=clock.now()) == 1
        assert collection_notices_expire_due(until=clock.now()) == 0
    assert CollectionNotice.objects.get(pk=notice.pk).status == "expired"
    assert Order.objects.get(pk=order.pk).state == "shipped"  # the seller chooses
    with clock.frozen(at(2026, 5, 11, 9)):
        with pytest.raises(PermissionDenied):
            order_resolve_uncollected(actor=buyer.user, shipment_id=shipment.pk)
        order_resolve_uncollected(
            actor=intranet.seller_user, shipment_id=shipment.pk, return_cost=Decimal("14.90")
        )
    order.refresh_from_db()
    assert order.state == "cancelled"
    assert order.events.filter(action="resolve", rule="F7").exists()
    assert Shipment.objects.get(pk=shipment.pk).state == "returned"
    charge = Charge.objects.get(order=order)
    assert (charge.code, charge.amount_excl_vat) == (
        "uncollected_return_transport",
        Decimal("14.90"),
    )


def test_goods_collected_after_the_notice_close_it(intranet):
    buyer, order, shipment = _intranet_shipped(intranet)
    with clock.frozen(at(2026, 5, 7, 10)):
        notice = collection_notice_send(actor=intranet.seller_user, shipment_id=shipment.pk)
    deliver(intranet, shipment, on=date(2026, 5, 8))
    assert CollectionNotice.objects.get(pk=notice.pk).status == "collected"
    with clock.frozen(at(2026, 5, 12)):
        assert collection_notices_expire_due(until=clock.now()) == 0


def test_no_notice_without_the_clause(beauty):
    order = accepted_order(beauty, make_buyer(), [("SER-1", 6)], when=PLACED)
    shipment = ship_all(beauty, order, when=SHIPPED)
    with clock.frozen(at(2026, 5, 7, 10)), pytest.raises(DomainError) as error:
        collection_notice_send(actor=beauty.seller_user, shipment_id=shipment.pk)
    assert (error.value.code, error.value.rule) == ("no_resolution_clause", "F7")


# --- the next invoice (F7, F10, I5) ------------------------------------------------------------


def test_refusal_charges_go_on_the_buyers_next_invoice_exactly_once(beauty):
    """Selective-beauty invoices at shipment (I1): the 24 € fee and the transport of a refused
    delivery appear on the next order's invoice, and never again."""
    buyer = make_buyer()
    first = accepted_order(beauty, buyer, [("SER-1", 6)], when=PLACED)
    shipment = ship_all(beauty, first, when=SHIPPED, tracking="R-1")
    with clock.frozen(at(2026, 5, 6, 9)):
        delivery_refuse(
            actor=beauty.seller_user,
            shipment_id=shipment.pk,
            reason="Refusé sans motif",
            valid_reason=False,
            transport_cost=Decimal("30"),
        )
    assert Charge.objects.filter(order=first, invoiced=False).count() == 2
    second = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 5, 7, 10))
    ship_all(beauty, second, when=at(2026, 5, 8, 9), tracking="R-2")
    second.refresh_from_db()
    invoice = second.invoice
    assert set(Charge.objects.values_list("invoiced", "invoiced_with")) == {(True, second.pk)}
    assert invoice.total_excl_vat == second.total_excl_vat + Decimal("24.00") + Decimal("30.00")
    third = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 5, 11, 10))
    ship_all(beauty, third, when=at(2026, 5, 12, 9), tracking="R-3")
    third.refresh_from_db()
    assert third.invoice.total_excl_vat == third.total_excl_vat


def test_a_deposit_refund_is_deducted_from_the_next_invoice_once(electronics):
    buyer = make_buyer()
    first = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    with clock.frozen(PLACED):
        packaging_deposit_record(
            actor=electronics.seller_user,
            order_id=first.pk,
            item="Palette consignée",
            quantity=2,
            unit_deposit=Decimal("15.00"),
        )
        refund = packaging_return_record(
            actor=electronics.seller_user,
            buyer_id=buyer.org.pk,
            seller_id=electronics.seller.pk,
            item="Palette consignée",
            quantity=2,
            returned_on=date(2026, 4, 27),
            clean=True,
        )
    assert refund.refund_due == Decimal("30.00")
    ship_all(electronics, first, when=SHIPPED, tracking="P-1")  # electronics invoices at shipment
    first.refresh_from_db()
    # F10: the 30 € deposit line (0 %) and its 30 € refund (0 %) cancel out on the same invoice
    assert first.invoice.total_excl_vat == first.total_excl_vat
    assert first.invoice.total_vat == first.total_incl_vat - first.total_excl_vat
    refund.refresh_from_db()
    assert (refund.credited, refund.credited_with_id) == (True, first.pk)
    second = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    # O10 [002 §4.5]: the first invoice is unpaid, so the second order is paid before it ships
    assert second.prepayment_required
    with clock.frozen(SHIPPED):
        order_prepayment_record(
            actor=electronics.seller_user,
            order_id=second.pk,
            amount=second.total_incl_vat,
            method="transfer",
            on=SHIPPED.date(),
            idempotency_key="second",
        )
    ship_all(electronics, second, when=SHIPPED, tracking="P-2")
    second.refresh_from_db()
    assert second.invoice.total_excl_vat == second.total_excl_vat


def test_refunds_larger_than_the_invoice_wait_for_a_later_one():
    assert refunds_within(
        [(1, Decimal("30")), (2, Decimal("60")), (3, Decimal("10"))], Decimal("45")
    ) == [
        1,
        3,
    ]
    assert refunds_within([(1, Decimal("30"))], Decimal("0")) == []


# --- F11: a key-only order is delivered when its keys are sent ---------------------------------


def test_a_key_only_order_is_delivered_when_its_keys_are_sent(
    db, django_capture_on_commit_callbacks
):
    shop = make_shop("digital-goods", [("KEY-1", "49.00", 1, None)], kind="license_key")
    product = shop.products["KEY-1"]
    for i in range(2):
        DigitalKey.objects.create(seller=shop.seller, product=product, key=f"K-{i}")
    order = accepted_order(shop, make_buyer(), [("KEY-1", 2)], when=at(2026, 11, 5, 10))
    with clock.frozen(at(2026, 11, 5, 11)), django_capture_on_commit_callbacks(execute=True):
        digital_delivery_send(order_id=order.pk, actor=shop.seller_user)
    order.refresh_from_db()
    assert order.state == "delivered"
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.state, shipment.delivered_on) == (
        "E-mail",
        "delivered",
        date(2026, 11, 5),
    )
    contestation = Contestation.objects.get(order=order)
    assert contestation.deadline_at is None  # digital-goods: waits for the buyer's validation
