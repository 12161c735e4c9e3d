"""The list of a company's orders (P9): newest first, one page at a time on a keyset cursor, so
that every order can be reached however many there are; filtered by state and by number; only
the company's own orders, in a number of queries that does not grow with the page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering import queries
from comptoir.ordering.models import Order
from tests.ordering.conftest import make_buyer, make_shop, place
from tests.plans import query_plan

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a href="\?([^"]*after=[^"]+)" rel="next">')
ROW = re.compile(r'<tr data-testid="order-row"><td><a href="[^"]+">([^<]+)</a>')
START = datetime(2026, 11, 2, 9, 0, tzinfo=clock.PARIS)


@pytest.fixture
def world():
    shop = make_shop("electronics-wholesale", [("A", "120.00", 1, 500), ("B", "90.00", 1, 500)])
    buyer, neighbour = make_buyer("Salon A"), make_buyer("Boutique B")
    placed = []
    # seven orders over four instants: three share one, so the cursor must break ties by id
    for n, minutes in enumerate((0, 10, 10, 10, 20, 30, 40)):
        with clock.frozen(START + timedelta(minutes=minutes)):
            placed.append(place(shop, buyer, [("A", 1 + n)]))
    with clock.frozen(START + timedelta(minutes=15)):
        theirs = place(shop, neighbour, [("B", 2)])
    newest_first = sorted(placed, key=lambda o: (o.placed_at, o.pk), reverse=True)
    return {
        "shop": shop,
        "buyer": buyer,
        "mine": [o.number for o in newest_first],
        "theirs": theirs,
    }


def _walk(client, url: str) -> tuple[list[str], list[str]]:
    """Every page from `url` on, following the "next page" links: the numbers, the links."""
    numbers, links = [], []
    while url:
        html = client.get(url).content.decode()
        numbers += ROW.findall(html)
        found = NEXT.search(html)
        url = f"{reverse('web:orders')}?{found.group(1).replace('&amp;', '&')}" if found else ""
        links.append(url)
    return numbers, links


def test_the_query_walks_every_order_once_newest_first(world):
    buyer = world["buyer"].org
    seen, after, pages = [], None, 0
    while True:
        page = queries.order_page(buyer, after=after, limit=3)
        seen += [o.number for o in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == world["mine"]
    assert pages == 3  # 3 + 3 + 1
    seller_side = queries.order_page(world["shop"].seller, limit=50).items
    assert world["theirs"].number in {o.number for o in seller_side}  # the seller sees both
    assert len(seller_side) == 8


def test_a_following_page_starts_the_index_range_at_its_cursor(world):
    """The cursor bounds the index scan (core.cursors.after_key): a page deep in a long list
    reads its own rows, not again every newer order before it."""
    lists = (
        (world["buyer"].org, "order_buyer_list_idx"),
        (world["shop"].seller, "order_seller_list_idx"),
    )
    for org, index in lists:
        first = queries.order_page(org, limit=2)
        with CaptureQueriesContext(connection) as read:
            queries.order_page(org, after=first.next_cursor, limit=2)
        plan = query_plan(read.captured_queries[-1]["sql"])
        if connection.vendor == "postgresql":
            scan = plan.split(f"Index Scan using {index}")[1]
            assert "placed_at <= " in scan.split("Index Cond:")[1].split("\n")[0]
        else:
            assert f"USING INDEX {index} (" in plan and "placed_at<?" in plan
        assert "Sort Key" not in plan and "TEMP B-TREE" not in plan


def test_the_page_lists_only_what_it_shows(world, django_assert_num_queries):
    with django_assert_num_queries(1):  # the orders with their parties' names, nothing more
        page = queries.order_page(world["buyer"].org)
        rows = [(o.number, o.seller.display_name, o.buyer.display_name) for o in page.items]
    assert len(rows) == 7
    assert set(page.items[0].get_deferred_fields()) >= {"quote", "terms_version_id", "texts"}


def test_the_web_list_pages_through_every_order(client, world, monkeypatch):
    monkeypatch.setattr(queries, "ORDER_PAGE_SIZE", 2)
    client.force_login(world["buyer"].user)
    numbers, links = _walk(client, reverse("web:orders"))
    assert numbers == world["mine"]
    assert len(links) == 4 and links[-1] == ""  # 2 + 2 + 2 + 1
    assert world["theirs"].number not in numbers  # another buyer's order (P9)
    html = client.get(links[0]).content.decode()
    assert "First page" in html or "Première page" in html


def test_filters_are_kept_from_page_to_page(client, world, monkeypatch):
    monkeypatch.setattr(queries, "ORDER_PAGE_SIZE", 2)
    Order.objects.filter(number__in=world["mine"][:5]).update(state="accepted")
    client.force_login(world["buyer"].user)
    numbers, links = _walk(client, reverse("web:orders") + "?state=accepted")
    assert numbers == world["mine"][:5]
    assert all("state=accepted" in link for link in links[:-1])
    wanted = world["mine"][3]
    only = ROW.findall(
        client.get(reverse("web:orders"), {"q": wanted[-6:].lower()}).content.decode()
    )
    assert only == [wanted]
    none = client.get(reverse("web:orders"), {"q": world["theirs"].number}).content.decode()
    assert ROW.findall(none) == []


def test_a_cursor_not_written_by_the_page_starts_again(client, world):
    client.force_login(world["buyer"].user)
    for junk in ("x", "%%%", "WyJub3QgYSBkYXRlIiwgMV0", "W1td"):
        response = client.get(reverse("web:orders"), {"after": junk})
        assert response.status_code == 200
        assert ROW.findall(response.content.decode()) == world["mine"]


def test_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world["buyer"].user)
    with CaptureQueriesContext(connection) as seven:
        client.get(reverse("web:orders"))
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("web:orders"), {"state": "refused"})
    assert len(seven) == len(none)
