"""The fulfilment panel of the order page: the buyer records a reserve confirmation (F4), the
seller sends a formal notice (F7, N1); outsiders get nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core import clock
from comptoir.fulfilment.models import CollectionNotice, ReserveFollowUp
from tests.fulfilment.conftest import accepted_order, at, deliver, deposited_buyer, ship_all
from tests.fulfilment.test_followups import PLACED, RECEIVED, SHIPPED
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db


def test_the_buyer_confirms_its_reserves_from_the_order_page(client):
    shop = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    buyer = make_buyer()
    order = accepted_order(shop, buyer, [("SER-1", 6)], when=PLACED)
    deliver(
        shop,
        ship_all(shop, order, when=SHIPPED),
        on=RECEIVED,
        reserves=[{"kind": "damaged", "text": "Carton écrasé"}],
    )
    follow_up = ReserveFollowUp.objects.get(order=order, kind="confirm_reserves")
    client.force_login(buyer.user)
    with clock.frozen(at(2026, 5, 12, 10)):
        page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
        assert 'data-testid="follow-ups"' in page and "14/05/2026" in page
        assert reverse("web:follow_up_record", args=[order.number]) in page
        response = client.post(
            reverse("web:follow_up_record", args=[order.number]),
            {"follow_up": follow_up.pk, "done_on": "2026-05-12", "reference": "RAR 42"},
        )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.reference) == ("done", "RAR 42")
    other = make_buyer()
    client.force_login(other.user)
    response = client.post(
        reverse("web:follow_up_record", args=[order.number]),
        {"follow_up": follow_up.pk, "done_on": "2026-05-12"},
    )
    assert response.status_code == 404


def test_the_seller_sends_a_formal_notice_from_the_order_page(client):
    shop = make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])
    order = accepted_order(shop, deposited_buyer(shop), [("MIEL-1", 2)], when=PLACED)
    shipment = ship_all(shop, order, when=SHIPPED)
    client.force_login(shop.seller_user)
    with clock.frozen(at(2026, 5, 7, 10)):
        page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
        assert reverse("web:collection_notice", args=[order.number]) in page
        response = client.post(
            reverse("web:collection_notice", args=[order.number]),
            {"shipment": shipment.number, "reference": "1A 99"},
        )
    assert response.status_code == 302
    notice = CollectionNotice.objects.get(shipment=shipment)
    assert notice.letter_reference == "1A 99"
    page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
    assert 'data-testid="notices"' in page and "09/05/2026 10:00" in page


def test_before_any_shipment_the_panel_skips_what_only_a_shipment_can_leave(client):
    """An order not shipped yet can have no reserve follow-up, wrong goods or formal notice
    (F3, F4, F7): its page does not look for them, and finds them once a shipment exists."""
    shop = make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])
    buyer = make_buyer()
    order = accepted_order(shop, buyer, [("SER-1", 6)], when=PLACED)
    client.force_login(buyer.user)
    url = reverse("web:order_detail", args=[order.number])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    tables = " ".join(q["sql"] for q in before.captured_queries)
    assert "fulfilment_reservefollowup" not in tables
    assert "fulfilment_collectionnotice" not in tables
    deliver(
        shop,
        ship_all(shop, order, when=SHIPPED),
        on=RECEIVED,
        reserves=[{"kind": "damaged", "text": "Carton écrasé"}],
    )
    with clock.frozen(at(2026, 5, 12, 10)):
        page = client.get(url).content.decode()
    assert 'data-testid="follow-ups"' in page
