"""A buyer orders from two sellers in Chromium; one seller refuses, the other accepts, ships and
reports the delivery; the buyer validates it and the order is final with its invoice (O1, O8,
O9, F2–F5, I1)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.catalog.models import Product
from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def log_out(page) -> None:
    page.get_by_role("button", name=re.compile("Déconnexion|Se déconnecter|Log out")).click()


def add_and_order(page, base: str, sku: str, quantity: int) -> str:
    product = Product.objects.get(sku=sku)
    page.goto(f"{base}/sellers/{product.seller_id}/products/{product.pk}/")
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill(str(quantity))
    form.get_by_role("button").click()
    expect(page.get_by_test_id("quote")).to_be_visible()
    checkout = page.get_by_test_id("checkout")
    checkout.get_by_role("checkbox").check()
    checkout.get_by_role("button").click()
    expect(page.get_by_test_id("order-state")).to_be_visible()
    heading = page.get_by_role("heading", level=1).inner_text()
    return re.search(r"CO-\d{4}-\d{6}", heading).group(0)


def open_order(page, base: str, number: str) -> None:
    page.goto(f"{base}/orders/{number}/")
    expect(page.get_by_test_id("order-state")).to_be_visible()


def test_two_sellers_one_refuses_the_other_ships_and_the_buyer_validates(
    live_server, page, screenshot, demo
):
    base = live_server.url
    log_in(page, base, "buyer1@comptoir.example")
    marketplace = add_and_order(page, base, "AC-CAR-A5-LIG", 12)
    screenshot("marketplace-order")
    electronics = add_and_order(page, base, "VD-CAB-USBC-1", 10)
    log_out(page)

    log_in(page, base, "sales@volta-distribution.example")
    page.goto(f"{base}/inbox/")
    expect(page.get_by_test_id("inbox")).to_contain_text(electronics)
    screenshot("seller-inbox")
    open_order(page, base, electronics)
    page.get_by_label(re.compile("^(Reason for refusal|Motif du refus)$")).fill(
        "Hors allocation ce mois-ci."
    )
    page.get_by_role("button", name=re.compile("^(Refuse|Refuser)$")).click()
    expect(page.get_by_test_id("order-state")).to_contain_text(re.compile("Refused|Refusée"))
    log_out(page)

    log_in(page, base, "sales@atelier-carmin.example")
    open_order(page, base, marketplace)
    page.get_by_role("button", name=re.compile("^(Accept|Accepter)$")).click()
    ship = page.get_by_test_id("ship")
    ship.get_by_label(re.compile("Carrier|Transporteur")).fill("Colissimo")
    ship.get_by_label(re.compile("Tracking|suivi")).fill("6A123456789FR")
    ship.get_by_role("button").click()
    expect(page.get_by_test_id("shipments")).to_contain_text("6A123456789FR")
    shipments = page.get_by_test_id("shipments")
    shipments.get_by_label(re.compile("Delivered on|Livré le")).fill(
        # today in Paris, the platform's calendar (UTC would be yesterday after 23:00 or 22:00)
        page.evaluate("new Date().toLocaleDateString('sv-SE', {timeZone: 'Europe/Paris'})")
    )
    shipments.get_by_label(re.compile("Signed by|Signé par")).fill("Mme Roux")
    shipments.get_by_role("button", name=re.compile("delivery|livraison")).click()
    expect(page.get_by_test_id("contestation")).to_be_visible()
    screenshot("seller-delivered")
    log_out(page)

    log_in(page, base, "buyer1@comptoir.example")
    open_order(page, base, electronics)
    expect(page.get_by_test_id("order-state")).to_contain_text(re.compile("Refused|Refusée"))
    open_order(page, base, marketplace)
    page.get_by_test_id("contestation").get_by_role(
        "button", name=re.compile("Validate|Valider")
    ).click()
    expect(page.get_by_test_id("order-state")).to_contain_text(re.compile("Frozen|Définitive"))
    expect(page.get_by_test_id("invoice")).to_contain_text("PDF")
    screenshot("buyer-frozen-with-invoice")


def test_seller_dashboard_draws_its_charts(live_server, page, screenshot, demo):
    log_in(page, live_server.url, "sales@volta-distribution.example")
    page.goto(f"{live_server.url}/seller/dashboard/")
    expect(page.get_by_test_id("inbox-count")).to_be_visible()
    images = page.locator("figure img")
    expect(images).to_have_count(4)
    for i in range(4):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
        )
    screenshot("seller-dashboard", readme="dashboard")
