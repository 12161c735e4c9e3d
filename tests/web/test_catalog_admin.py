"""The seller's catalog back office through the Django client: products (C1), stock, brands and
approvals (C2), tariffs (C3), tiers and promotions (C4), customer conditions (C5), vouchers (O15).
Every form is validated by the services: a refusal comes back beside its field with its rule, as
a 400, never a 500."""

from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.catalog.models import (
    Brand,
    BrandApproval,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    StockLevel,
    Tariff,
    TariffPrice,
)
from comptoir.catalog.services import product_create, product_remove
from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.ordering.models import Voucher
from comptoir.ordering.services import voucher_create, voucher_deactivate
from comptoir.parties import services as parties
from comptoir.parties.models import Permission
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages in English, the source language (French is checked elsewhere)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen_day():
    with clock.frozen(datetime(2026, 3, 2, 10, 0)):
        yield


@pytest.fixture
def seller_user(shop):
    user = make_user("catalog@seller.test")
    parties.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def seller(client, seller_user):
    client.force_login(seller_user)
    return client


def seller_employee(shop, seller_user, permissions):
    user = make_user()
    parties.membership_add(
        actor=seller_user, organization=shop.seller, user=user, permissions=permissions
    )
    return user


def url(name, *args):
    return reverse(f"web:{name}", args=args)


def form_errors(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


def other_seller_product():
    other = make_org(seller=True, name="Autre Maison")
    owner = make_user()
    parties.membership_add(
        actor=make_operator_user(), organization=other, user=owner, is_owner=True
    )
    return product_create(actor=owner, seller=other, sku="OTHER-1", title="Produit étranger")


# --- access (P4) --------------------------------------------------------------------------------


def test_buyer_gets_404_and_employee_without_catalog_right_403(client, shop, seller_user):
    client.force_login(shop.owner)
    assert client.get(url("catalog_products")).status_code == 404
    client.force_login(seller_employee(shop, seller_user, [Permission.VIEW_ORDERS]))
    assert client.get(url("catalog_products")).status_code == 403
    assert client.post(url("catalog_brand_create"), {"name": "X"}).status_code == 403
    assert not Brand.objects.filter(name="X").exists()


def test_seeing_products_and_prices_is_not_managing_the_catalog(client, shop, seller_user):
    """P4: the seller's catalog pages need `manage_catalog`; the viewing rights are not enough."""
    viewer = seller_employee(shop, seller_user, [Permission.VIEW_PRODUCTS, Permission.VIEW_PRICES])
    client.force_login(viewer)
    for name in ("catalog_products", "catalog_tariffs", "catalog_vouchers", "catalog_stock"):
        assert client.get(url(name)).status_code == 403, name
    assert client.post(url("catalog_voucher_create"), {"code": "X"}).status_code == 403
    clerk = seller_employee(shop, seller_user, [Permission.MANAGE_CATALOG])
    client.force_login(clerk)
    response = client.get(url("catalog_products"))
    assert response.status_code == 200 and 'data-testid="price"' in response.content.decode()


# --- product list -------------------------------------------------------------------------------


def test_list_shows_stock_and_price_in_force(seller, shop):
    StockLevel.objects.filter(product=shop.open_product).update(on_hand=10, reserved=4)
    response = seller.get(url("catalog_products"), {"q": "HD-001"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Crème hydratante 001" in page and "Tarif 2026" in page
    row = page[page.index("Crème hydratante 001") :]
    assert ">10<" in row and ">4<" in row and ">6<" in row  # on hand, reserved, available


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "HD-002"}, 1),  # SKU
        ({"q": "hydratante 00"}, 9),  # title
        ({"q": "CREME HYDRATANTE 00"}, 9),  # title, accents and case ignored
        ({"q": "serum"}, 1),  # "Sérum prestige"
        ({"q": "Prestige"}, 1),  # brand name
        ({"q": "4006381333931"}, 1),  # EAN
        ({"status": "removed"}, 1),
        ({"status": "inactive"}, 1),
    ],
)
def test_list_search_and_filters(seller, shop, params, expected):
    Product.objects.filter(pk=shop.open_product.pk).update(gtin="4006381333931")
    product_remove(actor=make_operator_user(), product=shop.selective_product, reason="C7")
    Product.objects.filter(sku="HD-010").update(is_active=False)
    response = seller.get(url("catalog_products"), params)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="catalog-row"') == expected


def test_list_brand_filter_and_pagination(seller, shop):
    page1 = seller.get(url("catalog_products"), {"brand": shop.open_brand.pk}).content.decode()
    assert page1.count('data-testid="catalog-row"') == 50
    assert "Sérum prestige" not in page1
    page2 = seller.get(url("catalog_products"), {"brand": shop.open_brand.pk, "page": 2})
    assert page2.content.decode().count('data-testid="catalog-row"') == 9
    # a bad filter value is ignored, never a 500
    assert seller.get(url("catalog_products"), {"brand": "x", "page": "zz"}).status_code == 200


def test_list_query_count_does_not_grow_with_the_page(seller, shop, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = seller.get(url("catalog_products"))
    assert response.content.decode().count('data-testid="catalog-row"') == 50
    Product.objects.filter(seller=shop.seller, sku__gt="HD-005").delete()
    with django_assert_max_num_queries(12):
        response = seller.get(url("catalog_products"))
    assert response.content.decode().count('data-testid="catalog-row"') == 6


# --- product create / edit / remove (C1) --------------------------------------------------------


PRODUCT = {
    "sku": "NEW-1",
    "gtin": "4006381333931",
    "title": "Masque nuit",
    "kind": "physical",
    "vat_rate": "20",
    "pack_size": "6",
    "is_active": "on",
}


def test_create_product(seller, shop):
    response = seller.post(url("catalog_product_create"), {**PRODUCT, "brand": shop.open_brand.pk})
    product = Product.objects.get(seller=shop.seller, sku="NEW-1")
    assert response.status_code == 302 and response["Location"] == url(
        "catalog_product_edit", product.pk
    )
    assert product.brand == shop.open_brand and product.pack_size == 6 and product.is_active
    assert StockLevel.objects.filter(product=product).exists()


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"gtin": "4006381333932"}, "gtin", "(C1)"),  # bad check digit
        ({"sku": "HD-001"}, "sku", "(C1)"),  # taken
        ({"sku": ""}, "sku", "(C1)"),
        ({"pack_size": "abc"}, "pack_size", "(C1)"),
        ({"pack_size": "0"}, "pack_size", "(C1)"),
        ({"kind": "software_rental"}, "rental_term_months", "(C1)"),
        ({"brand": "999999"}, "brand", "(C2)"),
        ({"vat_rate": "19.6"}, "vat_rate", "(C1)"),
    ],
)
def test_create_product_errors_beside_their_field(seller, shop, change, field, expected):
    response = seller.post(url("catalog_product_create"), {**PRODUCT, **change})
    page = form_errors(response)
    block = page[page.index(f'data-field="{field}"') :]
    block = block[: block.index("</div>")]
    assert expected in block, block
    assert 'aria-invalid="true"' in block
    assert not Product.objects.filter(title="Masque nuit").exists()


def test_edit_product_and_other_sellers_product_is_404(seller, shop):
    product = shop.open_product
    page = seller.get(url("catalog_product_edit", product.pk)).content.decode()
    assert 'value="HD-001"' in page
    response = seller.post(
        url("catalog_product_edit", product.pk),
        {**PRODUCT, "sku": "HD-001", "title": "Crème renommée", "pack_size": "12"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Crème renommée" and product.pack_size == 12
    foreign = other_seller_product()
    assert seller.get(url("catalog_product_edit", foreign.pk)).status_code == 404
    assert (
        seller.post(url("catalog_product_remove", foreign.pk), {"reason": "x"}).status_code == 404
    )
    assert seller.post(url("catalog_stock_set", foreign.pk), {"on_hand": "1"}).status_code == 404


def test_removed_by_operator_cannot_be_put_back_on_sale(seller, shop):
    product_remove(actor=make_operator_user(), product=shop.open_product, reason="Contrefaçon")
    response = seller.post(
        url("catalog_product_edit", shop.open_product.pk), {**PRODUCT, "sku": "HD-001"}
    )
    assert "(P6)" in form_errors(response)


def test_withdraw_needs_a_reason_and_is_audited(seller, shop):
    product = shop.open_product
    assert "(C1)" in form_errors(seller.post(url("catalog_product_remove", product.pk), {}))
    product.refresh_from_db()
    assert product.is_active
    response = seller.post(url("catalog_product_remove", product.pk), {"reason": "Fin de série"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.is_active and product.removal_reason == "Fin de série"
    assert product.removed_at is None  # the seller may put it back on sale
    entry = AuditEntry.objects.get(action="product.withdraw", object_id=str(product.pk))
    assert entry.data == {"reason": "Fin de série"}


# --- stock ----------------------------------------------------------------------------------------


def test_stock_set_and_its_errors(seller, shop):
    product = shop.open_product
    StockLevel.objects.filter(product=product).update(on_hand=10, reserved=4)
    page = seller.get(url("catalog_stock"), {"q": "HD-001"}).content.decode()
    assert 'data-testid="stock-row"' in page and ">4<" in page
    response = seller.post(url("catalog_stock_set", product.pk), {"on_hand": "25", "q": "HD"})
    assert response.status_code == 302 and response["Location"].endswith("?q=HD")
    assert StockLevel.objects.get(product=product).on_hand == 25
    assert "(C1)" in form_errors(
        seller.post(url("catalog_stock_set", product.pk), {"on_hand": "3"})
    )
    assert "(C1)" in form_errors(
        seller.post(url("catalog_stock_set", product.pk), {"on_hand": "douze"})
    )
    assert StockLevel.objects.get(product=product).on_hand == 25


def test_numbers_beyond_their_column_are_refused_and_the_catalog_still_reads(seller, shop):
    """A seller typing 20 digits gets the field's error (C1, C3), not a 500; nothing is stored, so
    the pages that show stock and prices still open (SQLite would have stored the number and then
    failed to read it back)."""
    product = shop.open_product
    tariff = TariffPrice.objects.get(product=product).tariff_id
    for target, data in (
        (url("catalog_stock_set", product.pk), {"on_hand": "99999999999999999999"}),
        (url("catalog_tariff_price", tariff, product.pk), {"unit_price": "99999999999999999999"}),
    ):
        assert "Too large" in form_errors(seller.post(target, data)), target
    assert TariffPrice.objects.get(product=product).unit_price == D("12.50")
    assert seller.get(url("catalog_stock")).status_code == 200
    assert seller.get(f"/sellers/{shop.seller.pk}/products/").status_code == 200


def test_a_value_the_database_refuses_is_a_message_not_a_500(seller, shop, monkeypatch):
    """The safety net of the member pages: a DataError no check caught (a NUL character in a text
    on PostgreSQL, say) rolls the use case back and sends the person back to the page with a
    message; a page read with such parameters answers 400."""
    from django.db import DataError

    from comptoir.catalog import services

    def refused(**_kwargs):
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")

    monkeypatch.setattr(services, "brand_create", refused)
    brands = url("catalog_brands")
    response = seller.post(
        url("catalog_brand_create"),
        {"name": "Nouvelle"},
        follow=True,
        HTTP_REFERER=f"http://testserver{brands}",
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(f"http://testserver{brands}", 302)]
    assert "Nothing was changed." in response.content.decode()
    assert not Brand.objects.filter(name="Nouvelle").exists()


def test_a_nul_character_in_a_search_or_a_cursor_is_no_error(client, shop):
    """PostgreSQL refuses a NUL character in a text query: the page refuses it (400, before any
    view runs), the API's search drops it, and a forged cursor holding one is ignored (C1)."""
    base = f"/sellers/{shop.seller.pk}/products/"
    assert client.get(base, {"q": "Crème\x00"}).status_code == 400
    assert client.get(base, {"q": ["Crème", "x\x00"]}).status_code == 400  # any of the values
    forged = base64.urlsafe_b64encode(b'["\\u0000", 1]').decode().rstrip("=")
    assert client.get(base, {"after": forged}).status_code == 200
    api = client.get(f"/api/sellers/{shop.seller.pk}/products", {"q": "Crème\x00"})
    assert api.status_code == 200, api.content
    api = client.get(f"/api/sellers/{shop.seller.pk}/products", {"after": forged})
    assert api.status_code == 200, api.content


def test_stock_set_with_htmx_answers_the_row(seller, shop):
    response = seller.post(
        url("catalog_stock_set", shop.open_product.pk), {"on_hand": "-1"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200 and page.startswith("<tr") and 'role="alert"' in page


# --- brands and approvals (C2) ------------------------------------------------------------------


def test_brand_create_mark_selective_approve_and_revoke(seller, shop):
    assert seller.post(url("catalog_brand_create"), {"name": "Nouvelle"}).status_code == 302
    brand = Brand.objects.get(seller=shop.seller, name="Nouvelle")
    assert not brand.selective
    assert "(C2)" in form_errors(seller.post(url("catalog_brand_create"), {"name": "nouvelle"}))
    seller.post(url("catalog_brand_selective", brand.pk), {"selective": "1"})
    brand.refresh_from_db()
    assert brand.selective
    buyer = shop.other_buyer
    response = seller.post(
        url("catalog_brand_approve", brand.pk),
        {"buyer": buyer.customer_number, "point_of_sale": "Lyon"},
    )
    assert response.status_code == 302
    approval = BrandApproval.objects.get(brand=brand, buyer=buyer, point_of_sale="Lyon")
    assert "Boutique Voisine" in seller.get(url("catalog_brand", brand.pk)).content.decode()
    assert seller.post(url("catalog_brand_revoke", brand.pk, approval.pk)).status_code == 302
    approval.refresh_from_db()
    assert approval.revoked_at is not None


def test_approve_errors(seller, shop):
    brand = shop.selective_brand
    for buyer in ("", "000000000", shop.seller.customer_number):
        page = form_errors(seller.post(url("catalog_brand_approve", brand.pk), {"buyer": buyer}))
        assert "(C2)" in page
    other = Brand.objects.create(seller=make_org(seller=True), name="Ailleurs")
    assert seller.get(url("catalog_brand", other.pk)).status_code == 404
    assert (
        seller.post(url("catalog_brand_selective", other.pk), {"selective": "1"}).status_code == 404
    )


# --- tariffs (C3) ---------------------------------------------------------------------------------


def test_tariff_create_and_set_prices(seller, shop):
    response = seller.post(
        url("catalog_tariff_create"), {"name": "Tarif 2027", "valid_from": "2027-01-01"}
    )
    tariff = Tariff.objects.get(seller=shop.seller, name="Tarif 2027")
    assert response.status_code == 302
    product = shop.open_product
    response = seller.post(
        url("catalog_tariff_price", tariff.pk, product.pk), {"unit_price": "13,75"}
    )
    assert response.status_code == 302
    assert TariffPrice.objects.get(tariff=tariff, product=product).unit_price == D("13.75")
    page = seller.get(url("catalog_tariff", tariff.pk), {"q": "HD-001"}).content.decode()
    assert 'value="13.75"' in page
    for bad in ("-1", "abc", ""):
        page = form_errors(
            seller.post(url("catalog_tariff_price", tariff.pk, product.pk), {"unit_price": bad})
        )
        assert "(C3)" in page and 'aria-invalid="true"' in page


def test_tariff_errors_and_other_sellers_tariff(seller, shop):
    page = form_errors(
        seller.post(
            url("catalog_tariff_create"),
            {"name": "X", "valid_from": "2027-02-01", "valid_to": "2027-01-01"},
        )
    )
    assert "(C3)" in page
    assert "(C3)" in form_errors(
        seller.post(url("catalog_tariff_create"), {"valid_from": "demain"})
    )
    foreign = other_seller_product()
    tariff = Tariff.objects.create(seller=foreign.seller, name="Leur tarif", valid_from=TODAY)
    assert seller.get(url("catalog_tariff", tariff.pk)).status_code == 404
    own = Tariff.objects.get(seller=shop.seller)
    response = seller.post(url("catalog_tariff_price", own.pk, foreign.pk), {"unit_price": "1"})
    assert response.status_code == 404


# --- tiers and promotions (C4) --------------------------------------------------------------------


def test_tiers(seller, shop):
    data = {"profile": "salon", "threshold": "500", "discount_percent": "5"}
    assert seller.post(url("catalog_tier_set"), data).status_code == 302
    assert PriceTier.objects.get(seller=shop.seller, profile="salon").discount_percent == 5
    bad = {**data, "discount_percent": "150"}
    assert "(C4)" in form_errors(seller.post(url("catalog_tier_set"), bad))
    assert "(C4)" in form_errors(seller.post(url("catalog_tier_set"), {**data, "threshold": "-1"}))


def test_promotions(seller, shop):
    data = {
        "name": "Printemps",
        "percent": "10",
        "valid_from": "2026-03-01",
        "valid_to": "2026-03-31",
    }
    response = seller.post(url("catalog_promotion_create"), {**data, "brand": shop.open_brand.pk})
    assert response.status_code == 302
    promotion = Promotion.objects.get(seller=shop.seller)
    assert promotion.brand == shop.open_brand and promotion.percent == 10
    response = seller.post(url("catalog_promotion_create"), {**data, "product": "HD-002"})
    assert response.status_code == 302
    assert Promotion.objects.filter(product__sku="HD-002").exists()
    assert "in force" in seller.get(url("catalog_promotions")).content.decode()
    # the confirmation names the rate as people write it, never Decimal's "1E+1"
    confirm = seller.get(url("catalog_promotion_delete", promotion.pk)).content.decode()
    assert "Printemps (10 %, 01/03/2026 – 31/03/2026)" in confirm and "1E+1" not in confirm
    errors = [
        {"product": "HD-002", "brand": shop.open_brand.pk},  # one scope
        {"product": "NOPE"},
        {"percent": "0"},
        {"valid_to": "2026-02-01"},
        {"valid_from": ""},
    ]
    for change in errors:
        assert "(C4)" in form_errors(
            seller.post(url("catalog_promotion_create"), {**data, **change})
        )
    assert Promotion.objects.count() == 2


# --- customer conditions (C5) ---------------------------------------------------------------------


def test_customer_conditions(seller, shop):
    buyer = shop.approved_buyer
    data = {
        "buyer": buyer.siren,
        "discount_percent": "7,5",
        "pricing_profile": "salon",
        "valid_from": "2026-03-01",
    }
    assert seller.post(url("catalog_condition_set"), data).status_code == 302
    condition = CustomerCondition.objects.get(seller=shop.seller, buyer=buyer)
    assert condition.discount_percent == D("7.5") and condition.pricing_profile == "salon"
    assert "Salon Approuvé" in seller.get(url("catalog_conditions")).content.decode()
    for change in ({"buyer": "nobody"}, {"discount_percent": "101"}, {"valid_to": "2026-01-01"}):
        assert "(C5)" in form_errors(seller.post(url("catalog_condition_set"), {**data, **change}))


# --- vouchers (O15) -------------------------------------------------------------------------------

VOUCHER = {
    "code": "bienvenue-20",
    "amount": "20",
    "valid_from": "2026-03-01",
    "valid_to": "2026-06-30",
}


def test_voucher_create_list_and_deactivate(seller, shop):
    response = seller.post(
        url("catalog_voucher_create"), {**VOUCHER, "excluded_skus": "HD-001, HD-002"}
    )
    assert response.status_code == 302
    voucher = Voucher.objects.get(seller=shop.seller)
    assert voucher.code == "BIENVENUE-20" and voucher.amount == D("20.00")
    assert voucher.excluded_skus == ["HD-001", "HD-002"]
    page = seller.get(url("catalog_vouchers")).content.decode()
    assert "BIENVENUE-20" in page and "no terms of sale in force" in page
    assert seller.post(url("catalog_voucher_deactivate", voucher.pk)).status_code == 302
    voucher.refresh_from_db()
    assert voucher.valid_to == date(2026, 3, 1) and voucher.valid_to < TODAY
    assert AuditEntry.objects.filter(action="voucher.deactivate").exists()
    # ended: a second deactivation is refused with the rule, shown as a message
    response = seller.post(url("catalog_voucher_deactivate", voucher.pk), follow=True)
    assert "(O15)" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "deux mots"}, "code"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "dix"}, "amount"),
        ({"valid_to": "2026-02-28"}, "valid_to"),  # before the start
        ({"valid_from": "2026-01-01", "valid_to": "2026-02-01"}, "valid_to"),  # already ended
        ({"excluded_skus": "HD-001\nINCONNU"}, "excluded_skus"),
        ({"valid_from": ""}, "valid_from"),
    ],
)
def test_voucher_errors_cite_o15(seller, shop, change, field):
    page = form_errors(seller.post(url("catalog_voucher_create"), {**VOUCHER, **change}))
    block = page[page.index(f'data-field="{field}"') :]
    assert "(O15)" in block[: block.index("</div>")]
    assert not Voucher.objects.exists()


def test_voucher_duplicate_code_and_other_sellers_voucher(seller, shop):
    seller.post(url("catalog_voucher_create"), VOUCHER)
    assert "(O15)" in form_errors(seller.post(url("catalog_voucher_create"), VOUCHER))
    foreign = other_seller_product()
    theirs = Voucher.objects.create(
        seller=foreign.seller, code="X", amount=D("5"), valid_from=TODAY, valid_to=TODAY
    )
    assert seller.post(url("catalog_voucher_deactivate", theirs.pk)).status_code == 404


def test_voucher_services(shop, seller_user):
    no_prices = seller_employee(shop, seller_user, [Permission.VIEW_PRODUCTS])
    with pytest.raises(PermissionDenied):
        voucher_create(
            actor=no_prices,
            seller=shop.seller,
            code="A",
            amount="5",
            valid_from=TODAY,
            valid_to=TODAY,
        )
    future = voucher_create(
        actor=seller_user,
        seller=shop.seller,
        code="ETE",
        amount=D("15"),
        valid_from=date(2026, 7, 1),
        valid_to=date(2026, 8, 31),
    )
    voucher_deactivate(actor=seller_user, voucher=future)
    future.refresh_from_db()
    assert future.valid_from == future.valid_to == date(2026, 3, 1)  # never valid from today
    with pytest.raises(DomainError) as raised:  # a buyer's organization has no shop
        voucher_create(
            actor=None,
            seller=make_org(buyer=True),
            code="B",
            amount="5",
            valid_from=TODAY,
            valid_to=TODAY,
        )
    assert (raised.value.code, raised.value.rule) == ("not_a_seller", "O15")
