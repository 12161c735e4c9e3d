"""The first pages: log in and out, home, product list (search, pagination), product page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def products_url(shop):
    return reverse("web:seller_products", args=[shop.seller.pk])


def test_login_page_and_bad_password(client, shop):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in response.content
    response = client.post(
        reverse("web:login"), {"username": "owner@buyer-a.test", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert b'role="alert"' in response.content


def test_login_logout_round_trip(client, shop):
    response = client.post(
        reverse("web:login"), {"username": "owner@buyer-a.test", "password": "x-test-password-1"}
    )
    assert response.status_code == 302
    home = client.get(reverse("web:home"))
    assert "Salon Approuvé" in home.content.decode()
    client.post(reverse("web:logout"))
    assert "owner@buyer-a.test" not in client.get(reverse("web:home")).content.decode()


def test_home_lists_selective_brand_only_for_approved_buyer(client, shop):
    client.force_login(shop.owner)
    page = client.get(reverse("web:home")).content.decode()
    assert "Maison Test Cosmétiques" in page
    assert "Prestige Or" in page and "Hydra Douce" in page
    client.force_login(shop.other_owner)
    page = client.get(reverse("web:home")).content.decode()
    assert "Hydra Douce" in page
    assert "Prestige Or" not in page


def test_product_list_paginates_with_a_cursor(client, shop):
    client.force_login(shop.owner)
    first = client.get(products_url(shop))
    assert first.status_code == 200
    assert first.context["page"].total == 60
    assert len(first.context["rows"]) == 50
    cursor = first.context["page"].next_cursor
    second = client.get(products_url(shop), {"after": cursor})
    assert len(second.context["rows"]) == 10
    seen = {p.pk for p, _ in first.context["rows"]} | {p.pk for p, _ in second.context["rows"]}
    assert len(seen) == 60


def test_product_list_search_by_sku_and_name(client, shop):
    client.force_login(shop.owner)
    by_sku = client.get(products_url(shop), {"q": "HD-007"})
    assert [p.sku for p, _ in by_sku.context["rows"]] == ["HD-007"]
    by_name = client.get(products_url(shop), {"q": "prestige"})
    assert [p.sku for p, _ in by_name.context["rows"]] == ["HD-000"]
    accent_blind = client.get(products_url(shop), {"q": "SERUM"})  # "Sérum prestige"
    assert [p.sku for p, _ in accent_blind.context["rows"]] == ["HD-000"]


def test_not_approved_buyer_neither_lists_nor_opens_selective_products(client, shop):
    client.force_login(shop.other_owner)
    listing = client.get(products_url(shop))
    assert listing.context["page"].total == 59
    assert "Sérum prestige" not in listing.content.decode()
    detail = reverse("web:product_detail", args=[shop.seller.pk, shop.selective_product.pk])
    assert client.get(detail).status_code == 404


def test_owner_sees_prices_employee_without_view_prices_sees_none(client, shop):
    client.force_login(shop.owner)
    listing = client.get(products_url(shop))
    assert "12,50" in listing.content.decode()
    detail_url = reverse("web:product_detail", args=[shop.seller.pk, shop.open_product.pk])
    assert client.get(detail_url).context["price"] is not None

    client.force_login(shop.employee_no_prices)
    listing = client.get(products_url(shop))
    assert listing.status_code == 200
    assert all(price is None for _, price in listing.context["rows"])
    assert "12,50" not in listing.content.decode()
    detail = client.get(detail_url)
    assert detail.context["price"] is None
    assert "12,50" not in detail.content.decode()


def test_unknown_seller_or_product_is_404(client, shop):
    client.force_login(shop.owner)
    assert client.get(reverse("web:seller_products", args=[999999])).status_code == 404
    url = reverse("web:product_detail", args=[shop.seller.pk, 999999])
    assert client.get(url).status_code == 404


def test_pages_carry_security_headers(client, shop):
    response = client.get(reverse("web:home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
