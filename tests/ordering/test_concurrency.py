"""Ordering under concurrency on PostgreSQL (O13, N2): stock never oversold, one order per
idempotency key, each deadline applied once by sweeps running side by side."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest
from django.db import connection

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderEvent
from comptoir.ordering.services import orders_apply_deadlines
from tests.ordering.conftest import make_buyer, make_shop, place

AT = datetime(2026, 11, 19, 15, 0, tzinfo=clock.PARIS)


def run_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.postgres_only
def test_fifty_concurrent_checkouts_for_ten_units_sell_exactly_ten(transactional_db):
    clock.freeze(AT)
    shop = make_shop("electronics-wholesale", [("GPU-X", "450.00", 1, 10)])
    buyers = [make_buyer() for _ in range(10)]
    refused: list[str] = []

    def work(i: int) -> None:
        for n in range(5):
            try:
                place(shop, buyers[i], [("GPU-X", 1)], key=f"b{i}-{n}")
            except DomainError as error:
                refused.append(error.code)

    assert run_threads(10, work) == []
    assert Order.objects.count() == 10
    assert refused == ["insufficient_stock"] * 40
    stock = StockLevel.objects.get()
    assert (stock.on_hand, stock.reserved) == (10, 10)


@pytest.mark.postgres_only
def test_the_same_idempotency_key_from_eight_threads_creates_one_order(transactional_db):
    clock.freeze(AT)
    shop = make_shop("electronics-wholesale", [("GPU-X", "450.00", 1, 10)])
    buyer = make_buyer()
    placed: list[int] = []

    def work(i: int) -> None:
        placed.append(place(shop, buyer, [("GPU-X", 2)], key="same-key").pk)

    assert run_threads(8, work) == []
    assert len(set(placed)) == 1 and Order.objects.count() == 1
    assert StockLevel.objects.get().reserved == 2


@pytest.mark.postgres_only
def test_two_sweeps_at_once_lapse_each_order_once(transactional_db):
    clock.freeze(datetime(2026, 11, 2, 11, 0, tzinfo=clock.PARIS))
    shop = make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")
    buyer = make_buyer()
    for n in range(30):
        place(shop, buyer, [("LIC-PRO", 1)], key=f"lic-{n}")
    until = datetime(2026, 11, 8, 0, 0, tzinfo=clock.PARIS)
    applied: list[int] = []

    def work(i: int) -> None:
        applied.append(orders_apply_deadlines(until=until))

    assert run_threads(2, work) == []
    assert sum(applied) == 30
    assert set(Order.objects.values_list("state", flat=True)) == {"lapsed"}
    assert OrderEvent.objects.filter(action="lapse").count() == 30
