"""O15 in Chromium: a buyer types a voucher in the cart, the quote takes it live (htmx) and keeps
it when a quantity changes, a wrong code is said on the field, and the order placed is the quote
read; axe on the cart with its voucher."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.catalog.models import Product
from comptoir.ordering.models import Order, Voucher
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUYER = "buyer2@comptoir.example"
SKU = "LN-CPT-PRO-1"  # 189 € excl. VAT at the digital-goods seller


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def test_a_voucher_in_the_cart_is_quoted_live_and_placed(live_server, page, screenshot, demo):
    base = live_server.url
    log_in(page, base, BUYER)
    product = Product.objects.get(sku=SKU)
    page.goto(f"{base}/sellers/{product.seller_id}/products/{product.pk}/")
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill("1")
    form.get_by_role("button").click()
    voucher = page.get_by_test_id("voucher")
    expect(voucher).to_be_visible()
    field = voucher.get_by_role("textbox")

    field.fill("nope")
    voucher.get_by_role("button").click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("voucher-status")).to_have_attribute("role", "alert")

    page.get_by_test_id("voucher").get_by_role("textbox").fill("bienvenue50")
    page.get_by_test_id("voucher").get_by_role("button").click()
    expect(page.get_by_test_id("quote")).to_contain_text("BIENVENUE50")
    expect(page.get_by_test_id("voucher").get_by_role("textbox")).to_have_value("BIENVENUE50")
    # a new quantity re-quotes the cart with the voucher still in it
    one = page.get_by_test_id("total").inner_text()
    page.get_by_test_id("cart-lines").get_by_role("spinbutton").fill("2")
    page.get_by_test_id("cart-lines").get_by_role("spinbutton").dispatch_event("change")
    expect(page.get_by_test_id("total")).not_to_have_text(one)
    expect(page.get_by_test_id("quote")).to_contain_text("BIENVENUE50")
    audit = Audit(page=page, base=base, name="voucher")
    audit.check("cart with a voucher")
    audit.assert_clean()
    screenshot("cart-with-voucher")

    before = set(Order.objects.filter(placed_by__email=BUYER).values_list("pk", flat=True))
    checkout = page.get_by_test_id("checkout")
    checkout.get_by_role("checkbox", name=re.compile("accept")).check()
    checkout.get_by_role("button").last.click()
    expect(page.get_by_test_id("order-state")).to_be_visible()
    order = Order.objects.filter(placed_by__email=BUYER).exclude(pk__in=before).get()
    goods = sum((line.net_amount for line in order.lines.all()), Decimal(0))
    assert goods == Decimal("378.00")  # 2 × 189 €
    assert Voucher.objects.get(code="BIENVENUE50").redeemed_by == order
    fees = sum((Decimal(f["amount"]) for f in order.quote["fees"]), Decimal(0))
    assert order.total_excl_vat == goods + fees - Decimal("50.00")  # the quote the buyer read
