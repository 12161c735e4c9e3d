"""Keyboard use ("Faces"): the skip link comes first and moves the focus to the main content; a
buyer searches, opens a product, adds it to the cart and confirms the order with Tab, Enter and
Space only (O9); every focused control shows a visible focus ring."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from comptoir.catalog.models import Product
from comptoir.ordering.models import Order
from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 150
SKU = "VD-CAB-USBC-1"

FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {outline, shadow, outlineColor: style.outlineColor, tag: el.tagName};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement?.matches(s) ?? false", selector)


def tab_to(page: Page, selector: str) -> None:
    """Press Tab (only Tab) until the focused element matches the selector."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    where = page.evaluate("() => document.activeElement?.outerHTML.slice(0, 120)")
    raise AssertionError(f"{selector} not reached with {MAX_TABS} Tabs (focus on {where})")


def assert_visible_focus(page: Page) -> None:
    ring = page.evaluate(FOCUS_RING)
    assert ring["outline"] or ring["shadow"], f"no visible focus style on the {ring['tag']}"


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page, demo):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link[href='#main']"), "the skip link is the first Tab stop"
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "shown on screen when focused"
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    assert focused(page, "main#main"), "Enter on the skip link moves the focus to <main>"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_buyer_orders_with_the_keyboard_only(live_server, page, screenshot, demo):
    base = live_server.url
    product = Product.objects.get(sku=SKU)
    log_in(page, base, "buyer1@comptoir.example")
    page.goto(f"{base}/sellers/{product.seller_id}/products/")

    tab_to(page, "input#q")
    page.keyboard.type(SKU)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("product-row")).to_have_count(1)

    tab_to(page, "[data-testid=product-row] a")
    assert_visible_focus(page)
    screenshot("focused-product-link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(product.title)

    tab_to(page, "[data-testid=add-to-cart] input[name=quantity]")
    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    tab_to(page, "[data-testid=add-to-cart] button")
    assert_visible_focus(page)
    page.keyboard.press("Space")
    expect(page.get_by_test_id("quote")).to_be_visible()
    expect(page.get_by_test_id("cart-lines")).to_contain_text(SKU)

    tab_to(page, "[data-testid=checkout] input[name=accept_terms]")
    page.keyboard.press("Space")
    expect(page.locator("[data-testid=checkout] input[name=accept_terms]")).to_be_checked()
    tab_to(page, "[data-testid=checkout] button[type=submit]")
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("order-state")).to_be_visible()
    number = re.search(r"CO-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text())
    assert number is not None
    order = Order.objects.get(number=number.group(0))
    assert order.seller_id == product.seller_id
    assert (SKU, 10) in [(line.sku, line.requested_quantity) for line in order.lines.all()]
    screenshot("ordered-with-keyboard")
