"""Webhooks through the API and the owners' page, and the events of a real order's life
reaching the companies concerned only."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from comptoir.core import clock
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services as parties
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from comptoir.webhooks import services
from comptoir.webhooks.models import Delivery, Endpoint
from tests.parties.factories import make_operator_user, make_user
from tests.webhooks.receiver import receiver, verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_endpoints_through_the_api_with_a_key(client, shop):
    _, token = parties.api_key_create(
        actor=shop.owner, organization=shop.approved_buyer, name="Hooks", scopes=["manage_users"]
    )
    created = client.post(
        "/api/webhooks",
        {"url": "https://erp.example.com/hooks", "events": ["order.placed", "invoice.issued"]},
        content_type="application/json",
        headers=bearer(token),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == [
        "order.placed",
        "invoice.issued",
    ]
    listed = client.get("/api/webhooks", headers=bearer(token)).json()
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    deliveries = client.get(f"/api/webhooks/{body['id']}/deliveries", headers=bearer(token))
    assert deliveries.status_code == 200 and deliveries.json()["count"] == 0
    bad = client.post(
        "/api/webhooks",
        {"url": "http://erp.example.com/hooks", "events": ["order.placed"]},
        content_type="application/json",
        headers=bearer(token),
    )
    assert bad.status_code == 422 and (bad.json()["code"], bad.json()["field"]) == (
        "invalid_url",
        "url",
    )
    # another company's key sees none of it
    _, other = parties.api_key_create(
        actor=shop.other_owner, organization=shop.other_buyer, name="x", scopes=["manage_users"]
    )
    assert client.get("/api/webhooks", headers=bearer(other)).json() == []
    assert client.delete(f"/api/webhooks/{body['id']}", headers=bearer(other)).status_code == 404
    # a key without manage_users may not manage webhooks
    _, reader = parties.api_key_create(
        actor=shop.owner, organization=shop.approved_buyer, name="r", scopes=["view_orders"]
    )
    assert client.get("/api/webhooks", headers=bearer(reader)).status_code == 403
    deleted = client.delete(f"/api/webhooks/{body['id']}", headers=bearer(token))
    assert deleted.status_code == 204
    assert client.get("/api/webhooks", headers=bearer(token)).json() == []


def test_the_owner_page_adds_shows_the_secret_once_and_deletes(client, shop):
    client.force_login(shop.owner)
    assert client.get("/account/webhooks/").status_code == 200
    added = client.post(
        "/account/webhooks/add/",
        {"url": "https://erp.example.com/hooks", "events": ["order.shipped"]},
    )
    assert added.status_code == 200 and "no-store" in added["Cache-Control"]
    endpoint = Endpoint.objects.get()
    assert endpoint.secret in added.content.decode()
    page = client.get("/account/webhooks/").content.decode()
    assert endpoint.secret not in page and "https://erp.example.com/hooks" in page
    refused = client.post(
        "/account/webhooks/add/", {"url": "ftp://x", "events": ["order.shipped"]}, follow=True
    )
    assert "https://" in refused.content.decode() and Endpoint.objects.count() == 1
    assert client.post(f"/account/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert "https://erp.example.com/hooks" not in client.get("/account/webhooks/").content.decode()
    client.force_login(shop.other_owner)
    assert client.post(f"/account/webhooks/{endpoint.pk}/delete/").status_code == 404


def test_an_orders_life_reaches_its_buyer_and_seller_only(shop, django_capture_on_commit_callbacks):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    seller_user = make_user("sales@seller.test")
    parties.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    with receiver() as buyer_hook, receiver() as seller_hook, receiver() as other_hook:
        buyer_endpoint, buyer_secret = services.endpoint_create(
            actor=shop.owner, organization=shop.approved_buyer, url=buyer_hook.url,
            events=["order.placed", "order.accepted", "order.shipped", "invoice.issued"],
        )  # fmt: skip
        services.endpoint_create(
            actor=seller_user, organization=shop.seller, url=seller_hook.url,
            events=["order.placed", "order.shipped"],
        )  # fmt: skip
        services.endpoint_create(
            actor=shop.other_owner, organization=shop.other_buyer, url=other_hook.url,
            events=["order.placed", "order.accepted", "order.shipped", "invoice.issued"],
        )  # fmt: skip
        with clock.frozen(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)):
            with django_capture_on_commit_callbacks(execute=True):
                order = order_place(
                    actor=shop.owner,
                    submission=Submission(
                        buyer=shop.approved_buyer,
                        seller=shop.seller,
                        lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
                        accepted_terms_version=1,
                        idempotency_key="hooks",
                    ),
                )
            with django_capture_on_commit_callbacks(execute=True):
                shipment_create(
                    actor=seller_user,
                    order_id=order.pk,
                    lines={line.pk: line.quantity for line in order.lines.all()},
                    carrier="Colissimo",
                    parcels=["6A000000001FR"],
                )
    order.refresh_from_db()
    received = [r.headers["Comptoir-Event"] for r in buyer_hook.requests]
    # invoiced at shipment under these terms: the invoice is issued as the shipment is recorded
    assert received == ["order.placed", "order.accepted", "invoice.issued", "order.shipped"]
    assert [r.headers["Comptoir-Event"] for r in seller_hook.requests] == [
        "order.placed",
        "order.shipped",
    ]
    assert other_hook.requests == []
    for request in buyer_hook.requests:
        assert verify(buyer_secret, request.headers["Comptoir-Signature"], request.body)
    placed = json.loads(buyer_hook.requests[0].body)["data"]
    assert placed == {
        "order": order.number,
        "state": "submitted",  # the state at that step; order.accepted follows with its own
        "buyer_id": shop.approved_buyer.pk,
        "seller_id": shop.seller.pk,
        "total_incl_vat": str(order.total_incl_vat),
        "channel": "web",  # O14 (docs/api.md)
    }
    shipped = json.loads(buyer_hook.requests[3].body)
    assert shipped["data"]["order"] == order.number and shipped["data"]["carrier"] == "Colissimo"
    invoiced = json.loads(buyer_hook.requests[2].body)["data"]
    assert invoiced["number"] == order.invoice.number
    assert invoiced["recipient_id"] == shop.approved_buyer.pk
    assert Delivery.objects.filter(endpoint=buyer_endpoint, status="delivered").count() == 4
