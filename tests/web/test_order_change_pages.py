"""Changing an order from its page: the buyer's edit until the monthly batch (O6) and the notice
after it, the seller's modification (O8), its change after acceptance with consent, fee and new
delivery date (O11), its cancellation (O12) and the force-majeure suspension (N4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept
from comptoir.parties.models import Permission
from comptoir.parties.services import membership_add
from tests.ordering.conftest import make_buyer, make_shop, place
from tests.ordering.test_lifecycle import paris
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def intranet():
    return make_shop(
        "monthly-intranet", [("MIEL-12", "6.50", 12, 1000), ("CIRE-6", "9.00", 6, 100)]
    )


@pytest.fixture
def electronics():
    return make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500), ("HDMI", "7.00", 1, 50)])


def _page(client, order: Order) -> str:
    """The order page, as text with its markup (entities decoded)."""
    return unescape(client.get(reverse("web:order_detail", args=[order.number])).content.decode())


def _post(client, name: str, order: Order, data: dict) -> list[str]:
    """Post a form of the section: back on the order, with this post's message first."""
    response = client.post(reverse(f"web:{name}", args=[order.number]), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/orders/{order.number}/#order-changes")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    return said[-1:] + said[:-1]


def test_the_buyer_edits_until_the_batch_then_is_told_to_ask_the_seller(client, intranet):
    """Placed Thu 5 Nov 2026, edited Mon 9 Nov on the page (24 → 36 jars, a case of wax added),
    processed Tue 10 Nov; on Wed 11 Nov the page says a change needs the seller's consent."""
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(intranet, buyer, [("MIEL-12", 24)])
    client.force_login(buyer.user)
    with clock.frozen(paris(2026, 11, 9, 10)):
        html = _page(client, order)
        assert 'data-testid="order-edit"' in html and "until processing on 10/11/2026" in html
        said = _post(
            client,
            "order_edit",
            order,
            {"sku": ["MIEL-12"], "quantity": ["36"], "add": "CIRE-6;6"},
        )
    assert "changed" in said[0]
    order.refresh_from_db()
    assert {line.sku: line.quantity for line in order.lines.all()} == {"MIEL-12": 36, "CIRE-6": 6}
    assert order.total_excl_vat == Decimal("36") * Decimal("6.50") + Decimal("54.00")
    with clock.frozen(paris(2026, 11, 11, 10)):
        from comptoir.ordering.sweeps import orders_apply_deadlines

        orders_apply_deadlines(until=paris(2026, 11, 10, 23))
        html = _page(client, order)
        assert 'data-testid="order-edit"' not in html, Order.objects.get(pk=order.pk).state
        assert "a change needs the seller's consent. (O6)" in html
        said = _post(client, "order_edit", order, {"sku": ["MIEL-12"], "quantity": ["12"]})
    assert "seller's consent" in said[0] and "(O6)" in said[0]
    assert order.lines.get(sku="MIEL-12").quantity == 36  # nothing changed


def test_bad_lines_are_refused_with_the_field_and_nothing_changes(client, intranet):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(intranet, buyer, [("MIEL-12", 24)])
        client.force_login(buyer.user)
        for data, words in (
            ({"sku": ["MIEL-12"], "quantity": ["-3"]}, "whole quantity"),
            ({"sku": ["MIEL-12"], "quantity": ["abc"]}, "whole quantity"),
            ({"sku": ["MIEL-12", "X"], "quantity": ["12"]}, "load the page again"),
            ({"sku": ["MIEL-12"], "quantity": ["12"], "add": "NOPE;6"}, "NOPE"),
            ({"sku": ["MIEL-12"], "quantity": ["12"], "add": "CIRE-6;lots"}, "Lines to add"),
            ({"sku": ["MIEL-12"], "quantity": ["0"]}, "empty"),
        ):
            said = _post(client, "order_edit", order, data)
            assert words in said[0], (data, said)
    order.refresh_from_db()
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("MIEL-12", 24)]


def test_the_seller_modifies_a_submitted_order_and_the_buyer_confirms(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        client.force_login(electronics.seller_user)
        html = _page(client, order)
        assert 'data-testid="order-modify"' in html and 'data-testid="order-change"' not in html
        said = _post(client, "order_modify", order, {"sku": ["USB-C"], "quantity": ["60"]})
        assert "This field is required" in said[0]  # the reason
        said = _post(
            client,
            "order_modify",
            order,
            {"sku": ["USB-C"], "quantity": ["60"], "reason": "Only 60 cables in stock this week."},
        )
        assert "sent to the buyer" in said[0]
        order.refresh_from_db()
        assert order.state == "modified" and order.lines.get().quantity == 60
        client.force_login(buyer.user)
        assert "Confirm the modification" in _page(client, order)
        assert "Only 60 cables" in _page(client, order)


def test_the_seller_changes_an_accepted_order_with_consent_fee_and_date(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        client.force_login(buyer.user)
        html = _page(client, order)
        assert "Any change needs the seller's written consent" in html  # the buyer is told
        assert 'data-testid="order-edit"' not in html
        client.force_login(electronics.seller_user)
        html = _page(client, order)
        assert 'data-testid="order-change"' in html and 'data-testid="order-modify"' not in html
        before = order.total_excl_vat
        data = {
            "sku": ["USB-C"],
            "quantity": ["80"],
            "add": "HDMI;5",
            "consent": "Accord écrit du 19/11 (courriel de l'acheteur).",
            "fee": "25,00",
            "fee_reason": "Re-preparation",
            "new_delivery_date": "2026-11-27",
        }
        said = _post(client, "order_change", order, {**data, "fee": "lots"})
        assert "amount in euros" in said[0] and "(O11)" in said[0]
        said = _post(client, "order_change", order, {**data, "new_delivery_date": "27/11"})
        assert "New delivery date" in said[0]
        said = _post(client, "order_change", order, data)
        assert "changed with your consent" in said[0], said
    order.refresh_from_db()
    assert {line.sku: line.quantity for line in order.lines.all()} == {"USB-C": 80, "HDMI": 5}
    assert StockLevel.objects.get(product__sku="USB-C").reserved == 80
    assert order.estimated_delivery_on == date(2026, 11, 27)
    goods = Decimal("80") * Decimal("4.20") + Decimal("35.00")
    assert order.total_excl_vat - goods >= Decimal("25.00")  # the fee, with the terms' own fees
    assert order.total_excl_vat != before
    assert "Accord écrit du 19/11" in _page(client, order)  # the consent in the timeline


def test_unchanged_lines_are_not_requoted_for_a_date_only_change(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        client.force_login(electronics.seller_user)
        said = _post(
            client,
            "order_change",
            order,
            {
                "sku": ["USB-C"],
                "quantity": ["100"],
                "consent": "Date agreed by phone.",
                "new_delivery_date": "2026-11-30",
            },
        )
    assert "changed" in said[0]
    order.refresh_from_db()
    assert order.estimated_delivery_on == date(2026, 11, 30)
    assert order.lines.get().quantity == 100


def test_force_majeure_suspends_and_resumes_and_the_buyer_sees_until_when(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        client.force_login(electronics.seller_user)
        html = _page(client, order)
        assert "for up to 2 months (N4)" in html
        said = _post(client, "order_suspend", order, {"reason": "Flood at the warehouse."})
        assert "suspended" in said[0]
        order.refresh_from_db()
        assert order.state == "suspended" and order.suspended_until == date(2027, 1, 19)
        client.force_login(buyer.user)
        html = _page(client, order)
        assert "Suspended for force majeure until 19/01/2027" in html
        assert 'data-testid="order-resume"' not in html
        said = _post(client, "order_resume", order, {})  # the buyer cannot resume
        assert order.__class__.objects.get(pk=order.pk).state == "suspended"
        client.force_login(electronics.seller_user)
        said = _post(client, "order_resume", order, {})
        assert "resumed" in said[0]
    order.refresh_from_db()
    assert order.state == "accepted"


def test_the_seller_cancels_with_a_reason(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        client.force_login(electronics.seller_user)
        assert 'data-testid="seller-cancel"' in _page(client, order)
        response = client.post(
            reverse("web:order_action", args=[order.number]),
            {"action": "cancel", "reason": "Product discontinued."},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "cancelled" and StockLevel.objects.get(product__sku="USB-C").reserved == 0


def test_sides_and_rights(client, electronics):
    """The buyer cannot modify, change or suspend; the seller cannot edit; an employee without
    place_orders sees no form and is refused (P4)."""
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        client.force_login(buyer.user)
        html = _page(client, order)
        for form in ("order-modify", "order-change", "order-suspend", "seller-cancel"):
            assert f'data-testid="{form}"' not in html
        for name, data in (
            ("order_modify", {"sku": ["USB-C"], "quantity": ["1"], "reason": "x"}),
            ("order_suspend", {"reason": "x"}),
        ):
            _post(client, name, order, data)
        client.force_login(electronics.seller_user)
        _post(client, "order_edit", order, {"sku": ["USB-C"], "quantity": ["1"]})
        clerk = make_user()
        membership_add(
            actor=buyer.user,
            organization=buyer.org,
            user=clerk,
            permissions=[Permission.VIEW_ORDERS],
        )
        client.force_login(clerk)
        assert 'data-testid="order-edit"' not in _page(client, order)
        response = client.post(
            reverse("web:order_edit", args=[order.number]),
            {"sku": ["USB-C"], "quantity": ["1"]},
        )
        assert response.status_code == 403
    order.refresh_from_db()
    assert order.state == "submitted" and order.lines.get().quantity == 100


def test_other_companies_get_404(client, electronics):
    buyer, stranger = make_buyer(), make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
    client.force_login(stranger.user)
    for name in ("order_edit", "order_modify", "order_change", "order_suspend", "order_resume"):
        response = client.post(reverse(f"web:{name}", args=[order.number]), {"reason": "x"})
        assert response.status_code == 404


def test_the_seller_lifts_a_review_hold(client, electronics):
    """O10: an order held for review (set here directly) is released to wait for an answer."""
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        Order.objects.filter(pk=order.pk).update(state="held")
        client.force_login(buyer.user)
        assert 'data-testid="order-release"' not in _page(client, order)
        client.force_login(electronics.seller_user)
        assert 'data-testid="order-release"' in _page(client, order)
        response = client.post(
            reverse("web:order_action", args=[order.number]), {"action": "release"}
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "submitted"
