"""Page security ("Faces"): every POST form carries its CSRF token and the server refuses a POST
without it; HTML pages carry a strict Content-Security-Policy and the other security headers;
names and texts that members type are shown escaped, never as markup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

import comptoir
from comptoir.catalog.models import Product
from comptoir.fulfilment.services import claim_open
from comptoir.ordering.models import CartLine
from comptoir.ordering.services import cart_line_set
from comptoir.parties.models import Organization
from tests.fulfilment.conftest import accepted_order, ship_all
from tests.ordering.conftest import make_buyer, make_shop

SOURCE = Path(comptoir.__file__).parent
TEMPLATES = sorted(p for p in SOURCE.rglob("templates/**/*.html"))
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

FORM_OPEN = re.compile(r"<form\b[^>]*>", re.I | re.S)
POST = re.compile(r"""\bmethod\s*=\s*["']?post\b""", re.I)


def forms_without_token(text: str) -> list[str]:
    """The opening tag of each POST form whose body (up to </form>) has no {% csrf_token %}."""
    missing = []
    for match in FORM_OPEN.finditer(text):
        if not POST.search(match.group(0)):
            continue
        end = text.find("</form>", match.end())
        body = text[match.end() : end if end != -1 else len(text)]
        if not re.search(r"{%\s*csrf_token\s*%}", body):
            missing.append(match.group(0))
    return missing


# --- CSRF ------------------------------------------------------------------------------------


def test_the_template_scan_finds_the_templates_and_a_form_without_token():
    assert len(TEMPLATES) > 50
    assert any(p.name == "base.html" for p in TEMPLATES)
    assert forms_without_token('<form method="post" action="/x/"><button>Go</button></form>')
    assert forms_without_token("<FORM class='a'\n method=POST><input></FORM>")
    assert not forms_without_token('<form method="get"><input name="q"></form>')
    assert not forms_without_token('<form method="post">{% csrf_token %}<button></button></form>')


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_post_form_carries_the_csrf_token(path):
    assert forms_without_token(path.read_text(encoding="utf-8")) == []


def test_no_page_view_is_exempt_from_csrf():
    found = [p for p in (SOURCE / "web").rglob("*.py") if "csrf_exempt" in p.read_text()]
    assert found == []


@pytest.fixture
def trade(db):
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20), ("BOL-2", "12.50", 1, 50)])
    buyer = make_buyer("Salon Alpha")
    order = accepted_order(shop, buyer, [("VASE-1", 3)])
    ship_all(shop, order)
    return shop, buyer, order


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_post_without_token_is_refused_anonymous():
    client = csrf_client()
    for name in ("web:login", "web:register", "web:track"):
        response = client.post(reverse(name), {"username": "a@b.test", "number": "CO-1"})
        assert response.status_code == 403, name


def test_a_post_without_token_is_refused_logged_in(trade):
    shop, buyer, order = trade
    client = csrf_client(buyer.user)
    posts = [
        (reverse("web:cart_update", args=[shop.seller.pk]), {"sku": "VASE-1", "quantity": "1"}),
        (reverse("web:checkout", args=[shop.seller.pk]), {"accept_terms": "yes"}),
        (reverse("web:claim_new", args=[order.number]), {"subject": "x", "body": "y"}),
        (reverse("web:account_update"), {"trade_name": "Changed"}),
        (reverse("web:logout"), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert not CartLine.objects.filter(cart__buyer=buyer.org).exists()
    seller_client = csrf_client(shop.seller_user)
    url = reverse("web:order_action", args=[order.number])
    assert seller_client.post(url, {"action": "cancel"}).status_code == 403


@pytest.mark.django_db
def test_a_post_with_the_token_goes_through():
    """The control: the same client, once it sends the token the form gave it, is let in."""
    client = csrf_client()
    page = client.get(reverse("web:track"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = client.post(
        reverse("web:track"),
        {"csrfmiddlewaretoken": token.group(1), "number": "CO-2026-000001", "email": "a@b.test"},
    )
    assert response.status_code == 200
    assert "No order matches" in response.content.decode()


# --- Security headers ------------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_html_pages_carry_a_strict_csp_and_the_security_headers(client, trade):
    shop, buyer, order = trade
    anonymous = [reverse("web:home"), reverse("web:login"), reverse("web:track")]
    logged_in = [
        reverse("web:seller_products", args=[shop.seller.pk]),
        reverse("web:cart", args=[shop.seller.pk]),
        reverse("web:order_detail", args=[order.number]),
    ]
    responses = [(url, client.get(url)) for url in anonymous]
    client.force_login(buyer.user)
    responses += [(url, client.get(url)) for url in logged_in]
    for url, response in responses:
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
        csp = csp_directives(response["Content-Security-Policy"])
        scripts = csp.get("script-src", csp["default-src"])
        assert scripts == ["'self'"], (url, scripts)
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
        assert csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_templates_hold_nothing_the_csp_would_block():
    """With script-src and style-src 'self' the browser ignores inline scripts, event-handler
    attributes and style attributes: pages must not rely on them (the terms and billing
    documents, rendered to PDF by WeasyPrint, keep their <style>)."""
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(SOURCE))
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            assert "src=" in tag, f"inline script in {name}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"event-handler attribute in {name}"
        assert not re.search(r"\sstyle\s*=", text), f"style attribute in {name}"
        assert "hx-on" not in text and "javascript:" not in text.lower(), name


# --- Escaping --------------------------------------------------------------------------------


@pytest.fixture
def hostile(trade):
    """A seller, a buyer, a product and a claim whose names and texts hold markup."""
    shop, buyer, order = trade
    Organization.objects.filter(pk=shop.seller.pk).update(trade_name=f"Vendeur {PAYLOAD}")
    Organization.objects.filter(pk=buyer.org.pk).update(
        legal_name=f"Acheteur {PAYLOAD}", trade_name=""
    )
    Product.objects.filter(seller=shop.seller, sku="BOL-2").update(title=f"Bol {PAYLOAD}")
    cart_line_set(actor=buyer.user, buyer=buyer.org, seller=shop.seller, sku="BOL-2", quantity=2)
    claim = claim_open(
        actor=buyer.user,
        order_id=order.pk,
        subject=f"Objet {PAYLOAD}",
        body=f"Message {PAYLOAD}\n<img src=x onerror=alert(2)>",
        attachments=(),
    )
    return shop, buyer, order, claim


def assert_escaped(content: bytes, where: str, *, shown: bool = True) -> None:
    text = content.decode()
    assert PAYLOAD not in text, f"raw markup on {where}"
    assert "<img src=x" not in text, f"raw markup on {where}"
    assert len(re.findall(r"<script\b", text)) == len(re.findall(r"<script src=", text)), where
    if shown:
        assert ESCAPED in text, f"the name is not shown (escaped) on {where}"


def test_names_and_messages_are_shown_escaped_to_the_buyer(client, hostile):
    shop, buyer, order, claim = hostile
    client.force_login(buyer.user)
    product = Product.objects.get(seller=shop.seller, sku="BOL-2")
    for url in (
        reverse("web:home"),
        reverse("web:seller_products", args=[shop.seller.pk]),
        reverse("web:seller_products", args=[shop.seller.pk]) + "?q=Bol",
        reverse("web:product_detail", args=[shop.seller.pk, product.pk]),
        reverse("web:cart", args=[shop.seller.pk]),
        reverse("web:orders"),
        reverse("web:order_detail", args=[order.number]),
        reverse("web:claims"),
        reverse("web:claim_detail", args=[claim.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content, url)
    detail = client.get(reverse("web:claim_detail", args=[claim.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(2)&gt;" in detail


def test_a_search_echoes_the_query_escaped(client, hostile):
    shop, buyer, _order, _claim = hostile
    client.force_login(buyer.user)
    url = reverse("web:seller_products", args=[shop.seller.pk])
    response = client.get(url, {"q": '"><script>alert(1)</script>'})
    assert_escaped(response.content, "search", shown=False)
    assert "&quot;&gt;&lt;script&gt;" in response.content.decode()


def test_names_are_shown_escaped_to_the_seller_and_in_the_charts(client, hostile):
    shop, buyer, order, claim = hostile
    client.force_login(shop.seller_user)
    assert_escaped(client.get(reverse("web:inbox")).content, "inbox", shown=False)
    for url in (
        reverse("web:order_detail", args=[order.number]),
        reverse("web:claim_detail", args=[claim.pk]),
        reverse("web:account_statement", args=[buyer.org.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content, url)
    dashboard = client.get(reverse("web:dashboard"))
    assert dashboard.status_code == 200
    assert_escaped(dashboard.content, "dashboard", shown=False)
    # The charts are SVG images drawn on the server (no JSON handed to a script): no script, no
    # member-typed text in them.
    for name in ("sales", "ageing", "on-time", "orders"):
        chart = client.get(reverse("web:dashboard_chart", args=[name]))
        assert chart.status_code == 200 and chart["Content-Type"].startswith("image/svg+xml")
        assert b"<script" not in chart.content and b"alert(" not in chart.content
