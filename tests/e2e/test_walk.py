"""The whole story in one browser session, through pages only (P1, P2, P4, O1, O8, O9, O10, F2–F5,
I1, I7, K1).

A new buyer company registers at /register/ with its first user and sends its documents; the
operator validates it in the onboarding queue; the buyer's owner invites a storekeeper without
"see prices"; the buyer fills two carts in one session, one per seller, and checks each out
under that seller's terms (one independent order per seller, O1/K1); the storekeeper sees no
price; Volta Distribution refuses from its inbox with a reason, which the buyer reads on the
order page; Atelier Carmin (the marketplace preset) accepts, ships with a carrier and a tracking
number and records the delivery; the buyer validates conformity, which freezes the order and
issues its invoice (I1 under the marketplace terms: at freezing); the buyer downloads the PDF;
the seller finds it in its receivables.

The demo has one seller on the marketplace preset (Atelier Carmin); every demo seller sells on
the same platform, so the second one is Volta Distribution, whose terms (electronics wholesale)
let a newly validated buyer order at once, like Atelier Carmin's.

The ORM is only read: to find the orders' numbers and to compute the deadlines the pages must
show from the services' own rules (business days, holidays), so the test holds on any weekday.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.core import clock
from comptoir.core.calendar import is_working_day
from comptoir.demo import identifiers
from comptoir.fulfilment.rules import contestation_deadline
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy
from tests.e2e.test_browse import log_in
from tests.e2e.test_onboarding import fill, upload_documents
from tests.e2e.test_ordering import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPERATOR = "admin@comptoir.example"
OWNER = "direction@cave-ternes.example"
OWNER_PASSWORD = "Ternes-2026-cave"
STOREKEEPER = "reserve@cave-ternes.example"
STOREKEEPER_PASSWORD = "Ternes-2026-reserve"
LEGAL_NAME = "Cave des Ternes SAS"
TRADE_NAME = "Cave des Ternes"
MARKETPLACE = ("Atelier Carmin", "sales@atelier-carmin.example", "AC-CAR-A5-LIG", 12)
ELECTRONICS = ("Volta Distribution", "sales@volta-distribution.example", "VD-CAB-USBC-1", 10)
REFUSAL = "Hors allocation ce mois-ci : nous ne servons plus ce câble aux nouveaux comptes."
CARRIER, TRACKING = "Colissimo", "6A987654321FR"

SUBMITTED = re.compile("Submitted|Transmise")
REFUSED = re.compile("Refused|Refusée")
ACCEPTED = re.compile("Accepted|Acceptée")
SHIPPED = re.compile("Shipped|Expédiée")
DELIVERED = re.compile("Delivered|Livrée")
INVOICED = re.compile("Invoiced|Facturée")
FROZEN = re.compile("Frozen|Définitive")


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def paris(at) -> str:
    """An instant as the pages print it (d/m/Y H:i, Paris time)."""
    return timezone.localtime(at, clock.PARIS).strftime("%d/%m/%Y %H:%M")


def log_in_as(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(password)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter|Log in")).click()
    expect(page.get_by_test_id("current-user")).to_contain_text(email)


def register(page, base: str, siren: str) -> None:
    page.goto(f"{base}/")
    page.get_by_test_id("nav-register").click()
    page.locator("#id_roles_0").check()  # buyer
    fill(
        page,
        {
            "legal_name": LEGAL_NAME,
            "trade_name": TRADE_NAME,
            "siren": siren,
            "siret": identifiers.siret(siren),
            "vat_number": identifiers.vat_fr(siren),
            "iban": identifiers.iban_fr("30004", "00826", "00055443322"),
            "bic": "BNPAFRPP",
            "address_line1": "12 rue Poncelet",
            "address_postcode": "75017",
            "address_city": "Paris",
            "contact_name": "Bastien Royer",
            "phone": "01 45 72 00 17",
            "email": "contact@cave-ternes.example",
            "owner_full_name": "Bastien Royer",
            "owner_email": OWNER,
            "owner_password": OWNER_PASSWORD,
            "owner_password_confirm": OWNER_PASSWORD,
        },
    )
    page.get_by_test_id("register").locator("button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(OWNER)
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Pending|attente"))


def open_seller(page, base: str, name: str) -> None:
    page.goto(f"{base}/")
    page.get_by_test_id("seller").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def find_product(page, sku: str) -> None:
    """From a seller's product list: search the SKU and open the product."""
    page.get_by_role("searchbox").fill(sku)
    page.get_by_role("search").get_by_role("button").click()
    row = page.get_by_test_id("product-row").filter(has_text=sku)
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text(sku)


def add_to_cart(page, base: str, seller: str, sku: str, quantity: int) -> str:
    """Add a product to the cart at `seller`; returns the cart's address."""
    open_seller(page, base, seller)
    find_product(page, sku)
    form = page.get_by_test_id("add-to-cart")
    form.get_by_role("spinbutton").fill(str(quantity))
    form.get_by_role("button").click()
    expect(page.get_by_test_id("cart-lines")).to_contain_text(sku)
    expect(page.get_by_test_id("quote")).to_be_visible()
    return page.url


def check_out(page, cart_url: str) -> str:
    """Confirm the cart under the seller's terms (O9); returns the order number."""
    page.goto(cart_url)
    checkout = page.get_by_test_id("checkout")
    expect(checkout.get_by_role("radio").first).to_be_checked()  # a payment option is chosen
    checkout.get_by_role("checkbox").check()  # "I have read and accept the terms of sale"
    checkout.get_by_role("button").click()
    expect(page.get_by_test_id("order-state")).to_have_text(SUBMITTED)
    heading = page.get_by_role("heading", level=1).inner_text()
    found = re.search(r"CO-\d{4}-\d{6}", heading)
    assert found, heading
    return found.group(0)


def open_order(page, base: str, number: str) -> None:
    page.goto(f"{base}/orders/{number}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def from_inbox(page, base: str, number: str) -> None:
    page.get_by_test_id("nav-seller").locator("summary").click()
    page.get_by_role("link", name=re.compile("^(To answer|À traiter)$")).click()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text(number)
    inbox.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


def test_walk_register_validate_order_two_sellers_refuse_ship_validate_invoice(
    live_server, page, screenshot, demo
):
    base = live_server.url
    siren = identifiers.siren("61842093")

    # 1. A new buyer company registers with its first user and sends its documents (P1, P2).
    register(page, base, siren)
    screenshot("01-registered-pending")
    upload_documents(page)
    screenshot("02-documents-sent")
    log_out(page)

    # 2. The operator validates it from the onboarding queue (P1).
    log_in(page, base, OPERATOR)
    page.goto(f"{base}/operator/onboarding/")
    row = page.get_by_test_id("queue-row").filter(has_text=LEGAL_NAME)
    expect(row).to_have_count(1)
    screenshot("03-operator-queue", readme="operator-onboarding-queue")
    row.get_by_role("link", name=LEGAL_NAME).click()
    expect(page.get_by_test_id("documents")).to_contain_text("kbis.pdf")
    page.get_by_test_id("validate").click()
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Active|Actif"))
    screenshot("04-operator-validated")
    log_out(page)

    # 3. The owner invites a storekeeper who prepares carts but sees no price (P4).
    log_in_as(page, base, OWNER, OWNER_PASSWORD)
    page.goto(f"{base}/onboarding/")
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Active|Actif"))
    page.goto(f"{base}/account/users/")
    invite = page.get_by_test_id("invite-form")
    invite.get_by_label("E-mail").fill(STOREKEEPER)
    for right in ("view_products", "view_orders", "use_cart"):
        invite.locator(f"#invite-{right}").check()
    invite.get_by_role("button").click()
    expect(page.get_by_test_id("invitations")).to_contain_text(STOREKEEPER)
    screenshot("05-company-users", readme="company-users")
    sent = [m for m in mail.outbox if STOREKEEPER in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    link = re.search(r"https?://\S+/invitations/\S+/", sent[0].body)
    assert link, sent[0].body

    # 4. One cart per seller, filled in one session, then each checked out under its own
    #    terms: two independent orders (O1, K1, O9).
    electronics_cart = add_to_cart(page, base, *_seller_and_line(ELECTRONICS))
    screenshot("06-cart-electronics")
    marketplace_cart = add_to_cart(page, base, *_seller_and_line(MARKETPLACE))
    screenshot("07-cart-marketplace")
    marketplace = check_out(page, marketplace_cart)
    screenshot("08-order-marketplace-submitted")
    electronics = check_out(page, electronics_cart)
    assert marketplace != electronics
    for number in (marketplace, electronics):
        order = Order.objects.get(number=number)
        assert order.buyer.legal_name == LEGAL_NAME
        open_order(page, base, number)
        expect(page.get_by_test_id("timeline")).to_contain_text(SUBMITTED)
        if order.next_deadline_at is None:
            # the marketplace terms set no time to answer: the page says so, with no date (O8)
            step = page.get_by_test_id("next-step")
            expect(step).to_contain_text("(O8)")
            expect(step).not_to_contain_text(str(clock.today().year))
            continue
        # the seller's time to answer, as its terms count it (O8, N2): its last day a working
        # day ahead, the deadline the midnight that ends it (a Sunday when the order came on a
        # Thursday: two working days, Friday and Saturday)
        last_day = order.acceptance_due_on
        assert last_day > clock.today() and is_working_day(last_day)
        due = timezone.localtime(order.next_deadline_at, clock.PARIS)
        assert (due.date(), due.hour, due.minute) == (last_day + timedelta(days=1), 0, 0)
        expect(page.get_by_test_id("next-step")).to_contain_text(paris(order.next_deadline_at))
    sellers = {o.seller.trade_name for o in Order.objects.filter(buyer__siren=siren)}
    assert sellers == {MARKETPLACE[0], ELECTRONICS[0]}
    assert Order.objects.get(number=electronics).next_deadline_at is not None
    screenshot("09-order-electronics-submitted")
    log_out(page)

    # 5. The storekeeper accepts the invitation and browses: no price anywhere (P4).
    page.goto(link.group(0).replace("http://testserver", base))
    login = page.get_by_test_id("create-login")
    login.locator("#inv-name").fill("Inès Vidal")
    login.locator("#inv-password").fill(STOREKEEPER_PASSWORD)
    login.locator("#inv-password-again").fill(STOREKEEPER_PASSWORD)
    login.get_by_role("button").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(STOREKEEPER)
    open_seller(page, base, MARKETPLACE[0])
    prices = page.get_by_test_id("price")
    expect(prices.first).to_be_visible()
    for text in prices.all_inner_texts():
        assert "€" not in text, text
    screenshot("10-storekeeper-no-prices")
    cart_url = page.url.replace("/products/", "/cart/")
    find_product(page, MARKETPLACE[2])
    expect(page.get_by_test_id("price")).to_contain_text("P4")
    expect(page.locator("main")).not_to_contain_text("€")
    # the storekeeper prepares a cart (quick order), still without a price
    page.goto(cart_url)
    quick = page.locator("details").filter(has=page.locator("#quick-lines"))
    quick.locator("summary").click()
    quick.locator("#quick-lines").fill(f"{MARKETPLACE[2]};12")
    quick.locator("button[type=submit]").click()
    expect(page.get_by_test_id("cart-lines")).to_contain_text(MARKETPLACE[2])
    expect(page.locator("main")).not_to_contain_text("€")
    screenshot("11-storekeeper-cart-no-prices")
    log_out(page)

    # 6. Volta Distribution refuses from its inbox, with a reason (O8, O10).
    log_in(page, base, ELECTRONICS[1])
    from_inbox(page, base, electronics)
    page.get_by_label(re.compile("^(Reason for refusal|Motif du refus)$")).fill(REFUSAL)
    page.get_by_role("button", name=re.compile("^(Refuse|Refuser)$")).click()
    expect(page.get_by_test_id("order-state")).to_have_text(REFUSED)
    screenshot("12-seller1-refused")
    log_out(page)

    # 7. Atelier Carmin looks at its catalog and terms, then accepts, ships, records the
    #    delivery (O8, F2, F3).
    log_in(page, base, MARKETPLACE[1])
    page.goto(f"{base}/seller/catalog/")
    expect(page.get_by_test_id("catalog-products")).to_contain_text(MARKETPLACE[2])
    screenshot("13-seller2-catalog", readme="seller-catalog")
    version = Order.objects.get(number=marketplace).terms_version.version
    page.goto(f"{base}/seller/terms/")
    expect(page.get_by_test_id(f"terms-version-{version}")).to_be_visible()
    page.goto(f"{base}/seller/terms/{version}/edit/")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    screenshot("14-seller2-terms", readme="terms-editor")
    from_inbox(page, base, marketplace)
    page.get_by_role("button", name=re.compile("^(Accept|Accepter)$")).click()
    expect(page.get_by_test_id("order-state")).to_have_text(ACCEPTED)
    ship = page.get_by_test_id("ship")
    ship.get_by_label(re.compile("Carrier|Transporteur")).fill(CARRIER)
    ship.get_by_label(re.compile("Tracking|suivi")).fill(TRACKING)
    ship.get_by_role("button").click()
    shipments = page.get_by_test_id("shipments")
    expect(shipments).to_contain_text(TRACKING)
    expect(shipments).to_contain_text(CARRIER)
    screenshot("15-seller2-shipped")
    delivered_on = clock.today().isoformat()  # the platform's day, in Paris
    shipments.get_by_label(re.compile("Delivered on|Livré le")).fill(delivered_on)
    shipments.get_by_label(re.compile("Signed by|Signé par")).fill("B. Royer")
    shipments.get_by_role("button", name=re.compile("delivery|livraison")).click()
    expect(page.get_by_test_id("contestation")).to_be_visible()
    screenshot("16-seller2-delivered")
    log_out(page)

    # 8. The buyer reads the refusal and its reason, then validates the delivery: the order is
    #    frozen and its invoice issued (F4, F5, I1), a PDF it downloads (I7).
    log_in_as(page, base, OWNER, OWNER_PASSWORD)
    page.get_by_role("link", name=re.compile("^(Orders|Commandes)$")).first.click()
    page.get_by_role("link", name=electronics).click()
    expect(page.get_by_test_id("order-state")).to_have_text(REFUSED)
    expect(page.get_by_role("status").filter(has_text=REFUSAL)).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text(REFUSAL)
    screenshot("17-buyer-sees-refusal")

    open_order(page, base, marketplace)
    order = Order.objects.get(number=marketplace)
    deadline = contestation_deadline(
        date.fromisoformat(delivered_on), ordering_policy(order.terms_version).contestation
    )
    assert deadline is not None  # the marketplace terms let the buyer contest (F4)
    contestation = page.get_by_test_id("contestation")
    # the last day to contest, inclusive, as the timeline says it (F4)
    expect(contestation.get_by_test_id("contest-until")).to_contain_text(
        deadline.on.strftime("%d/%m/%Y")
    )
    expect(page.get_by_test_id("invoice")).to_have_count(0)  # invoiced when frozen (I1)
    screenshot("18-buyer-delivered")
    contestation.get_by_role("button", name=re.compile("Validate|Valider")).click()
    expect(page.get_by_test_id("order-state")).to_have_text(FROZEN)
    invoice = page.get_by_test_id("invoice")
    expect(invoice).to_contain_text("PDF")
    timeline = page.get_by_test_id("timeline")
    for state in (SUBMITTED, ACCEPTED, SHIPPED, DELIVERED, FROZEN, INVOICED):
        expect(timeline).to_contain_text(state)
    # the delivery's entry names the last day to contest, as the rule computed it (F4)
    expect(timeline).to_contain_text(deadline.on.strftime("%d/%m/%Y"))
    expect(page.get_by_test_id("shipments")).to_contain_text(TRACKING)  # shared (F2)
    screenshot("19-buyer-frozen-invoiced", readme="order", readme_height=1400)
    pdf_link = invoice.get_by_role("link", name=re.compile("PDF"))
    response = page.request.get(base + pdf_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    invoice_number = Order.objects.get(number=marketplace).invoice.number
    expect(invoice).to_contain_text(invoice_number)
    log_out(page)

    # 9. The seller finds the issued invoice on the order and in its receivables (I1, PT).
    log_in(page, base, MARKETPLACE[1])
    open_order(page, base, marketplace)
    expect(page.get_by_test_id("invoice")).to_contain_text(invoice_number)
    page.goto(f"{base}/seller/receivables/")
    receivables = page.get_by_test_id("receivables")
    expect(receivables).to_contain_text(TRADE_NAME)
    screenshot("20-seller2-receivables", readme="receivables")
    receivables.get_by_role("link", name=TRADE_NAME, exact=True).click()
    expect(page.locator("main")).to_contain_text(invoice_number)
    screenshot("21-seller2-statement")


def _seller_and_line(spec: tuple[str, str, str, int]) -> tuple[str, str, int]:
    name, _email, sku, quantity = spec
    return name, sku, quantity
