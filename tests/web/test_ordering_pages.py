"""Ordering pages through the Django client: cart with live quote, checkout, the order and its
timeline, the seller's inbox, tracking without login (O1, O8, O9, O16)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)


@pytest.fixture
def terms(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        return terms_version_publish(version=draft)


@pytest.fixture
def seller_user(shop):
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(AT)
    yield
    clock.freeze(None)


def _add(client, shop, sku: str, quantity: int, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("web:cart_update", args=[shop.seller.pk]),
        {"sku": sku, "quantity": quantity},
        **headers,
    )


def test_buyer_fills_the_cart_sees_the_quote_and_orders_once(client, shop, terms, seller_user):
    client.force_login(shop.owner)
    assert _add(client, shop, "HD-001", 6).status_code == 302
    fragment = _add(client, shop, "HD-002", 5, htmx=True)  # 5 → 6, the case size (O4)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and 'data-testid="quote"' in html
    assert 'data-testid="adjusted">6<' in html
    page = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {
        "idempotency_key": key,
        "terms_version": terms.version,
        "payment_method": "transfer",
        "accept_terms": "yes",
    }
    checkout = reverse("web:checkout", args=[shop.seller.pk])
    first = client.post(checkout, form)
    again = client.post(checkout, form)  # a double click
    order = Order.objects.get()
    assert first.url == again.url == reverse("web:order_detail", args=[order.number])
    assert order.signed_ip == "127.0.0.1" and order.payment_method == "transfer"
    detail = client.get(first.url).content.decode()
    assert order.number in detail and 'data-testid="timeline"' in detail
    client.force_login(seller_user)
    assert order.number in client.get(reverse("web:orders")).content.decode()


def test_checkout_without_accepting_the_terms_places_nothing(client, shop, terms):
    client.force_login(shop.owner)
    _add(client, shop, "HD-001", 6)
    _add(client, shop, "HD-002", 6)
    response = client.post(
        reverse("web:checkout", args=[shop.seller.pk]),
        {"idempotency_key": "k1", "terms_version": terms.version},
        follow=True,
    )
    assert "O9" in response.content.decode()
    assert Order.objects.count() == 0


def test_a_cart_below_the_minimum_shows_the_clause_and_no_checkout(client, shop, terms):
    client.force_login(shop.owner)
    _add(client, shop, "HD-001", 6)
    html = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    assert "(O2)" in html and 'data-testid="checkout"' not in html


def test_quick_order_adds_all_lines_or_none(client, shop, terms):
    client.force_login(shop.owner)
    url = reverse("web:cart_quick_order", args=[shop.seller.pk])
    client.post(url, {"lines": "HD-001;6\nNOPE;2"})
    html = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    assert 'data-testid="cart-empty"' in html
    client.post(url, {"lines": "sku;quantity\nHD-001;6\nHD-003;6"})
    html = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    assert "HD-001" in html and "HD-003" in html


def test_seller_answers_from_the_order_page_and_tracking_needs_the_email(
    client, shop, terms, seller_user
):
    from comptoir.ordering.quoting import LineRequest
    from comptoir.ordering.services import Submission, order_place

    order = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
            accepted_terms_version=terms.version,
            idempotency_key="t-1",
        ),
    )
    client.force_login(seller_user)
    response = client.post(
        reverse("web:order_action", args=[order.number]), {"action": "start"}, follow=True
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.state == "in_progress"
    client.logout()
    track = reverse("web:track")
    found = client.post(track, {"number": order.number, "email": "owner@buyer-a.test"})
    assert 'data-testid="tracked"' in found.content.decode()
    wrong = client.post(track, {"number": order.number, "email": "someone@else.test"})
    assert 'data-testid="tracked"' not in wrong.content.decode()


def test_seller_ships_and_reports_delivery_then_buyer_validates(client, shop, terms, seller_user):
    from comptoir.ordering.quoting import LineRequest
    from comptoir.ordering.services import Submission, order_place

    order = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
            accepted_terms_version=terms.version,
            idempotency_key="t-2",
        ),
    )
    client.force_login(seller_user)
    client.post(
        reverse("web:order_ship", args=[order.number]),
        {"carrier": "Colissimo", "tracking": "6A1, 6A2"},
    )
    shipment = order.shipments.get()
    assert shipment.parcels.count() == 2
    client.post(
        reverse("web:shipment_deliver", args=[order.number]),
        {"shipment": shipment.number, "delivered_on": "2026-11-24", "signed_by": "M. Martin"},
    )
    order.refresh_from_db()
    assert order.state == "delivered" and order.invoice is not None  # invoiced at shipment
    note = client.get(reverse("web:delivery_note", args=[order.number, shipment.number]))
    assert note.status_code == 200 and note.content.startswith(b"%PDF")
    client.force_login(shop.owner)
    page = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
    assert 'data-testid="contestation"' in page and order.invoice.number in page
    client.post(reverse("web:order_validate", args=[order.number]))
    order.refresh_from_db()
    assert order.state == "frozen"
    xml = client.get(reverse("web:order_invoice_xml", args=[order.number]))
    assert xml.status_code == 200 and b"CrossIndustryInvoice" in xml.content


def test_checkout_offers_each_payment_option_and_the_order_keeps_the_choice(client, shop):
    """PT2, PT3: the options of the seller's terms as labelled radio buttons with their due
    dates and clause; the chosen one is stored, one not offered is refused."""
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="marketplace")
        version = terms_version_publish(version=draft)
    client.force_login(shop.owner)
    _add(client, shop, "HD-001", 6)
    _add(client, shop, "HD-002", 6)
    page = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    options = page[page.index('data-testid="payment-options"') :]
    assert 'name="payment_option" value="financing_partner:+45"' in options
    assert 'name="payment_option" value="financing_partner:x3"' in options
    assert "Échéance le 08/01/2027" in options  # +45 days from 24/11/2026 (page in French)
    assert "Art. 2, 7.8 et 10.7" in options  # the clause of the financing option
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {"idempotency_key": key, "terms_version": version.version, "accept_terms": "yes"}
    checkout = reverse("web:checkout", args=[shop.seller.pk])
    refused = client.post(
        checkout, {**form, "payment_option": "financing_partner:+90"}, follow=True
    )
    assert "PT2" in refused.content.decode() and Order.objects.count() == 0
    client.post(checkout, {**form, "payment_option": "financing_partner:+45"})
    order = Order.objects.get()
    assert (order.payment_method, order.payment_option) == (
        "financing_partner",
        "financing_partner:+45",
    )


def test_an_employee_without_see_prices_follows_orders_without_amounts(client, shop, terms):
    """P4: "see orders" without "see prices": the list and the order show no amount."""
    from comptoir.parties.models import Membership, Permission

    client.force_login(shop.owner)
    _add(client, shop, "HD-001", 6)
    _add(client, shop, "HD-002", 6)
    page = client.get(reverse("web:cart", args=[shop.seller.pk])).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    client.post(
        reverse("web:checkout", args=[shop.seller.pk]),
        {
            "idempotency_key": key,
            "terms_version": terms.version,
            "payment_method": "transfer",
            "accept_terms": "yes",
        },
    )
    order = Order.objects.get()
    total = f"{order.total_incl_vat:.2f}".replace(".", ",")
    owner_view = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
    assert total in owner_view  # the owner sees the amounts
    membership = Membership.objects.get(user=shop.employee_no_prices)
    services.membership_set_permissions(
        actor=shop.owner,
        membership=membership,
        permissions=[Permission.VIEW_PRODUCTS, Permission.VIEW_ORDERS],
    )
    client.force_login(shop.employee_no_prices)
    listing = client.get(reverse("web:orders")).content.decode()
    detail = client.get(reverse("web:order_detail", args=[order.number])).content.decode()
    assert order.number in listing and order.number in detail
    for html in (listing, detail):
        assert total not in html and "€" not in html
