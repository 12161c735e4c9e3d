"""The catalog API: sellers, products with the buyer's prices, and a cart's quote (terms engine)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.parties.models import Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", verbosity=0)
    return Organization.objects.get(legal_name__startswith="Maison Lumière")


def login(client, email):
    client.force_login(User.objects.get(email=email))


def test_sellers_show_the_selective_brand_only_when_approved(client, demo):
    login(client, "buyer2@comptoir.example")
    brands = {b["name"] for s in client.get("/api/sellers").json() for b in s["brands"]}
    assert "Lumière Prestige" in brands
    login(client, "buyer1@comptoir.example")
    brands = {b["name"] for s in client.get("/api/sellers").json() for b in s["brands"]}
    assert "Lumière Prestige" not in brands and "Lumière Essentiel" in brands


def test_products_carry_prices_only_for_users_allowed_to_see_them(client, demo):
    login(client, "buyer2@comptoir.example")
    page = client.get(f"/api/sellers/{demo.pk}/products").json()
    assert page["total"] == len(page["items"]) and page["items"][0]["price"] is not None
    login(client, "buyer2.stock@comptoir.example")
    page = client.get(f"/api/sellers/{demo.pk}/products").json()
    assert all(item["price"] is None for item in page["items"])


def test_a_selective_product_is_404_for_a_buyer_not_approved(client, demo):
    product = Product.objects.filter(seller=demo, brand__selective=True).first()
    login(client, "buyer1@comptoir.example")
    response = client.get(f"/api/sellers/{demo.pk}/products/{product.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert product.title not in response.content.decode()


def test_quote_applies_the_selective_beauty_terms(client, demo):
    """O2: below 100 € HT the order is refused; O3: 15 € HT shipping below 200 € HT; O4: rounded
    to the packaging standard."""
    product = Product.objects.filter(seller=demo, brand__selective=False, pack_size=12).first()
    login(client, "buyer2@comptoir.example")
    with clock.frozen(clock.now().replace(year=2026, month=11, day=23)):
        response = client.post(
            f"/api/sellers/{demo.pk}/quote",
            {"lines": [{"sku": product.sku, "quantity": 13}], "payment_method": "sepa_debit"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    quote = response.json()
    assert quote["lines"][0]["requested_quantity"] == 13
    assert quote["lines"][0]["quantity"] == 12
    assert {v["rule"] for v in quote["violations"]} == {"O2"}
    assert [f["rule"] for f in quote["fees"]] == ["O3"] and quote["fees"][0]["amount"] == "15.00"


def test_quote_rejects_bad_input_with_the_field(client, demo):
    login(client, "buyer2@comptoir.example")
    url = f"/api/sellers/{demo.pk}/quote"
    bad = client.post(url, {"lines": [{"sku": "NOPE", "quantity": 1}]}, "application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "lines[0].sku"
    negative = client.post(url, {"lines": [{"sku": "X", "quantity": -2}]}, "application/json")
    assert negative.status_code == 422 and negative.json()["field"] == "lines[0].quantity"
    client.logout()
    assert (
        client.post(url, {"lines": [{"sku": "X", "quantity": 1}]}, "application/json").status_code
        == 401
    )
