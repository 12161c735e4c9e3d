"""Accessibility of the main pages, checked by axe-core in Chromium ("Faces": labels, landmarks,
contrast, names, table headers…). Each demo role walks its own pages; a violation of impact
"serious" or "critical" fails the test with its rule, the page and the elements concerned.
Every finding (milder ones too) is written to tests/e2e/artifacts/axe-<test>.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from comptoir.catalog.models import Product
from comptoir.ordering.models import Order
from comptoir.parties.models import Organization
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()
AFTER_DELIVERY = ("delivered", "frozen")


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


@dataclass
class Audit:
    """Runs axe on each page visited and keeps what it found, page by page."""

    page: Page
    base: str
    name: str
    findings: list[dict] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    def check(self, label: str, path: str | None = None) -> None:
        if path is not None:
            self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("load")
        results = AXE.run(self.page).response
        self.pages.append(label)
        for violation in results["violations"]:
            self.findings.append(
                {
                    "page": label,
                    "url": self.page.url.removeprefix(self.base),
                    "rule": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "nodes": [
                        {"target": node["target"], "html": node["html"][:200]}
                        for node in violation["nodes"]
                    ],
                }
            )

    def assert_clean(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{self.name}.json").write_text(
            json.dumps({"pages": self.pages, "violations": self.findings}, indent=2)
        )
        serious = [f for f in self.findings if f["impact"] in FAILING_IMPACTS]
        report = "\n".join(
            f"- [{f['impact']}] {f['rule']} on {f['page']} ({f['url']}): {f['help']}\n"
            + "\n".join(f"    {n['target']} {n['html']}" for n in f["nodes"][:5])
            for f in serious
        )
        assert not serious, f"{len(serious)} serious or critical axe violation(s):\n{report}"


@pytest.fixture
def audit(live_server, page, request):
    return Audit(page=page, base=live_server.url, name=request.node.name)


def test_axe_finds_a_violation_it_should(audit):
    """The check itself works: a page with an unlabelled field and an image without text is
    reported (a broken axe injection would let every page pass)."""
    audit.page.set_content(
        '<html lang="en"><body><main><h1>Probe</h1>'
        '<input type="text"><img src="data:,"></main></body></html>'
    )
    results = AXE.run(audit.page).response
    rules = {v["id"] for v in results["violations"]}
    assert {"label", "image-alt"} <= rules


def test_pages_without_login(audit, demo):
    seller = Organization.objects.get(trade_name="Volta Distribution")
    order = Order.objects.filter(number__isnull=False, placed_by__isnull=False).first()
    audit.check("home (visitor)", "/")
    audit.check("login", "/login/")
    audit.check("register", "/register/")
    audit.check("product list (visitor)", f"/sellers/{seller.pk}/products/")
    audit.check("tracking form", "/track/")
    audit.page.get_by_label(re.compile("Order number|Numéro de commande", re.I)).fill(order.number)
    audit.page.get_by_label(re.compile("E-mail used|E-mail utilisé", re.I)).fill(
        order.placed_by.email
    )
    audit.page.get_by_label(re.compile("E-mail used|E-mail utilisé", re.I)).press("Enter")
    expect(audit.page.get_by_text(order.number).first).to_be_visible()
    audit.check("tracking result")
    audit.page.goto(f"{audit.base}/login/")
    audit.page.get_by_label("E-mail").fill("nobody@comptoir.example")
    audit.page.get_by_label(re.compile("Mot de passe|Password")).fill("wrong")
    audit.page.get_by_role("button", name=re.compile("Connexion|Se connecter|Log in")).click()
    audit.check("login with an error")
    audit.page.select_option("#language-select", "en")
    expect(audit.page.locator("html")).to_have_attribute("lang", "en")
    audit.check("login in English")
    audit.check("register in English", "/register/")
    audit.page.get_by_test_id("register").locator("button[type=submit]").click()
    expect(audit.page.get_by_test_id("form-errors")).to_be_visible()
    audit.check("register with errors")
    audit.assert_clean()


def test_buyer_pages(audit, demo):
    page, base = audit.page, audit.base
    log_in(page, base, "buyer1@comptoir.example")
    product = Product.objects.get(sku="VD-CAB-USBC-1")
    brewer = Organization.objects.get(trade_name="Les Brasseurs du Vexin")
    audit.check("home (buyer)", "/")
    audit.check("product list", f"/sellers/{product.seller_id}/products/")
    audit.check("product search", f"/sellers/{product.seller_id}/products/?q=USB")
    audit.check("product page", f"/sellers/{product.seller_id}/products/{product.pk}/")
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill("10")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("quote")).to_be_visible()
    audit.check("cart with a line and its checkout form")
    page.get_by_test_id("checkout").get_by_role("checkbox").check()
    page.get_by_test_id("checkout").get_by_role("button").click()
    expect(page.get_by_test_id("order-state")).to_be_visible()
    audit.check("order placed (order detail)")
    audit.check("orders list", "/orders/")
    delivered = (
        Order.objects.filter(buyer__trade_name="Épicerie du Marais", state__in=AFTER_DELIVERY)
        .exclude(number=None)
        .order_by("-placed_at")
        .first()
    )
    assert delivered is not None, "the demo history holds a delivered order of buyer1"
    audit.check("order detail (after delivery)", f"/orders/{delivered.number}/")
    audit.check("statement of account", f"/statement/{brewer.pk}/")
    audit.check("payments (statements and mandates)", "/account/mandates/")
    audit.check("company account", "/account/")
    audit.check("company users", "/account/users/")
    audit.check("claims", "/claims/")
    audit.check("product page, again", f"/sellers/{product.seller_id}/products/{product.pk}/")
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill("10")
    form.get_by_role("button").click()
    expect(page.get_by_test_id("quote")).to_be_visible()
    audit.check("one-step checkout over the carts", "/checkout/")
    audit.assert_clean()


def test_seller_pages(audit, demo):
    page, base = audit.page, audit.base
    log_in(page, base, "sales@volta-distribution.example")
    audit.check("seller inbox", "/inbox/")
    orders = Order.objects.filter(seller__trade_name="Volta Distribution").exclude(number=None)
    for state in ("submitted", "accepted", "delivered"):
        found = orders.filter(state=state).order_by("-placed_at").first()
        if found is not None:
            audit.check(f"order detail (seller, {state})", f"/orders/{found.number}/")
    audit.check("seller dashboard", "/seller/dashboard/")
    audit.check("seller catalog list", "/seller/catalog/")
    audit.check("seller stock", "/seller/catalog/stock/")
    audit.check("seller receivables", "/seller/receivables/")
    audit.check("seller LCR to present", "/seller/lcr/")
    audit.check("card refunds", "/seller/card-refunds/")
    audit.check("refunds by transfer", "/seller/refunds/")
    audit.check("EDI messages", "/edi/")
    audit.check("terms versions", "/seller/terms/")
    page.get_by_test_id("new-from-in-force").get_by_role("button").click()
    expect(page.locator("textarea").first).to_be_visible()
    audit.check("terms editor (a new draft)")
    page.emulate_media(color_scheme="dark")  # Pico follows the system's dark scheme
    audit.check("seller dashboard (dark scheme)", "/seller/dashboard/")
    audit.check("seller inbox (dark scheme)", "/inbox/")
    audit.assert_clean()


def test_seller_finance_pages(audit, demo):
    """Recording a payment by hand, a buyer's deposit (PT9) and rebates (PT13) pages."""
    log_in(audit.page, audit.base, "sales@brasseurs-vexin.example")
    buyer = Organization.objects.get(trade_name="Épicerie du Marais")
    audit.check("record a payment", f"/seller/payments/new/?buyer={buyer.pk}")
    expect(audit.page.get_by_test_id("payment-record-form")).to_be_visible()
    audit.check(
        "deposit and rebates (deposit held)", f"/seller/buyers/{buyer.pk}/deposit-and-rebates/"
    )
    expect(audit.page.get_by_test_id("deposit-return-form")).to_be_visible()
    audit.assert_clean()


def test_seller_rebates_page(audit, demo):
    log_in(audit.page, audit.base, "sales@maison-lumiere.example")
    buyer = Organization.objects.get(trade_name="Salon Belle Époque")
    audit.check(
        "deposit and rebates (a rebate agreement)",
        f"/seller/buyers/{buyer.pk}/deposit-and-rebates/",
    )
    expect(audit.page.get_by_test_id("rebate-list")).to_be_visible()
    audit.assert_clean()


def test_marketplace_seller_pages(audit, demo):
    log_in(audit.page, audit.base, "sales@atelier-carmin.example")
    audit.check("payouts received (marketplace seller)", "/seller/payouts/")
    audit.check("receivables (marketplace seller)", "/seller/receivables/")
    audit.assert_clean()


def test_operator_pages(audit, demo):
    log_in(audit.page, audit.base, "admin@comptoir.example")
    audit.check("operator payouts", "/operator/payouts/")
    audit.check("operator onboarding queue", "/operator/onboarding/")
    audit.check("operator organizations", "/operator/organizations/")
    audit.check("operator audit log", "/operator/audit/")
    audit.check("operator moderation", "/operator/moderation/")
    audit.assert_clean()
