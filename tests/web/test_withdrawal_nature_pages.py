"""A product's withdrawal nature (O17) in the seller's product form and through the API."""

from __future__ import annotations

import pytest

from comptoir.catalog.models import Product
from tests.web import test_api_sellers, test_catalog_admin
from tests.web.test_api_sellers import JSON
from tests.web.test_api_sellers import PRODUCT as API_PRODUCT
from tests.web.test_catalog_admin import PRODUCT, form_errors, url

# the catalog pages' and the sellers API's fixtures
seller = test_catalog_admin.seller
seller_user = test_catalog_admin.seller_user
_english = test_catalog_admin._english
frozen_day = test_catalog_admin.frozen_day
seller_owner = test_api_sellers.seller_owner

pytestmark = pytest.mark.django_db


def test_the_product_form_has_a_labelled_nature_choice(seller, shop):
    page = seller.get(url("catalog_product_create")).content.decode()
    assert 'data-field="withdrawal_nature"' in page
    assert 'for="id_withdrawal_nature"' in page and 'name="withdrawal_nature"' in page
    assert "Liable to deteriorate or expire rapidly (4°)" in page
    assert "L221-28" in page  # the help says when it applies


def test_the_seller_sets_and_clears_the_nature(seller, shop):
    response = seller.post(
        url("catalog_product_create"), {**PRODUCT, "withdrawal_nature": "perishable"}
    )
    assert response.status_code == 302
    product = Product.objects.get(seller=shop.seller, sku="NEW-1")
    assert product.withdrawal_nature == "perishable"
    page = seller.get(url("catalog_product_edit", product.pk)).content.decode()
    assert '<option value="perishable" selected>' in page
    response = seller.post(
        url("catalog_product_edit", product.pk), {**PRODUCT, "withdrawal_nature": ""}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.withdrawal_nature == ""


def test_an_unknown_nature_comes_back_beside_its_field(seller, shop):
    response = seller.post(url("catalog_product_create"), {**PRODUCT, "withdrawal_nature": "x"})
    page = form_errors(response)
    block = page[page.index('data-field="withdrawal_nature"') :]
    block = block[: block.index("data-field=", 10)]  # up to the next field
    assert "(C1)" in block and 'aria-invalid="true"' in block
    assert not Product.objects.filter(seller=shop.seller, sku="NEW-1").exists()


def test_the_api_reads_and_writes_the_nature(client, shop, seller_owner):
    client.force_login(seller_owner)
    created = client.post(
        "/api/products", {**API_PRODUCT, "withdrawal_nature": "custom"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["withdrawal_nature"] == "custom"
    changed = client.patch(
        f"/api/products/{body['id']}", {"withdrawal_nature": "perishable"}, content_type=JSON
    )
    assert changed.status_code == 200 and changed.json()["withdrawal_nature"] == "perishable"
    bad = client.patch(
        f"/api/products/{body['id']}", {"withdrawal_nature": "fragile"}, content_type=JSON
    )
    assert bad.status_code == 422 and bad.json()["field"] == "withdrawal_nature"
    null = client.patch(f"/api/products/{body['id']}", {"withdrawal_nature": None}, JSON)
    assert null.status_code == 422 and null.json()["field"] == "withdrawal_nature"
    cleared = client.patch(f"/api/products/{body['id']}", {"withdrawal_nature": ""}, JSON)
    assert cleared.json()["withdrawal_nature"] == ""
    Product.objects.filter(pk=body["id"]).update(withdrawal_nature="perishable", is_active=True)
    read = client.get(f"/api/sellers/{shop.seller.pk}/products/{body['id']}")
    assert read.status_code == 200 and read.json()["withdrawal_nature"] == "perishable"
