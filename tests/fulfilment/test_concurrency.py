"""The freezing sweep under concurrency on PostgreSQL (F5, N2): each order frozen and invoiced
once however many sweeps run side by side."""

from __future__ import annotations

import pytest

from comptoir.core import clock
from comptoir.fulfilment.models import Contestation
from comptoir.fulfilment.services import contestations_freeze_due
from comptoir.ordering.models import Order, OrderEvent
from tests.fulfilment.conftest import accepted_order, at, deliver, deposited_buyer, ship_all
from tests.ordering.conftest import make_buyer, make_shop
from tests.ordering.test_concurrency import run_threads


@pytest.mark.postgres_only
def test_four_sweeps_side_by_side_freeze_each_order_once(transactional_db):
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 100)])
    for _ in range(6):
        order = accepted_order(shop, make_buyer(), [("VASE-1", 2)])
        deliver(shop, ship_all(shop, order))
    until = at(2026, 12, 31, 0, 0)
    clock.freeze(until)
    counts: list[int] = []

    def work(_: int) -> None:
        counts.append(contestations_freeze_due(until=until))

    assert run_threads(4, work) == []
    assert sum(counts) == 6
    assert Order.objects.filter(state="frozen", invoice__isnull=False).count() == 6
    assert OrderEvent.objects.filter(action="freeze").count() == 6
    assert OrderEvent.objects.filter(action="invoice").count() == 6
    assert set(Contestation.objects.values_list("status", flat=True)) == {"lapsed"}


@pytest.mark.postgres_only
def test_the_reception_sweeps_side_by_side_apply_each_deadline_once(transactional_db):
    """F4, F7, N2: four workers run the three reception sweeps at once; each reserve deadline
    lapses once, each wrong goods is charged once, each notice expires once."""
    from datetime import date
    from decimal import Decimal

    from comptoir.fulfilment.models import Charge, CollectionNotice, ReserveFollowUp, WrongGoods
    from comptoir.fulfilment.services import (
        collection_notice_send,
        collection_notices_expire_due,
        reserve_follow_ups_lapse_due,
        wrong_goods_charge_due,
        wrong_goods_report,
    )

    beauty = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    electronics = make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])
    intranet = make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])
    placed, shipped, received = at(2026, 4, 27, 10), at(2026, 5, 5, 9), date(2026, 5, 6)
    for _ in range(3):
        order = accepted_order(beauty, make_buyer(), [("SER-1", 6)], when=placed)
        deliver(
            beauty,
            ship_all(beauty, order, when=shipped),
            on=received,
            reserves=[{"kind": "damaged", "text": "x"}],
        )
        buyer = make_buyer()
        order = accepted_order(electronics, buyer, [("USB-1", 5)], when=placed)
        deliver(electronics, ship_all(electronics, order, when=shipped), on=received)
        with clock.frozen(at(2026, 5, 7, 10)):
            wrong_goods_report(
                actor=buyer.user,
                order_id=order.pk,
                kind="excess",
                description="en trop",
                quantity=1,
                sku="USB-1",
            )
        # a buyer that paid its deposit (PT9), so the order ships without prepayment (O10)
        buyer = deposited_buyer(intranet, when=placed)
        order = accepted_order(intranet, buyer, [("MIEL-1", 2)], when=placed)
        shipment = ship_all(intranet, order, when=shipped)
        with clock.frozen(at(2026, 5, 7, 10)):
            collection_notice_send(actor=intranet.seller_user, shipment_id=shipment.pk)
    until = at(2026, 6, 1, 0, 0)
    clock.freeze(until)
    counts: list[int] = []

    def work(_: int) -> None:
        counts.append(
            reserve_follow_ups_lapse_due(until=until)
            + wrong_goods_charge_due(until=until)
            + collection_notices_expire_due(until=until)
        )

    assert run_threads(4, work) == []
    assert sum(counts) == 6 + 3 + 3
    assert set(ReserveFollowUp.objects.values_list("status", flat=True)) == {"lapsed"}
    assert set(WrongGoods.objects.values_list("status", flat=True)) == {"charged"}
    assert Charge.objects.filter(code="wrong_goods_kept").count() == 3
    assert set(Charge.objects.values_list("amount_excl_vat", flat=True)) == {Decimal("8.00")}
    assert set(CollectionNotice.objects.values_list("status", flat=True)) == {"expired"}
