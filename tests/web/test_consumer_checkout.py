"""O17 through the faces: a natural person orders as a consumer from the cart page or the API;
a company cannot, and the answer names the field and the rule."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.ordering.services.carts import cart_line_set
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)


@pytest.fixture
def jars():
    """Seed 001 (monthly-intranet) serves consumers with a 14-day withdrawal period."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def _api_place(client, shop, key: str, **extra):
    body = {
        "lines": [{"sku": "MIEL-12", "quantity": 24}],
        "accepted_terms_version": shop.version.version,
        **extra,
    }
    return client.post(
        f"/api/sellers/{shop.seller.pk}/orders",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_a_person_orders_as_a_consumer_through_the_api(client, jars):
    person = make_buyer(person=True)
    client.force_login(person.user)
    with clock.frozen(NOW):
        answer = _api_place(client, jars, "c-1", as_consumer=True)
    assert answer.status_code == 201, answer.json()
    assert answer.json()["consumer"] is True
    assert Order.objects.get(number=answer.json()["number"]).consumer


def test_a_company_cannot_order_as_a_consumer(client, jars):
    company = make_buyer()
    client.force_login(company.user)
    with clock.frozen(NOW):
        answer = _api_place(client, jars, "c-2", as_consumer=True)
        plain = _api_place(client, jars, "c-3")
    assert answer.status_code == 422
    assert (answer.json()["field"], answer.json()["rule"]) == ("as_consumer", "O17")
    assert plain.status_code == 201 and plain.json()["consumer"] is False


def test_the_cart_offers_the_consumer_choice_to_a_person_only(client, jars):
    person, company = make_buyer(person=True), make_buyer()
    for buyer in (person, company):
        with clock.frozen(NOW):
            cart_line_set(
                actor=buyer.user, buyer=buyer.org, seller=jars.seller, sku="MIEL-12", quantity=24
            )
    url = reverse("web:cart", args=[jars.seller.pk])
    client.force_login(company.user)
    with clock.frozen(NOW):
        assert 'name="as_consumer"' not in client.get(url).content.decode()
    client.force_login(person.user)
    with clock.frozen(NOW):
        page = client.get(url).content.decode()
        assert 'name="as_consumer"' in page
        client.post(
            reverse("web:checkout", args=[jars.seller.pk]),
            {
                "idempotency_key": "web-c-1",
                "terms_version": jars.version.version,
                "accept_terms": "yes",
                "as_consumer": "yes",
            },
        )
    order = Order.objects.get(buyer=person.org)
    assert order.consumer and not order.withdrawal_waiver
