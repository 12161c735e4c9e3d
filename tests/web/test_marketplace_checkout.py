"""The one-step marketplace checkout (O1, K1, O9, N3, P4), the storekeeper's add-to-cart from
the product page without prices (P4), and the cart's live region."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.catalog.models import Brand, Product, StockLevel, Tariff, TariffPrice
from comptoir.core import clock
from comptoir.ordering.models import CartLine, Order
from comptoir.parties import services
from comptoir.parties.models import Address, Membership, Organization, Permission
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)
PAGE = "web:marketplace_checkout"
CONFIRM = "web:marketplace_confirm"


def _publish(seller: Organization) -> int:
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=seller, preset="selective-beauty")
        return terms_version_publish(version=draft).version


@pytest.fixture
def second(shop) -> Organization:
    """A second seller, after the first in alphabetical order, with its own terms."""
    seller = make_org(seller=True, name="Zeta Parfums")
    brand = Brand.objects.create(seller=seller, name="Zeta", selective=False)
    tariff = Tariff.objects.create(seller=seller, name="Tarif", valid_from=date(2026, 1, 1))
    for i in range(3):
        product = Product.objects.create(
            seller=seller,
            brand=brand,
            sku=f"ZP-{i:03d}",
            gtin="",
            title=f"Eau de parfum {i:03d}",
            vat_rate=Decimal("20.00"),
            pack_size=6,
        )
        TariffPrice.objects.create(tariff=tariff, product=product, unit_price=Decimal("20.00"))
        StockLevel.objects.create(product=product, on_hand=100)
    _publish(seller)
    return seller


@pytest.fixture
def terms(shop) -> int:
    return _publish(shop.seller)


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(AT)
    yield
    clock.freeze(None)


def _add(client, seller: Organization, sku: str, quantity: int, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("web:cart_update", args=[seller.pk]), {"sku": sku, "quantity": quantity}, **headers
    )


def _two_carts(client, shop, second) -> None:
    _add(client, shop.seller, "HD-001", 6)
    _add(client, shop.seller, "HD-002", 6)  # 150 € excl. VAT: above the 100 € minimum (O2)
    _add(client, second, "ZP-001", 6)


def _form(html: str, *sellers: Organization, **extra: str) -> dict[str, object]:
    """The page's form as a browser would send it, every shown seller included and accepted."""
    data: dict[str, object] = {
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1),
        "seller": [str(s.pk) for s in sellers],
    }
    for seller in sellers:
        for name in ("terms_version", "quoted_country"):
            found = re.search(rf'name="{name}_{seller.pk}" value="([^"]*)"', html)
            data[f"{name}_{seller.pk}"] = found.group(1)
        address = re.search(
            rf'name="address_{seller.pk}">\s*<option value="(\d+)"', html, re.MULTILINE
        )
        if address:
            data[f"address_{seller.pk}"] = address.group(1)
        data[f"accept_terms_{seller.pk}"] = "yes"
    data.update(extra)
    return data


def test_two_sellers_one_confirmation_two_signed_orders_and_a_double_click_adds_none(
    client, shop, terms, second
):
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    assert html.count('data-testid="seller-cart"') == 2
    assert html.count('data-testid="seller-total"') == 2  # each seller's own quote
    assert reverse("web:terms_version", args=[second.pk, 1]) in html  # the terms to read
    assert f'name="accept_terms_{shop.seller.pk}"' in html
    assert f'name="accept_terms_{second.pk}"' in html
    form = _form(html, shop.seller, second)
    first = client.post(reverse(CONFIRM), form, HTTP_USER_AGENT="Test browser")
    again = client.post(reverse(CONFIRM), form)  # a double click
    assert first.status_code == again.status_code == 302
    orders = {o.seller_id: o for o in Order.objects.all()}
    assert set(orders) == {shop.seller.pk, second.pk}  # one independent order per seller (O1)
    for order in orders.values():
        # O9: who, when, from where, and the terms version accepted
        assert order.placed_by == shop.owner and order.placed_at == AT
        assert order.signed_ip == "127.0.0.1" and order.signed_user_agent == "Test browser"
        assert order.terms_version.version == 1 and order.terms_version.seller_id == order.seller_id
    assert orders[shop.seller.pk].total_excl_vat != orders[second.pk].total_excl_vat
    assert not CartLine.objects.filter(cart__buyer=shop.approved_buyer).exists()


def test_a_cart_the_terms_refuse_is_shown_with_its_clause_and_left_out(client, shop, terms, second):
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 6)  # 75 € excl. VAT: below the minimum (O2)
    _add(client, second, "ZP-001", 6)
    html = client.get(reverse(PAGE)).content.decode()
    assert 'data-testid="left-out"' in html and "(O2)" in html
    assert f'name="accept_terms_{shop.seller.pk}"' not in html  # nothing to accept there
    # a stale form still including the refused seller: it is left out, the other is placed
    form = _form(html, second)
    form["seller"] = [str(shop.seller.pk), str(second.pk)]
    response = client.post(reverse(CONFIRM), form, follow=True)
    page = response.content.decode()
    assert [o.seller_id for o in Order.objects.all()] == [second.pk]
    assert "O2" in page and shop.seller.display_name in page
    assert CartLine.objects.filter(cart__seller=shop.seller).exists()  # still in its cart


def test_a_seller_refusing_at_placing_binds_no_other(client, shop, terms, second):
    """The first seller's stock cannot hold the order (O13): `orders_place` tries the second
    seller all the same, which is placed (O1); the page lists each seller with its outcome."""
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)  # 10 on hand
    _add(client, second, "ZP-001", 6)
    html = client.get(reverse(PAGE)).content.decode()
    response = client.post(reverse(CONFIRM), _form(html, shop.seller, second), follow=True)
    assert [o.seller_id for o in Order.objects.all()] == [second.pk]
    page = response.content.decode()
    assert "O13" in page and Order.objects.get().number in page
    # the placed seller's cart is empty now: its name is on the page in its outcome's message
    assert not CartLine.objects.filter(cart__seller=second).exists()
    assert second.display_name in page and shop.seller.display_name in page


def test_terms_not_accepted_places_nothing_and_names_the_field_and_rule(
    client, shop, terms, second
):
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second)
    del form[f"accept_terms_{second.pk}"]
    response = client.post(reverse(CONFIRM), form)
    page = response.content.decode()
    assert response.status_code == 400 and Order.objects.count() == 0
    assert f"accept_terms_{second.pk}" in page and "(O9)" in page
    # the choices made stay: the first seller's acceptance is still ticked
    assert re.search(rf'name="accept_terms_{shop.seller.pk}" value="yes" checked', page)


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("terms_version", "7", "N3"),
        ("payment_option", "cash_on_the_moon", "PT2"),
        ("quoted_country", "DE", "O9"),
    ],
)
def test_a_wrong_choice_for_one_seller_places_nothing(
    client, shop, terms, second, field, value, rule
):
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second, **{f"{field}_{second.pk}": value})
    response = client.post(reverse(CONFIRM), form)
    assert response.status_code == 400 and Order.objects.count() == 0
    assert f"({rule})" in response.content.decode()


def test_nothing_selected_or_a_broken_form_is_refused_without_error_pages(
    client, shop, terms, second
):
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second)
    form["seller"] = []
    response = client.post(reverse(CONFIRM), form)
    assert response.status_code == 400 and "(O1)" in response.content.decode()
    form = _form(html, shop.seller, second, idempotency_key="x" * 200)
    response = client.post(reverse(CONFIRM), form)
    assert response.status_code == 400 and "idempotency_key" in response.content.decode()
    form = _form(html, shop.seller, second, **{f"address_{second.pk}": "abc", "seller": "zz"})
    assert client.post(reverse(CONFIRM), form).status_code == 400
    assert Order.objects.count() == 0


def test_the_chosen_delivery_address_goes_with_the_order(client, shop, terms, second):
    buyer = shop.approved_buyer
    Address.objects.create(
        organization=buyer, kind="delivery", line1="1 rue A", postcode="75001", city="Paris"
    )
    shop_b = Address.objects.create(
        organization=buyer, kind="delivery", line1="9 quai B", postcode="69002", city="Lyon"
    )
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second, **{f"address_{second.pk}": str(shop_b.pk)})
    assert client.post(reverse(CONFIRM), form).status_code == 302
    assert Order.objects.get(seller=second).delivery_address["city"] == "Lyon"
    assert Order.objects.get(seller=shop.seller).delivery_address["city"] == "Paris"
    # an address of another company is not a choice
    other = Address.objects.create(
        organization=shop.other_buyer, kind="delivery", line1="X", postcode="1", city="Nice"
    )
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second, **{f"address_{second.pk}": str(other.pk)})
    response = client.post(reverse(CONFIRM), form)
    assert response.status_code == 400 and "Nice" not in response.content.decode()
    assert Order.objects.count() == 2


def test_p4_without_place_orders_no_access_without_prices_no_confirm(client, shop, terms, second):
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    client.force_login(shop.employee_no_prices)  # view products, use the cart
    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(reverse(CONFIRM), {"idempotency_key": "k"}).status_code == 403
    membership = Membership.objects.get(user=shop.employee_no_prices)
    services.membership_set_permissions(
        actor=shop.owner,
        membership=membership,
        permissions=[Permission.VIEW_PRODUCTS, Permission.USE_CART, Permission.PLACE_ORDERS],
    )
    html = client.get(reverse(PAGE)).content.decode()
    assert "€" not in html and 'data-testid="seller-total"' not in html
    assert 'data-testid="prices-hidden"' in html and 'data-testid="confirm-all"' not in html
    # P4, O9: as on the cart, only a user who sees the amounts signs for them
    response = client.post(reverse(CONFIRM), _form(html, shop.seller, second))
    assert response.status_code == 403 and not Order.objects.exists()


def test_the_cart_links_the_one_step_checkout_from_two_carts(client, shop, terms, second):
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 6)
    cart = reverse("web:cart", args=[shop.seller.pk])
    assert 'data-testid="marketplace-checkout-link"' not in client.get(cart).content.decode()
    _add(client, second, "ZP-001", 6)
    assert reverse(PAGE) in client.get(cart).content.decode()
    client.force_login(shop.employee_no_prices)  # may not place orders: no link
    assert 'data-testid="marketplace-checkout-link"' not in client.get(cart).content.decode()


def test_an_empty_page_without_carts(client, shop, terms):
    client.force_login(shop.owner)
    html = client.get(reverse(PAGE)).content.decode()
    assert 'data-testid="no-carts"' in html and 'data-testid="confirm-all"' not in html


def test_the_cart_fragment_updates_a_live_region(client, shop, terms):
    client.force_login(shop.owner)
    page = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    assert re.search(r'id="cart-status"[^>]*role="status" aria-live="polite"', page)
    _add(client, shop.seller, "HD-001", 6)
    fragment = _add(client, shop.seller, "HD-002", 6, htmx=True).content.decode()
    status = re.search(r'<div id="cart-status" hx-swap-oob="innerHTML"[^>]*>(.*?)</div>', fragment)
    assert status and "198,00" in status.group(1)  # (150 € + 15 € shipping) + VAT, announced
    fragment = _add(client, shop.seller, "HD-002", 0, htmx=True).content.decode()
    status = re.search(r'<div id="cart-status" hx-swap-oob="innerHTML"[^>]*>(.*?)</div>', fragment)
    assert status and "(O2)" in status.group(1)  # below the minimum: said, with its rule


def test_a_storekeeper_without_prices_adds_from_the_product_page(client, shop, terms):
    """P4: "use the cart" without "see prices": the form is there, the price is not."""
    url = reverse("web:product_detail", args=[shop.seller.pk, shop.open_product.pk])
    client.force_login(shop.employee_no_prices)
    html = client.get(url).content.decode()
    assert 'data-testid="add-to-cart"' in html and "12,50" not in html and "€" not in html
    _add(client, shop.seller, shop.open_product.sku, 6)
    assert CartLine.objects.filter(product=shop.open_product, quantity=6).exists()
    # without "use the cart" there is no form to add with
    membership = Membership.objects.get(user=shop.employee_no_prices)
    services.membership_set_permissions(
        actor=shop.owner, membership=membership, permissions=[Permission.VIEW_PRODUCTS]
    )
    assert 'data-testid="add-to-cart"' not in client.get(url).content.decode()


def test_a_storekeeper_sees_no_form_for_a_product_without_a_price(client, shop, terms):
    product = Product.objects.create(
        seller=shop.seller, brand=shop.open_brand, sku="NP-1", title="Sans tarif", pack_size=1
    )
    client.force_login(shop.employee_no_prices)
    url = reverse("web:product_detail", args=[shop.seller.pk, product.pk])
    assert 'data-testid="add-to-cart"' not in client.get(url).content.decode()


def test_the_invalid_invitation_page_puts_its_alert_inside_the_article(client, db):
    make_user("someone@example.test")
    html = client.get(reverse("web:invitation", args=["nope"])).content.decode()
    assert '<article data-testid="invitation-invalid"><div role="alert">' in html


def test_update_the_quotes_for_another_address_then_confirm(client, shop, terms, second):
    """The quote follows the chosen address's country; "Update the quotes" shows it, nothing is
    placed, and the confirmation then goes through (O9)."""
    buyer = shop.approved_buyer
    Address.objects.create(
        organization=buyer, kind="delivery", line1="1 rue A", postcode="75001", city="Paris"
    )
    brussels = Address.objects.create(
        organization=buyer,
        kind="delivery",
        line1="2 rue Neuve",
        postcode="1000",
        city="Bruxelles",
        country="BE",
    )
    client.force_login(shop.owner)
    _two_carts(client, shop, second)
    html = client.get(reverse(PAGE)).content.decode()
    form = _form(html, shop.seller, second, **{f"address_{second.pk}": str(brussels.pk)})
    refused = client.post(reverse(CONFIRM), form)  # quoted for FR, delivered in BE
    assert refused.status_code == 400 and Order.objects.count() == 0
    assert f"address_{second.pk}" in refused.content.decode()
    shown = client.post(reverse(CONFIRM), {**form, "refresh": "1"})
    page = shown.content.decode()
    assert shown.status_code == 200 and 'data-testid="checkout-errors"' not in page
    assert f'name="quoted_country_{second.pk}" value="BE"' in page
    assert Order.objects.count() == 0
    form[f"quoted_country_{second.pk}"] = "BE"
    response = client.post(reverse(CONFIRM), form)
    assert response.status_code == 302
    assert Order.objects.get(seller=second).delivery_address["city"] == "Bruxelles"
    assert Order.objects.get(seller=second).delivery_country == "BE"
    assert Order.objects.get(seller=shop.seller).delivery_country == "FR"
