"""The one-step marketplace checkout in Chromium: two carts, one page, one confirmation, one order
per seller (O1, K1, O9); axe on the page; a storekeeper without "see prices" adds from the
product page (P4) and the cart's live region tells the new quote."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.catalog.models import Product
from comptoir.ordering.models import CartLine, Order
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUYER = "buyer1@comptoir.example"
STOREKEEPER = "buyer1.stock@comptoir.example"  # use the cart, no prices (P4)
LINES = (("AC-CAR-A5-LIG", 12), ("VD-CAB-USBC-1", 10))


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def add(page, base: str, sku: str, quantity: int) -> Product:
    product = Product.objects.get(sku=sku)
    page.goto(f"{base}/sellers/{product.seller_id}/products/{product.pk}/")
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill(str(quantity))
    form.get_by_role("button").click()
    expect(page.get_by_test_id("cart-lines")).to_contain_text(sku)
    return product


def test_two_carts_one_confirmation_one_order_per_seller(live_server, page, screenshot, demo):
    base = live_server.url
    log_in(page, base, BUYER)
    sellers = [add(page, base, sku, quantity).seller for sku, quantity in LINES]
    page.get_by_test_id("marketplace-checkout-link").get_by_role("link").click()
    form = page.get_by_test_id("marketplace-checkout")
    for seller in sellers:
        section = form.locator(f"[data-testid=seller-cart][data-seller='{seller.pk}']")
        expect(section.get_by_role("heading", level=2)).to_have_text(seller.display_name)
        expect(section.get_by_test_id("seller-total")).to_be_visible()
        expect(section.get_by_role("radio").first).to_be_checked()  # a payment option chosen
        expect(section.get_by_role("link", name=re.compile("read them|les lire"))).to_be_visible()
    audit = Audit(page=page, base=base, name="marketplace-checkout")
    audit.check("one-step checkout")
    screenshot("one-step-checkout")
    before = Order.objects.filter(placed_by__email=BUYER).count()
    # confirming without accepting a seller's terms: nothing placed, the field and rule said
    form.get_by_test_id("confirm-all").click()
    expect(page.get_by_test_id("checkout-errors")).to_contain_text("O9")
    assert Order.objects.filter(placed_by__email=BUYER).count() == before
    audit.check("one-step checkout with its errors")
    for seller in sellers:
        page.locator(f"#accept_terms_{seller.pk}").check()
    for box in page.get_by_test_id("include").all():  # the demo's other carts: not this time
        if box.get_attribute("value") not in {str(s.pk) for s in sellers}:
            box.uncheck()
    page.get_by_test_id("confirm-all").dblclick()  # a double click places each order once
    expect(page.locator("main")).to_contain_text(re.compile(r"CO-\d{4}-\d{6}.*CO-\d{4}-\d{6}"))
    placed = Order.objects.filter(placed_by__email=BUYER).order_by("pk")[before:]
    assert sorted(o.seller_id for o in placed) == sorted(s.pk for s in sellers)
    for order in placed:
        assert order.signed_ip and order.signed_user_agent and order.terms_version is not None
    audit.assert_clean()


def test_a_storekeeper_adds_without_prices_and_the_cart_announces_updates(live_server, page, demo):
    base = live_server.url
    log_in(page, base, STOREKEEPER)
    sku, quantity = LINES[1]
    product = Product.objects.get(sku=sku)
    page.goto(f"{base}/sellers/{product.seller_id}/products/{product.pk}/")
    expect(page.get_by_test_id("price")).not_to_contain_text("€")
    add(page, base, sku, quantity)
    assert CartLine.objects.filter(product=product).exists()
    status = page.locator("#cart-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text("")
    quantity_field = page.get_by_test_id("cart-lines").get_by_role("spinbutton").first
    quantity_field.fill(str(quantity * 2))
    quantity_field.dispatch_event("change")
    expect(status).not_to_have_text("")  # the update is announced
    expect(status).not_to_contain_text("€")  # without "see prices" (P4)
