"""A demo buyer logs in in Chromium and sees the selective brand only when approved for it (C2);
an employee without "see prices" sees no price (P4)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "comptoir-demo"
SELECTIVE = "Lumière Prestige"


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter|Log in")).click()
    expect(page.get_by_test_id("current-user")).to_contain_text(email)


def test_selective_brand_visible_only_to_the_approved_buyer(live_server, page, screenshot, demo):
    log_in(page, live_server.url, "buyer2@comptoir.example")  # Salon Belle Époque, approved
    expect(page.get_by_test_id("brand").filter(has_text=SELECTIVE)).to_have_count(1)
    screenshot("approved-home", readme="home")
    page.get_by_role("link", name="Maison Lumière Cosmétiques").click()
    expect(page.get_by_test_id("product-row").first).to_be_visible()
    assert page.get_by_test_id("product-row").filter(has_text="Prestige").count() > 0
    screenshot("approved-products", readme="product-list")

    page.get_by_role("button", name=re.compile("Déconnexion|Se déconnecter|Log out")).click()
    log_in(page, live_server.url, "buyer1@comptoir.example")  # Épicerie du Marais, not approved
    expect(page.get_by_test_id("brand").filter(has_text="Lumière Essentiel")).to_have_count(1)
    expect(page.get_by_test_id("brand").filter(has_text=SELECTIVE)).to_have_count(0)
    page.get_by_role("link", name="Maison Lumière Cosmétiques").click()
    expect(page.get_by_test_id("product-row").first).to_be_visible()
    assert page.get_by_test_id("product-row").filter(has_text="Prestige").count() == 0
    screenshot("not-approved-products")


def test_employee_without_price_right_sees_no_price(live_server, page, screenshot, demo):
    log_in(page, live_server.url, "buyer2@comptoir.example")
    page.get_by_role("link", name="Maison Lumière Cosmétiques").click()
    expect(page.get_by_test_id("price").first).to_contain_text("€")
    page.get_by_role("button", name=re.compile("Déconnexion|Se déconnecter|Log out")).click()

    log_in(page, live_server.url, "buyer2.stock@comptoir.example")
    page.get_by_role("link", name="Maison Lumière Cosmétiques").click()
    prices = page.get_by_test_id("price")
    expect(prices.first).to_be_visible()
    for text in prices.all_inner_texts():
        assert "€" not in text
    screenshot("employee-no-prices")
