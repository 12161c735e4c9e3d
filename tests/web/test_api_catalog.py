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
    to the packaging standard; the fees are those of the checkout's quote (with O5's frequency
    fee when the demo history gives the buyer more than two orders that month)."""
    from comptoir.ordering.quoting import LineRequest, quote_cart
    from comptoir.terms.engine.serialize import quote_to_json

    product = Product.objects.filter(seller=demo, brand__selective=False, pack_size=12).first()
    login(client, "buyer2@comptoir.example")
    buyer = User.objects.get(email="buyer2@comptoir.example").memberships.get().organization
    with clock.frozen(clock.now().replace(year=2026, month=11, day=23)):
        response = client.post(
            f"/api/sellers/{demo.pk}/quote",
            {"lines": [{"sku": product.sku, "quantity": 13}], "payment_method": "sepa_debit"},
            content_type="application/json",
        )
        checkout = quote_cart(
            buyer=buyer,
            seller=demo,
            requests=[LineRequest(product.sku, 13)],
            payment_method="sepa_debit",
        )
    assert response.status_code == 200, response.content
    quote = response.json()
    assert quote["lines"][0]["requested_quantity"] == 13
    assert quote["lines"][0]["quantity"] == 12
    assert {v["rule"] for v in quote["violations"]} == {"O2"}
    assert quote["fees"][0]["rule"] == "O3" and quote["fees"][0]["amount"] == "15.00"
    assert quote["fees"] == quote_to_json(checkout.quote)["fees"]


def test_quote_rejects_bad_input_with_the_field(client, demo):
    login(client, "buyer2@comptoir.example")
    url = f"/api/sellers/{demo.pk}/quote"
    bad = client.post(url, {"lines": [{"sku": "NOPE", "quantity": 1}]}, "application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "lines[0].sku"
    negative = client.post(url, {"lines": [{"sku": "X", "quantity": -2}]}, "application/json")
    assert negative.status_code == 422 and negative.json()["field"] == "lines[0].quantity"
    sku = Product.objects.filter(seller=demo, brand__selective=False).first().sku
    twice = [{"sku": sku, "quantity": 12}, {"sku": sku, "quantity": 12}]
    duplicate = client.post(url, {"lines": twice}, "application/json")
    assert duplicate.status_code == 422
    assert (duplicate.json()["code"], duplicate.json()["field"]) == (
        "duplicate_sku",
        "lines[1].sku",
    )
    client.logout()
    assert (
        client.post(url, {"lines": [{"sku": "X", "quantity": 1}]}, "application/json").status_code
        == 401
    )


def test_the_quote_is_the_one_placing_applies(client):
    """The API's quote reads the buyer the way placing does (O5, O10, PT9, PT10, C4): a buyer of
    the monthly intranet who already ordered this month is told before placing that a second
    order is refused, and the quote's fees and totals are those of the checkout's quote."""
    from comptoir.ordering.quoting import LineRequest, quote_cart
    from comptoir.terms.engine.serialize import quote_to_json
    from tests.ordering.conftest import make_buyer, make_shop, place

    shop = make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")
    buyer = make_buyer()
    client.force_login(buyer.user)
    url = f"/api/sellers/{shop.seller.pk}/quote"
    body = {"lines": [{"sku": "MIEL-12", "quantity": 24}]}
    with clock.frozen(clock.now().replace(year=2026, month=11, day=5, hour=9)):
        first = client.post(url, body, "application/json").json()
        assert not [v for v in first["violations"] if v["rule"] == "O5"]
        place(shop, buyer, [("MIEL-12", 24)])
        second = client.post(url, body, "application/json").json()
        checkout = quote_cart(
            buyer=buyer.org, seller=shop.seller, requests=[LineRequest("MIEL-12", 24)]
        )
    assert [v["rule"] for v in second["violations"]] == ["O5"]
    expected = quote_to_json(checkout.quote)
    assert (second["fees"], second["totals"]) == (expected["fees"], expected["totals"])
