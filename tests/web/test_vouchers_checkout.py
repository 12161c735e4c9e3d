"""O15 vouchers where buyers use them: the cart's live quote, its checkout, the one-step
marketplace checkout and the API's quote. The voucher's amount is excl. VAT: it comes off the
goods' taxable base (the seller's form says so)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.ordering.models import CartLine, Order, Voucher
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties.models import Organization
from comptoir.parties.services import membership_add
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user
from tests.web.test_marketplace_checkout import _form, second  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)


def _publish(seller: Organization, preset: str) -> int:
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=seller, preset=preset)
        return terms_version_publish(version=draft).version


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(AT)
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages' language


@pytest.fixture
def voucher_shop(shop):
    """The test shop under terms that take vouchers (O15), with a 50 € voucher this month."""
    _publish(shop.seller, "digital-goods")
    StockLevel.objects.filter(product__seller=shop.seller).update(on_hand=1000)
    Voucher.objects.create(
        seller=shop.seller,
        code="BIENVENUE",
        amount=Decimal("50.00"),
        valid_from=date(2026, 11, 1),
        valid_to=date(2026, 11, 30),
    )
    return shop


def _add(client, seller, sku: str, quantity: int) -> None:
    client.post(reverse("web:cart_update", args=[seller.pk]), {"sku": sku, "quantity": quantity})


def _cart(client, seller, **params) -> str:
    return client.get(reverse("web:cart", args=[seller.pk]), params).content.decode()


def _total(html: str) -> str:
    return re.search(r'data-testid="total"><strong>([^<]+)<', html).group(1).replace("\xa0", " ")


def _checkout_form(html: str) -> dict[str, str]:
    form = html[html.index('data-testid="checkout"') :]
    form = form[: form.index("</form>")]
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    option = re.search(r'name="payment_option" value="([^"]+)"', form)
    return {**data, "payment_option": option.group(1), "accept_terms": "yes"}


def test_a_voucher_typed_in_the_cart_lowers_the_quote_and_the_order(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)  # 12 × 12.50 = 150 € excl. VAT
    without = _cart(client, shop.seller)
    assert 'data-testid="voucher"' in without and 'name="voucher_code"' in without
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert ">Appliquer</button>" in _cart(client, shop.seller)  # the buyer's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<input type="hidden" name="voucher_code"' not in without
    html = _cart(client, shop.seller, voucher_code=" bienvenue ")  # any case, spaces trimmed
    assert 'value="BIENVENUE"' in html
    assert "BIENVENUE" in html[html.index('data-testid="quote"') :]  # the discount line
    assert _total(without) == "€180.00" and _total(html) == "€120.00"  # 150 − 50, + 20 % VAT
    form = _checkout_form(html)
    assert form["voucher_code"] == "BIENVENUE"  # the checkout carries what the quote applied
    response = client.post(reverse("web:checkout", args=[shop.seller.pk]), form)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{order.number}/")
    assert (order.total_excl_vat, order.total_incl_vat) == (Decimal("100.00"), Decimal("120.00"))
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by == order


def test_an_unknown_or_used_code_is_said_on_the_field_and_not_carried(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)
    html = _cart(client, shop.seller, voucher_code="NOPE")
    status = html[html.index('data-testid="voucher-status"') :]
    assert 'role="alert"' in status[:50] and "does not exist in this shop" in status
    assert 'aria-invalid="true"' in html and _total(html) == "€180.00"
    assert "voucher_code" not in _checkout_form(html)
    Voucher.objects.filter(code="BIENVENUE").update(redeemed_by=_an_order(shop))
    html = _cart(client, shop.seller, voucher_code="BIENVENUE")
    assert "already used" in html and "voucher_code" not in _checkout_form(html)


def _an_order(shop) -> Order:
    """An order of another buyer, to mark the voucher as used by it."""
    submission = Submission(
        buyer=shop.other_buyer,
        seller=shop.seller,
        lines=(LineRequest("HD-001", 12),),
        accepted_terms_version=1,
        idempotency_key="other-buyer",
    )
    return order_place(actor=shop.other_owner, submission=submission)


def test_a_voucher_the_terms_do_not_apply_shows_the_engines_reason(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 2)  # 25 € of goods for a 50 € voucher
    html = _cart(client, shop.seller, voucher_code="BIENVENUE")
    status = html[html.index('data-testid="voucher-status"') :]
    assert "worth less than the voucher" in status[:600] and "(O15)" in status[:600]
    assert "voucher_code" not in _checkout_form(html)


def test_changing_a_quantity_keeps_the_voucher_in_the_quote(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)
    response = client.post(
        reverse("web:cart_update", args=[shop.seller.pk]),
        {"sku": "HD-001", "quantity": 24, "voucher_code": "BIENVENUE"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert _total(html) == "€300.00"  # 24 × 12.50 = 300 − 50 = 250 € excl. VAT, + 20 % VAT
    assert _checkout_form(html)["voucher_code"] == "BIENVENUE"


def test_a_voucher_used_between_quote_and_confirmation_places_nothing(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)
    form = _checkout_form(_cart(client, shop.seller, voucher_code="BIENVENUE"))
    used_by = _an_order(shop)
    Voucher.objects.filter(code="BIENVENUE").update(redeemed_by=used_by)
    response = client.post(reverse("web:checkout", args=[shop.seller.pk]), form, follow=True)
    assert Order.objects.filter(buyer=shop.approved_buyer).count() == 0
    assert CartLine.objects.filter(cart__buyer=shop.approved_buyer).count() == 1  # cart kept
    html = response.content.decode()
    assert "already used" in html and "(O15)" in html
    assert 'value="BIENVENUE"' in html  # back on the cart with the code in its field


def test_no_voucher_field_where_the_terms_take_none(client, shop):
    _publish(shop.seller, "selective-beauty")
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)
    assert 'data-testid="voucher"' not in _cart(client, shop.seller)


def test_the_marketplace_checkout_takes_one_voucher_per_seller(client, voucher_shop, second):  # noqa: F811
    shop = voucher_shop
    client.force_login(shop.owner)
    _add(client, shop.seller, "HD-001", 12)
    _add(client, second, "ZP-001", 6)
    html = client.get(reverse("web:marketplace_checkout")).content.decode()
    assert f'name="voucher_{shop.seller.pk}"' in html
    assert f'name="voucher_{second.pk}"' not in html  # its terms take no voucher
    form = _form(html, shop.seller, second)
    bad = client.post(
        reverse("web:marketplace_confirm"), {**form, f"voucher_{shop.seller.pk}": "X"}
    )
    assert bad.status_code == 400 and not Order.objects.exists()  # nothing placed
    assert f"voucher_{shop.seller.pk}</code>" in bad.content.decode()
    refreshed = client.post(
        reverse("web:marketplace_confirm"),
        {**form, f"voucher_{shop.seller.pk}": "bienvenue", "refresh": "1"},
    ).content.decode()
    assert 'value="BIENVENUE"' in refreshed and "Voucher applied" in refreshed
    totals = [
        t.replace("\xa0", " ")
        for t in re.findall(r'data-testid="seller-total"><strong>([^<]+)<', refreshed)
    ]
    assert "€120.00" in totals  # 150 − 50 € excl. VAT, + 20 % VAT
    done = client.post(
        reverse("web:marketplace_confirm"), {**form, f"voucher_{shop.seller.pk}": "BIENVENUE"}
    )
    assert done.status_code == 302
    order = Order.objects.get(seller=shop.seller)
    assert order.total_excl_vat == Decimal("100.00")
    assert Voucher.objects.get(code="BIENVENUE").redeemed_by == order
    # the other seller's order is untouched: 6 × 20 € of goods and its 15 € shipping fee (O3)
    assert Order.objects.get(seller=second).total_excl_vat == Decimal("135.00")


def test_the_api_quote_applies_the_voucher_as_placing_would(client, voucher_shop):
    shop = voucher_shop
    client.force_login(shop.owner)
    url = f"/api/sellers/{shop.seller.pk}/quote"

    def quote(code: str, quantity: int = 12):
        body = {"lines": [{"sku": "HD-001", "quantity": quantity}], "voucher_code": code}
        return client.post(url, body, content_type="application/json")

    plain, applied = quote("").json(), quote("bienvenue").json()
    assert "voucher" not in plain
    assert applied["voucher"] == {"code": "BIENVENUE", "applied": True, "refusal": None}
    assert Decimal(plain["totals"]["excl_vat"]) - Decimal(applied["totals"]["excl_vat"]) == 50
    below = quote("BIENVENUE", quantity=2).json()
    assert below["voucher"] == {
        "code": "BIENVENUE",
        "applied": False,
        "refusal": "voucher_below_value",
    }
    unknown = quote("NOPE")
    assert unknown.status_code == 422
    error = unknown.json()
    assert (error["code"], error["field"], error["rule"]) == (
        "voucher_invalid",
        "voucher_code",
        "O15",
    )


def test_the_sellers_voucher_form_says_excl_vat(client, voucher_shop):
    user = make_user("catalog@seller.test")
    membership_add(
        actor=make_operator_user(), organization=voucher_shop.seller, user=user, is_owner=True
    )
    client.force_login(user)
    html = client.get(reverse("web:catalog_vouchers")).content.decode()
    assert "excl. VAT" in html and "incl. VAT" not in html
