"""The seller's orders to answer (O8): every one of them reachable, page after page, the nearest
deadline first and those without one last; how many wait; only the seller's own."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.web import ordering as pages
from comptoir.web.templatetags.comptoir_format import days_left
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr data-testid="inbox-row"><td><a href="[^"]+">([^<]+)</a>')
START = datetime(2026, 11, 2, 9, 0, tzinfo=clock.PARIS)


@pytest.fixture
def world():
    shop = make_shop("electronics-wholesale", [("A", "120.00", 1, 500)])
    other = make_shop("electronics-wholesale", [("Z", "120.00", 1, 500)])
    buyer = make_buyer("Salon A")
    mine = []
    for n in range(5):
        with clock.frozen(START + timedelta(hours=n)):
            mine.append(place(shop, buyer, [("A", 1 + n)]))
    with clock.frozen(START):
        theirs = place(other, buyer, [("Z", 1)])
    # deadlines out of the order of arrival, one order without any
    due = [date(2026, 11, 6), date(2026, 11, 4), None, date(2026, 11, 4), date(2026, 11, 5)]
    for order, day in zip(mine, due, strict=True):
        Order.objects.filter(pk=order.pk).update(acceptance_due_on=day)
    expected = [mine[1], mine[3], mine[4], mine[0], mine[2]]  # by deadline, then arrival
    return {"shop": shop, "expected": [o.number for o in expected], "theirs": theirs}


def _pages(client) -> list[str]:
    html = client.get(reverse("web:inbox")).content.decode()
    numbers, page = ROW.findall(html), 1
    while 'rel="next"' in html:
        page += 1
        html = client.get(reverse("web:inbox"), {"page": page}).content.decode()
        numbers += ROW.findall(html)
    return numbers


def test_every_order_to_answer_is_reachable_nearest_deadline_first(client, world, monkeypatch):
    monkeypatch.setattr(pages, "INBOX_PAGE_SIZE", 2)
    client.force_login(world["shop"].seller_user)
    assert _pages(client) == world["expected"]
    first = client.get(reverse("web:inbox")).content.decode()
    assert "5 commandes attendent votre réponse." in first
    assert "Page 1 sur 3" in first or "Page 1 of 3" in first
    assert world["theirs"].number not in first  # another seller's order (P9)


def test_a_page_out_of_range_shows_the_last_one(client, world, monkeypatch):
    monkeypatch.setattr(pages, "INBOX_PAGE_SIZE", 2)
    client.force_login(world["shop"].seller_user)
    for junk in ("99", "x", "-1"):
        response = client.get(reverse("web:inbox"), {"page": junk})
        assert response.status_code == 200
        assert ROW.findall(response.content.decode())


def test_queries_do_not_grow_with_the_rows(client, world):
    client.force_login(world["shop"].seller_user)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("web:inbox"))
    Order.objects.filter(seller=world["shop"].seller).update(state="accepted")
    with CaptureQueriesContext(connection) as none:
        html = client.get(reverse("web:inbox")).content.decode()
    assert ROW.findall(html) == []
    assert len(five) <= len(none) + 1  # the page itself; the count is read either way


def test_the_count_is_written_as_people_read_numbers(client, world, monkeypatch):
    """24602 reads "24 602" in French (a no-break space) and "24,602" in English."""
    client.force_login(world["shop"].seller_user)
    monkeypatch.setattr(pages.Paginator, "count", 24602)
    html = client.get(reverse("web:inbox")).content.decode()
    assert "24\xa0602 commandes attendent votre réponse." in html
    client.cookies["django_language"] = "en"
    english = client.get(reverse("web:inbox"), headers={"accept-language": "en"}).content.decode()
    assert "24,602 orders wait for your answer." in english


def test_what_is_left_of_each_deadline_is_counted_on_the_platform_clock(client, world):
    """O8: the countdown follows the platform's clock (which a demo moves forward), whatever the
    server's date: on 5 Nov, the orders due on 6, 5 and 4 Nov."""
    client.force_login(world["shop"].seller_user)
    with clock.frozen(datetime(2026, 11, 5, 15, 0, tzinfo=clock.PARIS)):
        html = client.get(reverse("web:inbox")).content.decode()
    left = re.findall(r'data-testid="days-left">\(([^)]+)\)', html)
    assert left == ["échéance dépassée", "échéance dépassée", "dernier jour", "1 jour restant"]
    with clock.frozen(datetime(2026, 11, 2, 9, 0, tzinfo=clock.PARIS)):
        html = client.get(reverse("web:inbox")).content.decode()
    left = re.findall(r'data-testid="days-left">\(([^)]+)\)', html)
    assert left == ["2 jours restants", "2 jours restants", "3 jours restants", "4 jours restants"]
    with translation.override("en"):
        assert days_left(date(2026, 11, 4), date(2026, 11, 2)) == "2 days left"
        assert days_left(date(2026, 11, 4), date(2026, 11, 3)) == "1 day left"
        assert days_left(date(2026, 11, 4), date(2026, 11, 4)) == "last day"
        assert days_left(date(2026, 11, 4), date(2026, 11, 5)) == "deadline passed"
