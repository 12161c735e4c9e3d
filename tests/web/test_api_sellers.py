"""The seller's catalog and terms through the API: products (C1, C2), stock, tariff prices (C3),
terms versions drafted and published (N3). Only the seller's owner changes them; buyers' companies
get 404, another seller's objects 404, an API key 403 on changes, bad input 422 in the one error
shape."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import Brand, Product, StockLevel, Tariff, TariffPrice
from comptoir.core import clock
from comptoir.parties import services
from comptoir.parties.models import Permission
from comptoir.terms.loader import preset_text
from comptoir.terms.models import TermsVersion
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db

JSON = "application/json"
PRODUCT = {"sku": "NEW-001", "title": "Baume nouveau", "gtin": "4006381333931", "pack_size": 12}


@pytest.fixture
def seller_owner(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    user = make_user("owner@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield user
    clock.freeze(None)


@pytest.fixture
def other_seller():
    seller = make_org(seller=True, name="Vendeur Voisin")
    brand = Brand.objects.create(seller=seller, name="Voisine", selective=False)
    product = Product.objects.create(seller=seller, sku="VV-1", title="Savon voisin")
    tariff = Tariff.objects.create(seller=seller, name="T", valid_from=date(2026, 1, 1))
    return seller, brand, product, tariff


def test_the_owner_creates_and_changes_a_product(client, shop, seller_owner):
    client.force_login(seller_owner)
    created = client.post(
        "/api/products", {**PRODUCT, "brand_id": shop.selective_brand.pk}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["sku"], body["pack_size"], body["vat_rate"], body["on_hand"]) == (
        "NEW-001",
        12,
        "20.00",
        0,
    )
    assert body["brand_id"] == shop.selective_brand.pk and body["is_active"] is True
    changed = client.patch(
        f"/api/products/{body['id']}",
        {"title": "Baume renouvelé", "is_active": False, "brand_id": None},
        content_type=JSON,
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["is_active"], changed.json()["sku"]) == (
        "Baume renouvelé",
        False,
        "NEW-001",
    )
    product = Product.objects.get(pk=body["id"])
    assert product.brand is None and product.title == "Baume renouvelé"


def test_product_errors_name_the_field_and_rule(client, shop, seller_owner, other_seller):
    _, other_brand, other_product, _ = other_seller
    client.force_login(seller_owner)

    def create(body):
        return client.post("/api/products", body, content_type=JSON)

    gtin = create({**PRODUCT, "gtin": "4006381333932"}).json()
    assert (gtin["field"], gtin["rule"]) == ("gtin", "C1")
    taken = create({**PRODUCT, "sku": "HD-001"}).json()
    assert (taken["code"], taken["field"]) == ("sku_taken", "sku")
    vat = create({**PRODUCT, "vat_rate": "19.6"}).json()
    assert (vat["code"], vat["field"]) == ("invalid_vat_rate", "vat_rate")
    rental = create({**PRODUCT, "kind": "software_rental"}).json()
    assert (rental["code"], rental["field"]) == ("rental_term_required", "rental_term_months")
    bad = create({**PRODUCT, "pack_size": 0})
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
        422,
        "invalid_input",
        "pack_size",
    )
    assert create({**PRODUCT, "brand_id": other_brand.pk}).status_code == 404
    assert client.post("/api/products", "{", content_type=JSON).status_code == 400

    mine = shop.open_product.pk
    null = client.patch(f"/api/products/{mine}", {"title": None}, content_type=JSON)
    assert (null.status_code, null.json()["field"]) == (422, "title")
    clash = client.patch(f"/api/products/{mine}", {"sku": "HD-002"}, content_type=JSON)
    assert clash.json()["code"] == "sku_taken"
    theirs = client.patch(f"/api/products/{other_product.pk}", {"title": "x"}, content_type=JSON)
    assert theirs.status_code == 404
    assert Product.objects.get(pk=other_product.pk).title == "Savon voisin"
    assert client.patch("/api/products/99999999", {}, content_type=JSON).status_code == 404


def test_stock_and_tariff_prices(client, shop, seller_owner, other_seller):
    _, _, other_product, other_tariff = other_seller
    product = shop.open_product
    tariff = Tariff.objects.get(seller=shop.seller)
    client.force_login(seller_owner)
    stock = client.put(f"/api/products/{product.pk}/stock", {"on_hand": 40}, content_type=JSON)
    assert stock.status_code == 200, stock.content
    assert (stock.json()["on_hand"], stock.json()["available"]) == (40, 40)
    StockLevel.objects.filter(product=product).update(reserved=30)
    below = client.put(f"/api/products/{product.pk}/stock", {"on_hand": 20}, content_type=JSON)
    assert (below.status_code, below.json()["code"], below.json()["field"]) == (
        422,
        "below_reserved",
        "on_hand",
    )
    negative = client.put(f"/api/products/{product.pk}/stock", {"on_hand": -1}, content_type=JSON)
    assert negative.status_code == 422
    theirs = client.put(
        f"/api/products/{other_product.pk}/stock", {"on_hand": 1}, content_type=JSON
    )
    assert theirs.status_code == 404

    url = f"/api/tariffs/{tariff.pk}/prices/{product.pk}"
    price = client.put(url, {"unit_price": "13.9"}, content_type=JSON)
    assert price.status_code == 200, price.content
    assert Decimal(price.json()["unit_price"]) == Decimal("13.9")
    assert TariffPrice.objects.get(tariff=tariff, product=product).unit_price == Decimal("13.9")
    assert client.put(url, {"unit_price": "-1"}, content_type=JSON).status_code == 422
    other = f"/api/tariffs/{other_tariff.pk}/prices/{product.pk}"
    assert client.put(other, {"unit_price": "1"}, content_type=JSON).status_code == 404
    other_product_url = f"/api/tariffs/{tariff.pk}/prices/{other_product.pk}"
    assert client.put(other_product_url, {"unit_price": "1"}, content_type=JSON).status_code == 404


def test_the_catalog_right_governs_changes_by_page_session_or_key(client, shop, seller_owner):
    product = shop.open_product.pk
    client.force_login(shop.owner)  # a buyer's owner: no catalog of its own
    assert client.post("/api/products", PRODUCT, content_type=JSON).status_code == 404
    assert client.get("/api/terms/versions").status_code == 404
    clerk = make_user("clerk@seller.test")
    services.membership_add(
        actor=seller_owner,
        organization=shop.seller,
        user=clerk,
        permissions=[Permission.VIEW_PRODUCTS, Permission.PLACE_ORDERS],
    )
    client.force_login(clerk)  # seeing products is not managing them (P4)
    assert client.get("/api/terms/versions").status_code == 403  # terms: manage_users
    refused = client.put(f"/api/products/{product}/stock", {"on_hand": 1}, content_type=JSON)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    token = services.api_key_create(
        actor=seller_owner,
        organization=shop.seller,
        name="ERP",
        scopes=[Permission.MANAGE_CATALOG],
    )[1]
    client.logout()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/terms/versions", headers=headers).status_code == 403
    by_key = client.put(
        f"/api/products/{product}/stock", {"on_hand": 40}, content_type=JSON, headers=headers
    )
    assert by_key.status_code == 200  # an ERP key with the catalog right keeps stock in sync
    assert client.post("/api/products", PRODUCT, content_type=JSON).status_code == 401


def test_terms_versions_drafted_and_published(client, shop, seller_owner):
    client.force_login(seller_owner)
    listed = client.get("/api/terms/versions").json()
    assert listed["count"] == 1 and listed["items"][0]["in_force"] is True
    one = client.get("/api/terms/versions/1").json()
    assert one["status"] == "published" and "[invoicing]" in one["source"]
    assert client.get("/api/terms/versions/9").status_code == 404

    broken = client.post("/api/terms/versions", {"source": "[ordering"}, content_type=JSON)
    assert (broken.status_code, broken.json()["code"], broken.json()["rule"]) == (
        422,
        "terms_invalid",
        "N3",
    )
    assert TermsVersion.objects.filter(seller=shop.seller).count() == 1
    source = preset_text("electronics-wholesale")
    draft = client.post("/api/terms/versions", {"source": source}, content_type=JSON)
    assert draft.status_code == 201, draft.content
    assert (draft.json()["version"], draft.json()["status"], draft.json()["in_force"]) == (
        2,
        "draft",
        False,
    )
    assert client.get("/api/terms/versions?status=draft").json()["count"] == 1
    early = client.post(
        "/api/terms/versions/2/publish", {"effective_from": "2026-11-24"}, content_type=JSON
    )
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (
        422,
        "effective_from_too_early",
        "effective_from",
    )
    published = client.post(
        "/api/terms/versions/2/publish", {"effective_from": "2027-01-01"}, content_type=JSON
    )
    assert published.status_code == 200, published.content
    assert (published.json()["status"], published.json()["effective_from"]) == (
        "published",
        "2027-01-01",
    )
    assert published.json()["in_force"] is False  # version 1 governs until then (N3)
    again = client.post("/api/terms/versions/2/publish", {}, content_type=JSON)
    assert (again.status_code, again.json()["code"]) == (422, "terms_version_published")
    page = client.get("/api/terms/versions?limit=1&offset=1").json()
    assert page["count"] == 2 and [v["version"] for v in page["items"]] == [1]
    assert client.get("/api/terms/versions?status=archived").status_code == 422


def test_another_sellers_terms_are_not_found(client, shop, seller_owner, other_seller):
    seller, *_ = other_seller
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        for _ in range(2):
            terms_version_create_from_preset(seller=seller, preset="marketplace")
    client.force_login(seller_owner)
    # version numbers are per seller: the neighbour's drafts 1 and 2 are not ours
    assert client.get("/api/terms/versions").json()["count"] == 1
    assert client.get("/api/terms/versions/2").status_code == 404
    assert client.post("/api/terms/versions/2/publish", {}, content_type=JSON).status_code == 404
    assert not TermsVersion.objects.filter(seller=seller, status="published").exists()
