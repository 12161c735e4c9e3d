"""What the order page reads: the digital-delivery form (F11) shown from the lines the page
already holds, the shipments read with their order lines in one query, and a number of queries
that does not grow with the lines and shipments (no reserve follow-ups read when no delivery
was signed with reserves, F4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core import clock
from comptoir.fulfilment.services import address_change_request
from tests.fulfilment.conftest import accepted_order, at, deliver, ship_all
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db


def _page(client, order) -> str:
    with clock.frozen(at(2026, 12, 28, 10)):
        response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_seller_of_keys_is_offered_the_digital_delivery_and_a_seller_of_goods_is_not(client):
    keys = make_shop("digital-goods", [("KEY-1", "49.00", 1, None)], kind="license_key")
    goods = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    buyer = make_buyer()
    digital = accepted_order(keys, buyer, [("KEY-1", 2)])
    physical = accepted_order(goods, buyer, [("VASE-1", 2)])
    client.force_login(keys.seller_user)
    assert reverse("web:keys_send", args=[digital.number]) in _page(client, digital)
    client.force_login(goods.seller_user)
    assert "/keys/" not in _page(client, physical)


def test_a_mixed_order_is_offered_the_digital_delivery(client):
    shop = make_shop(
        "digital-goods",
        [("KEY-1", "49.00", 1, None), ("BOX-1", "9.00", 1, 10)],
        kinds={"BOX-1": "physical", "KEY-1": "license_key"},
    )
    order = accepted_order(shop, make_buyer(), [("BOX-1", 1), ("KEY-1", 1)])
    client.force_login(shop.seller_user)
    assert reverse("web:keys_send", args=[order.number]) in _page(client, order)


def _delivered(shop, buyer, lines):
    order = accepted_order(shop, buyer, lines)
    deliver(shop, ship_all(shop, order))
    return order


def test_the_order_page_reads_the_same_with_more_lines(client, django_assert_max_num_queries):
    """No N+1: a delivered order of two lines and one of five read alike; the page of the
    larger one is measured, the shipment lines coming with their order lines."""
    products = [(f"SKU-{i}", "10.00", 1, 50) for i in range(5)]
    shop = make_shop("marketplace", products)
    buyer = make_buyer()
    small = _delivered(shop, buyer, [("SKU-0", 1), ("SKU-1", 1)])
    large = _delivered(shop, buyer, [(f"SKU-{i}", 1) for i in range(5)])
    client.force_login(buyer.user)
    _page(client, small)
    with django_assert_max_num_queries(15) as small_queries:
        _page(client, small)
    with django_assert_max_num_queries(len(small_queries)) as large_queries:
        page = _page(client, large)
    assert all(f"SKU-{i}" in page for i in range(5))
    line_reads = [
        q["sql"] for q in large_queries.captured_queries if 'FROM "ordering_orderline"' in q["sql"]
    ]
    assert len(line_reads) == 1  # the shipment lines join them instead of reading them again


SECTIONS = (  # a read of the section's rows (the order's own query only asks EXISTS of them)
    'SELECT "fulfilment_contestation".',  # F4
    'SELECT "ordering_substitutionproposal".',  # C6
    'SELECT "fulfilment_packagingdeposit".',  # F10
    'SELECT "fulfilment_charge".',  # F7
    'SELECT "fulfilment_addresschangerequest".',  # F6
    'SELECT "fulfilment_shipment".',  # F2
)


def test_sections_without_rows_are_not_read_and_those_with_rows_are(
    client, django_assert_max_num_queries
):
    """The order is read with which of its sections have rows (`order_for_page`): an accepted
    order's page reads none of the six, a delivered order's reads its shipments (F2) and its
    contestation (F4) and shows its deadline; six queries fewer than reading each section."""
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    buyer = make_buyer()
    open_order = accepted_order(shop, buyer, [("VASE-1", 1)])
    client.force_login(buyer.user)
    _page(client, open_order)
    with django_assert_max_num_queries(15) as reads:
        _page(client, open_order)
    read = [s for s in SECTIONS if any(q["sql"].startswith(s) for q in reads.captured_queries)]
    assert read == []
    done = _delivered(shop, buyer, [("VASE-1", 1)])
    with django_assert_max_num_queries(20) as reads:
        page = _page(client, done)
    read = [s for s in SECTIONS if any(q["sql"].startswith(s) for q in reads.captured_queries)]
    assert read == ['SELECT "fulfilment_contestation".', 'SELECT "fulfilment_shipment".']
    assert 'data-testid="contestation"' in page and 'data-testid="shipments"' in page
    assert 'data-testid="contest-until"' in page


def test_an_address_change_asked_for_is_read_and_shown(client, django_assert_max_num_queries):
    """F6: once the buyer asked for another delivery address, the page reads the request and
    shows it waiting for the seller."""
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    buyer = make_buyer()
    order = accepted_order(shop, buyer, [("VASE-1", 1)])
    with clock.frozen(at(2026, 12, 15)):
        address_change_request(
            actor=buyer.user,
            order_id=order.pk,
            address={
                "name": "Rive Gauche",
                "line1": "3 quai Voltaire",
                "postcode": "75007",
                "city": "Paris",
            },  # fmt: skip
        )
    client.force_login(shop.seller_user)
    _page(client, order)
    with django_assert_max_num_queries(20) as reads:
        page = _page(client, order)
    read = [s for s in SECTIONS if any(q["sql"].startswith(s) for q in reads.captured_queries)]
    assert read == ['SELECT "fulfilment_addresschangerequest".']
    assert 'data-testid="address-change-pending"' in page and "3 quai Voltaire" in page


def test_the_timeline_reads_who_acted_without_their_password_hash(client):
    """The timeline names who acted (their e-mail); the events' query leaves the actors'
    password hashes in the database."""
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    buyer = make_buyer()
    order = accepted_order(shop, buyer, [("VASE-1", 1)])
    client.force_login(buyer.user)
    with CaptureQueriesContext(connection) as reads:
        page = _page(client, order)
    events = [q["sql"] for q in reads.captured_queries if 'FROM "ordering_orderevent"' in q["sql"]]
    assert len(events) == 1 and '"parties_user"."email"' in events[0]
    assert '"parties_user"."password"' not in events[0]
    assert shop.seller_user.email in page  # the seller accepted it
