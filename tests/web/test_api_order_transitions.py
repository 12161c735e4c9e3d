"""The order's other transitions through the API (O6–O11, O17, N4): the seller starts, modifies,
changes, suspends and resumes; the buyer edits, declines a modification, withdraws as a consumer.
The other side answers 403 with the rule, another company 404, bad input 422 with the field, a
state that forbids the act 422 with the rule."""

from __future__ import annotations

from datetime import datetime

import pytest

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.ordering.models import Order, OrderWithdrawal
from comptoir.ordering.services import order_accept, orders_apply_deadlines
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

JSON = "application/json"


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


@pytest.fixture
def electronics(db):
    """Seed 002: the seller answers each order (no acceptance by silence), force majeure (N4)."""
    return make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500), ("HDMI", "6.00", 1, 50)])


@pytest.fixture
def intranet(db):
    """Seed 001: monthly processing (second Tuesday), edits until then, consumers allowed."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def _post(client, user, path: str, body: dict | None = None):
    client.force_login(user)
    if body is None:  # no body at all, as `curl -X POST` sends
        return client.post(path, content_type=JSON)
    return client.post(path, body, content_type=JSON)


def _error(response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body["rule"]


def test_the_seller_modifies_and_the_buyer_declines(client, electronics):
    buyer, other = make_buyer(), make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        url = f"/api/orders/{order.number}"
        body = {"lines": [{"sku": "USB-C", "quantity": 60}], "reason": "Only 60 this week."}
        assert order.state == "submitted"
        assert _error(_post(client, buyer.user, f"{url}/modify", body)) == (
            403,
            "permission_denied",
            "O8",
        )
        assert _post(client, other.user, f"{url}/modify", body).status_code == 404
        bad = _post(client, electronics.seller_user, f"{url}/modify", {"lines": [], "reason": ""})
        assert bad.status_code == 422 and bad.json()["field"] in ("lines", "reason")
        unknown = _post(
            client,
            electronics.seller_user,
            f"{url}/modify",
            {"lines": [{"sku": "NOPE", "quantity": 1}], "reason": "x"},
        )
        assert unknown.status_code == 422 and unknown.json()["field"].startswith("lines")
        modified = _post(client, electronics.seller_user, f"{url}/modify", body)
        assert modified.status_code == 200, modified.content
        assert modified.json()["state"] == "modified"
        assert modified.json()["lines"][0]["quantity"] == 60
        assert modified.json()["reason"] == "Only 60 this week."
        assert StockLevel.objects.get(product__sku="USB-C").reserved == 60

        assert _error(_post(client, electronics.seller_user, f"{url}/decline-modification")) == (
            403,
            "permission_denied",
            "O8",
        )
        declined = _post(client, buyer.user, f"{url}/decline-modification", {"reason": "Trop peu."})
    assert declined.status_code == 200 and declined.json()["state"] == "cancelled"
    assert declined.json()["reason"] == "Trop peu."
    assert StockLevel.objects.get(product__sku="USB-C").reserved == 0
    again = _post(client, buyer.user, f"{url}/decline-modification")
    assert again.status_code == 422 and again.json()["rule"]  # a cancelled order stays so


def test_after_acceptance_the_seller_changes_starts_suspends_and_resumes(client, electronics):
    buyer = make_buyer()
    seller = electronics.seller_user
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        url = f"/api/orders/{order.number}"
        early = _post(client, seller, f"{url}/start")  # not accepted yet
        assert early.status_code == 422 and early.json()["rule"]
        order_accept(actor=seller, order_id=order.pk)

        edit = _post(
            client, buyer.user, f"{url}/edit", {"lines": [{"sku": "USB-C", "quantity": 80}]}
        )
        assert _error(edit) == (422, "seller_consent_required", "O11")
        assert _error(
            _post(client, buyer.user, f"{url}/change", {"consent": "Accord.", "lines": None})
        ) == (403, "permission_denied", "O11")
        no_consent = _post(client, seller, f"{url}/change", {"consent": ""})
        assert (no_consent.status_code, no_consent.json()["field"]) == (422, "consent")
        past = _post(
            client,
            seller,
            f"{url}/change",
            {"consent": "Accord écrit du 19/11.", "new_delivery_date": "2026-11-01"},
        )
        assert _error(past) == (422, "invalid_delivery_date", "O11")
        changed = _post(
            client,
            seller,
            f"{url}/change",
            {
                "consent": "Accord écrit du 19/11 (courriel).",
                "lines": [{"sku": "USB-C", "quantity": 80}, {"sku": "HDMI", "quantity": 2}],
            },
        )
        assert changed.status_code == 200, changed.content
        assert {(ln["sku"], ln["quantity"]) for ln in changed.json()["lines"]} == {
            ("USB-C", 80),
            ("HDMI", 2),
        }
        assert changed.json()["events"][-1]["action"] == "change"

        assert _error(_post(client, buyer.user, f"{url}/suspend", {"reason": "x"})) == (
            403,
            "permission_denied",
            "N4",
        )
        assert _post(client, seller, f"{url}/suspend", {}).json()["field"] == "reason"
        suspended = _post(client, seller, f"{url}/suspend", {"reason": "Inondation."})
        assert suspended.status_code == 200 and suspended.json()["state"] == "suspended"
        assert _error(_post(client, buyer.user, f"{url}/resume")) == (
            403,
            "permission_denied",
            "N4",
        )
        resumed = _post(client, seller, f"{url}/resume")
        assert resumed.status_code == 200 and resumed.json()["state"] == "accepted"

        assert _error(_post(client, buyer.user, f"{url}/start")) == (
            403,
            "permission_denied",
            "O7",
        )
        started = _post(client, seller, f"{url}/start")
        assert started.status_code == 200 and started.json()["state"] == "in_progress"
    assert Order.objects.get(pk=order.pk).state == "in_progress"


def test_the_buyer_edits_before_the_monthly_processing_only(client, intranet):
    buyer, other = make_buyer(), make_buyer()
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(intranet, buyer, [("MIEL-12", 24)])
    url = f"/api/orders/{order.number}/edit"
    body = {"lines": [{"sku": "MIEL-12", "quantity": 48}]}
    with clock.frozen(paris(2026, 11, 9, 17)):
        assert _post(client, other.user, url, body).status_code == 404
        assert _error(_post(client, intranet.seller_user, url, body)) == (
            403,
            "permission_denied",
            "O6",
        )
        bad = _post(client, buyer.user, url, {"lines": [{"sku": "MIEL-12", "quantity": 0}]})
        assert (bad.status_code, bad.json()["field"]) == (422, "lines[0].quantity")
        edited = _post(client, buyer.user, url, body)
    assert edited.status_code == 200, edited.content
    assert edited.json()["lines"][0]["quantity"] == 48
    assert edited.json()["events"][-1]["action"] == "edit"
    assert orders_apply_deadlines(until=paris(2026, 11, 10, 0, 5)) == 1  # processed
    with clock.frozen(paris(2026, 11, 11, 10)):
        late = _post(client, buyer.user, url, body)
    assert _error(late) == (422, "seller_consent_required", "O6")


def test_a_consumer_withdraws_and_nobody_else(client, intranet):
    person, company = make_buyer(person=True), make_buyer()
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(intranet, person, [("MIEL-12", 24)], as_consumer=True)
        business = place(intranet, company, [("MIEL-12", 12)])
        url = f"/api/orders/{order.number}/withdraw"
        assert _error(_post(client, intranet.seller_user, url)) == (
            403,
            "permission_denied",
            "O17",
        )
        assert _post(client, company.user, url).status_code == 404
        not_consumer = _post(client, company.user, f"/api/orders/{business.number}/withdraw")
        assert _error(not_consumer) == (422, "not_a_consumer_order", "O17")
        unknown = _post(client, person.user, url, {"lines": ["NOPE"]})
        assert (unknown.status_code, unknown.json()["field"], unknown.json()["rule"]) == (
            422,
            "lines[0]",
            "O17",
        )
        twice = _post(client, person.user, url, {"lines": ["MIEL-12", "MIEL-12"]})
        assert twice.json()["code"] == "duplicate_line"
        withdrawn = _post(
            client, person.user, url, {"lines": ["MIEL-12"], "note": "Changé d'avis."}
        )
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["state"] == "cancelled" and "O17" in withdrawn.json()["reason"]
    assert OrderWithdrawal.objects.filter(order=order).count() == 1


def test_release_is_the_sellers_and_only_for_a_held_order(client, electronics):
    buyer = make_buyer()
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        url = f"/api/orders/{order.number}/release"
        assert _error(_post(client, buyer.user, url)) == (403, "permission_denied", "O10")
        not_held = _post(client, electronics.seller_user, url)
    assert not_held.status_code == 422 and not_held.json()["rule"]
    assert Order.objects.get(pk=order.pk).state == "submitted"


def test_an_employee_without_place_orders_is_refused(client, electronics):
    from comptoir.parties import services
    from comptoir.parties.models import Permission
    from tests.parties.factories import make_user

    buyer = make_buyer()
    clerk = make_user("clerk@seller.test")
    services.membership_add(
        actor=electronics.seller_user,
        organization=electronics.seller,
        user=clerk,
        permissions=[Permission.VIEW_ORDERS],
    )
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        refused = _post(client, clerk, f"/api/orders/{order.number}/suspend", {"reason": "x"})
    assert _error(refused) == (403, "permission_denied", "P4")
