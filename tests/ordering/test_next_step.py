"""What the order page says happens next (N2, O8): the stored deadline and its step, or, for an
order waiting on a seller whose terms set no acceptance deadline, that it waits without one."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from comptoir.core import clock
from comptoir.ordering import queries
from comptoir.ordering.services import order_accept
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)


def test_a_marketplace_order_waits_for_its_seller_without_a_deadline() -> None:
    shop = make_shop("marketplace", [("VASE", "100.00", 1, 50)])
    with clock.frozen(NOW):
        order = place(shop, make_buyer(), [("VASE", 2)])
    assert order.next_deadline_at is None  # the marketplace terms set no time to answer
    step = queries.next_step(order)
    assert step is not None and (step.action, step.at, step.rule) == ("await_seller", None, "O8")
    with translation.override("en"):
        assert "no time limit" in step.label
    with clock.frozen(NOW):
        order_accept(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    assert queries.next_step(order) is None


def test_a_stored_deadline_is_the_next_step() -> None:
    shop = make_shop("electronics-wholesale", [("CABLE", "10.00", 1, 50)])
    with clock.frozen(NOW):
        order = place(shop, make_buyer(), [("CABLE", 2)])
    step = queries.next_step(order)
    assert step is not None and step.at == order.next_deadline_at is not None
    assert step.rule == "O8"
