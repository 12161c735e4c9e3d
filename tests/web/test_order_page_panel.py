"""The order page says the contestation's last day as the timeline does (F4), and shows the
reception panel only when it has a line or a button (no heading standing alone)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.fulfilment.services import delivery_validate
from tests.fulfilment.conftest import accepted_order, at, buyer, delivered, marketplace, ship_all

__all__ = ["buyer", "delivered", "marketplace"]  # fixtures shared with tests/fulfilment

pytestmark = pytest.mark.django_db
PANEL = 'data-testid="fulfilment-panel"'


def _page(client, order, language: str = "en") -> str:
    client.cookies["django_language"] = language
    with clock.frozen(at(2026, 12, 28, 10)):
        response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_contestation_says_its_last_day_inclusive(client, buyer, delivered):
    """Delivered on Thursday 24 December 2026: contestable through Wednesday 30 December."""
    client.force_login(buyer.user)
    assert "contest until 30/12/2026 inclusive" in _page(client, delivered)
    assert "contestation possible jusqu&#x27;au 30/12/2026 inclus" in _page(client, delivered, "fr")


def test_a_frozen_order_shows_the_buyer_no_empty_reception_panel(client, buyer, delivered):
    with clock.frozen(at(2026, 12, 28, 10)):
        delivery_validate(actor=buyer.user, order_id=delivered.pk)
    delivered.refresh_from_db()
    assert delivered.state == "frozen"
    client.force_login(buyer.user)
    assert PANEL not in _page(client, delivered)


def test_the_seller_of_a_shipped_order_has_the_panel_with_its_refusal_form(
    client, marketplace, buyer
):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    ship_all(marketplace, order)
    client.force_login(marketplace.seller_user)
    page = _page(client, order)
    assert PANEL in page and reverse("web:shipment_refuse", args=[order.number]) in page
    client.force_login(buyer.user)
    assert PANEL not in _page(client, order)  # nothing for the buyer to do before delivery
