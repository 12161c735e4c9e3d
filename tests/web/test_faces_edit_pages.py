"""Edit and delete on the seller's pricing pages (C3, C4, C5) and the company's addresses (P1),
the company's own onboarding documents (P2), rate limits on /register/ and /track/ (P1, O16)."""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from comptoir.catalog import services as catalog
from comptoir.catalog.models import CustomerCondition, PriceTier, Promotion, Tariff, TariffPrice
from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.parties import services as parties
from comptoir.parties.models import Address, AddressKind, Permission
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


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


def url(name, *args):
    return reverse(f"web:{name}", args=args)


def other_seller():
    owner = make_user()
    return make_org(seller=True, owner=owner), owner


# --- tariff prices (C3) ------------------------------------------------------------------------


def test_removing_a_price_from_a_tariff_asks_then_removes(seller, shop):
    tariff = Tariff.objects.get(seller=shop.seller)
    product = shop.open_product
    confirm_url = url("catalog_tariff_price_delete", tariff.pk, product.pk)
    page = seller.get(url("catalog_tariff", tariff.pk)).content.decode()
    assert confirm_url in page
    response = seller.get(confirm_url)
    assert response.status_code == 200 and product.sku in response.content.decode()
    assert TariffPrice.objects.filter(tariff=tariff, product=product).exists()  # GET keeps it
    response = seller.post(confirm_url)
    assert response.status_code == 302 and response.url == url("catalog_tariff", tariff.pk)
    assert not TariffPrice.objects.filter(tariff=tariff, product=product).exists()
    assert seller.post(confirm_url).status_code == 404  # no price left to remove


def test_another_sellers_tariff_answers_404(seller, shop):
    other, owner = other_seller()
    product = catalog.product_create(actor=owner, seller=other, sku="O-1", title="Autre")
    tariff = catalog.tariff_create(
        actor=owner, seller=other, name="T", valid_from=date(2026, 1, 1), prices={product.pk: 1}
    )
    assert seller.post(url("catalog_tariff_price_delete", tariff.pk, product.pk)).status_code == 404
    assert TariffPrice.objects.filter(tariff=tariff).exists()


# --- tiers (C4) --------------------------------------------------------------------------------


def test_tier_edit_page_saves_or_shows_the_refusal(seller, shop, seller_user):
    tier = catalog.price_tier_set(
        actor=seller_user, seller=shop.seller, threshold=D("500"), discount_percent=D("2")
    )
    catalog.price_tier_set(
        actor=seller_user, seller=shop.seller, threshold=D("900"), discount_percent=D("3")
    )
    edit = url("catalog_tier_edit", tier.pk)
    assert edit in seller.get(url("catalog_tiers")).content.decode()
    page = seller.get(edit)
    assert page.status_code == 200 and 'value="500.00"' in page.content.decode()
    refused = seller.post(
        edit, {"profile": "standard", "threshold": "900", "discount_percent": "5"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "already has a tier there" in html and "(C4)" in html and 'aria-invalid="true"' in html
    saved = seller.post(
        edit, {"profile": "standard", "threshold": "600", "discount_percent": "2,5"}
    )
    assert saved.status_code == 302 and saved.url == url("catalog_tiers")
    tier.refresh_from_db()
    assert (tier.threshold, tier.discount_percent) == (D("600"), D("2.5"))


def test_tier_delete_page_asks_then_deletes(seller, shop, seller_user):
    tier = catalog.price_tier_set(
        actor=seller_user, seller=shop.seller, threshold=1, discount_percent=1
    )
    page = seller.get(url("catalog_tier_delete", tier.pk))
    assert page.status_code == 200 and 'data-testid="delete-form"' in page.content.decode()
    # the amount as the page's language writes it (English here), not "1.00 €"
    assert "from €1.00 (1 %)" in html.unescape(page.content.decode())
    assert PriceTier.objects.filter(pk=tier.pk).exists()
    assert seller.post(url("catalog_tier_delete", tier.pk)).status_code == 302
    assert not PriceTier.objects.filter(pk=tier.pk).exists()
    assert AuditEntry.objects.filter(action="price_tier.delete").count() == 1


def test_an_employee_without_the_catalog_right_cannot_delete(client, shop, seller_user):
    tier = catalog.price_tier_set(
        actor=seller_user, seller=shop.seller, threshold=1, discount_percent=1
    )
    viewer = make_user()
    parties.membership_add(
        actor=seller_user,
        organization=shop.seller,
        user=viewer,
        permissions=[Permission.VIEW_PRODUCTS, Permission.VIEW_PRICES],
    )
    client.force_login(viewer)
    assert client.post(url("catalog_tier_delete", tier.pk)).status_code == 403
    assert client.get(url("catalog_tier_edit", tier.pk)).status_code == 403
    assert PriceTier.objects.filter(pk=tier.pk).exists()


def test_another_sellers_rows_answer_404(seller):
    other, owner = other_seller()
    tier = catalog.price_tier_set(actor=owner, seller=other, threshold=1, discount_percent=1)
    promotion = catalog.promotion_create(
        actor=owner,
        seller=other,
        name="Secret",
        percent=5,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 1, 31),
    )
    condition = catalog.customer_condition_set(
        actor=owner,
        seller=other,
        buyer=make_org(buyer=True),
        discount_percent=3,
        valid_from=date(2026, 1, 1),
    )
    for name, pk in (
        ("tier", tier.pk),
        ("promotion", promotion.pk),
        ("condition", condition.pk),
    ):
        assert seller.get(url(f"catalog_{name}_edit", pk)).status_code == 404
        assert seller.post(url(f"catalog_{name}_delete", pk)).status_code == 404
    assert PriceTier.objects.filter(pk=tier.pk).exists()
    assert Promotion.objects.filter(pk=promotion.pk).exists()
    assert CustomerCondition.objects.filter(pk=condition.pk).exists()


# --- promotions (C4) and conditions (C5) -------------------------------------------------------


def test_promotion_edit_and_delete(seller, shop, seller_user):
    promotion = catalog.promotion_create(
        actor=seller_user,
        seller=shop.seller,
        name="Printemps",
        percent=10,
        valid_from=date(2026, 3, 1),
        valid_to=date(2026, 3, 31),
        product=shop.open_product,
    )
    edit = url("catalog_promotion_edit", promotion.pk)
    assert edit in seller.get(url("catalog_promotions")).content.decode()
    html = seller.get(edit).content.decode()
    assert 'value="Printemps"' in html and f'value="{shop.open_product.sku}"' in html
    data = {
        "name": "Printemps bis",
        "percent": "12",
        "valid_from": "2026-03-01",
        "valid_to": "2026-04-15",
        "product": "NOPE-404",
    }
    refused = seller.post(edit, data)
    assert (
        refused.status_code == 400 and "No product with this reference" in refused.content.decode()
    )
    saved = seller.post(edit, data | {"product": "", "brand": shop.open_brand.pk})
    assert saved.status_code == 302
    promotion.refresh_from_db()
    assert (promotion.name, promotion.product_id, promotion.brand_id) == (
        "Printemps bis",
        None,
        shop.open_brand.pk,
    )
    assert seller.post(url("catalog_promotion_delete", promotion.pk)).status_code == 302
    assert not Promotion.objects.filter(pk=promotion.pk).exists()


def test_condition_edit_keeps_the_buyer_and_delete_ends_it(seller, shop, seller_user):
    condition = catalog.customer_condition_set(
        actor=seller_user,
        seller=shop.seller,
        buyer=shop.approved_buyer,
        discount_percent=5,
        valid_from=date(2026, 1, 1),
    )
    edit = url("catalog_condition_edit", condition.pk)
    html = seller.get(edit).content.decode()
    assert 'name="buyer"' not in html and shop.approved_buyer.display_name in html
    refused = seller.post(edit, {"discount_percent": "150", "valid_from": "2026-01-01"})
    assert refused.status_code == 400 and "(C5)" in refused.content.decode()
    saved = seller.post(
        edit,
        {
            "discount_percent": "7",
            "valid_from": "2026-02-01",
            "pricing_profile": "gold",
            "buyer": str(shop.other_buyer.customer_number),  # ignored: the buyer stays
        },
    )
    assert saved.status_code == 302
    condition.refresh_from_db()
    assert (condition.discount_percent, condition.pricing_profile, condition.buyer_id) == (
        D("7"),
        "gold",
        shop.approved_buyer.pk,
    )
    confirm = seller.get(url("catalog_condition_delete", condition.pk)).content.decode()
    assert shop.approved_buyer.display_name in confirm
    assert seller.post(url("catalog_condition_delete", condition.pk)).status_code == 302
    assert not CustomerCondition.objects.exists()


# --- company addresses (P1) --------------------------------------------------------------------


def add_address(shop, **changes) -> Address:
    values = {"kind": AddressKind.DELIVERY, "label": "Dépôt", "line1": "1 rue A"}
    values |= {"postcode": "69001", "city": "Lyon"} | changes
    return parties.address_add(
        actor=shop.owner, organization=shop.approved_buyer, address=parties.AddressInput(**values)
    )


def test_address_edit_page(client, shop):
    address = add_address(shop)
    client.force_login(shop.owner)
    edit = url("account_address_edit", address.pk)
    assert edit in client.get(url("account")).content.decode()
    assert 'value="Lyon"' in client.get(edit).content.decode()
    data = {"kind": "billing", "label": "", "line1": "2 rue B", "postcode": "123", "city": "Nice"}
    refused = client.post(edit, data | {"country": "FR"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "5 digits" in html
    assert 'aria-invalid="true"' in html and 'value="Nice"' in html
    saved = client.post(edit, data | {"postcode": "06000", "country": "fr"})
    assert saved.status_code == 302 and saved.url == url("account")
    address.refresh_from_db()
    assert (address.kind, address.city, address.postcode, address.country) == (
        "billing",
        "Nice",
        "06000",
        "FR",
    )


def test_address_delete_page_asks_then_deletes(client, shop):
    address = add_address(shop)
    client.force_login(shop.owner)
    confirm = client.get(url("account_address_delete", address.pk))
    assert confirm.status_code == 200 and "Lyon" in confirm.content.decode()
    assert Address.objects.filter(pk=address.pk).exists()
    assert client.post(url("account_address_delete", address.pk)).status_code == 302
    assert not Address.objects.filter(pk=address.pk).exists()


def test_other_companies_addresses_and_the_registered_office_answer_404(client, shop):
    theirs = parties.address_add(
        actor=shop.other_owner,
        organization=shop.other_buyer,
        address=parties.AddressInput(
            kind="delivery", line1="9 rue Z", postcode="75009", city="Paris"
        ),
    )
    office = Address.objects.create(
        organization=shop.approved_buyer,
        kind=AddressKind.REGISTERED,
        line1="Siège",
        postcode="75001",
        city="Paris",
    )
    client.force_login(shop.owner)
    for address in (theirs, office):
        assert client.get(url("account_address_edit", address.pk)).status_code == 404
        assert client.post(url("account_address_delete", address.pk)).status_code == 404
    assert Address.objects.filter(pk__in=[theirs.pk, office.pk]).count() == 2


def test_an_order_keeps_its_copy_of_a_deleted_address(client, shop):
    """Orders store the delivery address as a copy (JSON), not a reference to the row."""
    from comptoir.ordering.models import Order

    field = Order._meta.get_field("delivery_address")
    assert field.get_internal_type() == "JSONField"
    assert not [f for f in Address._meta.related_objects if f.related_model is not Address]


# --- onboarding documents (P2) -----------------------------------------------------------------


def upload(shop, owner, organization, name):
    return parties.document_upload(
        actor=owner,
        organization=organization,
        kind="bank_details",
        file=SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), "application/pdf"),
    )


def test_a_company_lists_and_downloads_its_own_documents(client, shop):
    mine = upload(shop, shop.owner, shop.approved_buyer, "rib-salon.pdf")
    theirs = upload(shop, shop.other_owner, shop.other_buyer, "rib-voisine.pdf")
    client.force_login(shop.owner)
    html = client.get(url("account")).content.decode()
    assert url("account_document_file", mine.pk) in html and "rib-salon" in html
    assert "rib-voisine" not in html
    response = client.get(url("account_document_file", mine.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 rib-salon.pdf"
    denied = client.get(url("account_document_file", theirs.pk))
    assert denied.status_code == 404 and b"rib-voisine" not in denied.content


def test_documents_need_the_account_right(client, shop):
    mine = upload(shop, shop.owner, shop.approved_buyer, "rib-salon.pdf")
    client.force_login(shop.employee_no_prices)
    assert client.get(url("account_document_file", mine.pk)).status_code == 403


# --- rate limits (P1, O16) ---------------------------------------------------------------------


def test_registration_is_limited_to_10_attempts_an_hour_per_address(client):
    for _ in range(3):
        assert client.get(url("register")).status_code == 200  # showing the form is free
    for _ in range(10):
        assert client.post(url("register"), {"legal_name": "X"}).status_code == 200
    blocked = client.post(url("register"), {"legal_name": "X"})
    assert blocked.status_code == 429
    assert "too many times" in blocked.content.decode()
    assert 0 < int(blocked["Retry-After"]) <= 3600
    other = client.post(url("register"), {"legal_name": "X"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200  # another address has its own count
    with clock.frozen(datetime(2026, 3, 2, 11, 0)):  # the next hour
        assert client.post(url("register"), {"legal_name": "X"}).status_code == 200


def test_tracking_is_limited_too(client, shop):
    for _ in range(10):
        response = client.post(url("track"), {"number": "CO-2026-999999", "email": "a@b.test"})
        assert response.status_code == 200
    blocked = client.post(url("track"), {"number": "CO-2026-999999", "email": "a@b.test"})
    assert blocked.status_code == 429 and url("track") in blocked.content.decode()
    with clock.frozen(datetime(2026, 3, 2, 10, 0) + timedelta(hours=1)):
        assert client.post(url("track"), {"number": "X", "email": "a@b.test"}).status_code == 200
