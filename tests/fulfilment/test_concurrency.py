"""The freezing sweep under concurrency on PostgreSQL (F5, N2): each order frozen and invoiced
once however many sweeps run side by side."""

from __future__ import annotations

import pytest

from comptoir.core import clock
from comptoir.fulfilment.models import Contestation
from comptoir.fulfilment.services import contestations_freeze_due
from comptoir.ordering.models import Order, OrderEvent
from tests.fulfilment.conftest import accepted_order, at, deliver, ship_all
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
