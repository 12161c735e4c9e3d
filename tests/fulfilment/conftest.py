"""Orders ready to ship, under one preset, built through the ordering services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.fulfilment.services import delivery_record, shipment_create
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept
from comptoir.payments.services import deposit_receive
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place

PLACED = datetime(2026, 12, 14, 10, 0, tzinfo=clock.PARIS)  # Monday
SHIPPED = datetime(2026, 12, 18, 9, 0, tzinfo=clock.PARIS)  # Friday
DELIVERED_ON = date(2026, 12, 24)  # Thursday, the day before Christmas


def at(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=clock.PARIS)


def accepted_order(shop: Shop, buyer: Buyer, lines: list[tuple[str, int]], when=PLACED) -> Order:
    with clock.frozen(when):
        order = place(shop, buyer, lines)
        if order.state != "accepted":
            order = order_accept(actor=shop.seller_user, order_id=order.pk)
    return order


def deposited_buyer(shop: Shop, when=PLACED) -> Buyer:
    """A buyer that paid the security deposit its contract provides (PT9 [001 §4]: 2,000 €).
    Without it any order exceeds the deposit and waits for its prepayment before it ships
    (O10)."""
    buyer = make_buyer()
    with clock.frozen(when):
        deposit_receive(
            buyer=buyer.org, seller=shop.seller, amount=Decimal("2000.00"), received_on=when.date()
        )
    return buyer


def ship_all(shop: Shop, order: Order, when=SHIPPED, tracking: str | None = None):
    with clock.frozen(when):
        return shipment_create(
            actor=shop.seller_user,
            order_id=order.pk,
            lines={line.pk: line.quantity for line in order.lines.all()},
            carrier="Colissimo",
            parcels=[tracking or f"6A{order.pk:09d}"],
        )


def deliver(shop: Shop, shipment, on: date = DELIVERED_ON, reserves=()):
    with clock.frozen(at(on.year, on.month, on.day, 18)):
        return delivery_record(
            actor=shop.seller_user,
            shipment_id=shipment.pk,
            delivered_on=on,
            signed_by="Camille Martin",
            reserves=reserves,
        )


@pytest.fixture
def marketplace(db) -> Shop:
    return make_shop("marketplace", [("VASE-1", "40.00", 1, 20), ("BOL-2", "12.50", 1, 50)])


@pytest.fixture
def buyer(db) -> Buyer:
    return make_buyer()


@pytest.fixture
def delivered(marketplace, buyer) -> Order:
    """A marketplace order delivered on Thursday 24 December 2026."""
    order = accepted_order(marketplace, buyer, [("VASE-1", 3), ("BOL-2", 4)])
    deliver(marketplace, ship_all(marketplace, order))
    order.refresh_from_db()
    return order
