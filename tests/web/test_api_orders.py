"""Orders through the API: idempotent placing, reading with the timeline, the seller's answer."""

from __future__ import annotations

from datetime import datetime

import pytest

from comptoir.core import clock
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="electronics-wholesale")
        terms_version_publish(version=draft)
    seller_user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=seller_user, is_owner=True
    )
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield seller_user
    clock.freeze(None)


BODY = {"lines": [{"sku": "HD-001", "quantity": 6}], "accepted_terms_version": 1}


def _place(client, shop, body=BODY, key="order-1"):
    return client.post(
        f"/api/sellers/{shop.seller.pk}/orders",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_placing_twice_with_one_key_gives_one_order(client, shop, ready):
    client.force_login(shop.owner)
    first, second = _place(client, shop), _place(client, shop)
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert first.json()["state"] == "submitted" and first.json()["events"][0]["action"] == "place"
    other = _place(client, shop, {**BODY, "lines": [{"sku": "HD-001", "quantity": 8}]})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    listed = client.get("/api/orders").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == first.json()["number"]
    placed, item = first.json(), listed["items"][0]
    assert item == {key: placed[key] for key in item}  # instants in UTC, both read and placed
    assert placed["placed_at"] == "2026-11-24T09:00:00Z"  # 10:00 in Paris


def test_missing_key_and_bad_lines_name_the_field(client, shop, ready):
    client.force_login(shop.owner)
    no_key = client.post(
        f"/api/sellers/{shop.seller.pk}/orders", BODY, content_type="application/json"
    )
    assert no_key.status_code == 422
    bad = _place(client, shop, {**BODY, "lines": [{"sku": "NOPE", "quantity": 1}]}, key="k2")
    assert bad.status_code == 422
    assert (bad.json()["code"], bad.json()["field"], bad.json()["rule"]) == (
        "unknown_sku",
        "lines[0].sku",
        "C1",
    )


def test_the_seller_accepts_and_the_other_buyer_sees_nothing(client, shop, ready):
    client.force_login(shop.owner)
    number = _place(client, shop).json()["number"]
    client.force_login(shop.other_owner)
    assert client.get(f"/api/orders/{number}").status_code == 404
    client.force_login(ready)
    accepted = client.post(f"/api/orders/{number}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = client.post(f"/api/orders/{number}/accept")
    assert again.status_code == 422 and again.json()["code"] == "invalid_transition"


def test_the_payment_option_is_chosen_among_the_quote_s(client, shop, ready):
    """PT2, PT3: `payment_option` is the key of a quote option; one not offered answers 422."""
    client.force_login(shop.owner)
    refused = _place(client, shop, {**BODY, "payment_option": "transfer:+45"}, key="k-opt-1")
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"], refused.json()["rule"]) == (
        "payment_option_not_offered",
        "payment_option",
        "PT2",
    )
    placed = _place(client, shop, {**BODY, "payment_option": "transfer"}, key="k-opt-2")
    assert placed.status_code == 201
    assert placed.json()["payment_method"] == "transfer"
    assert placed.json()["payment_option"] == "transfer"


def test_a_text_the_database_refuses_is_a_422_and_changes_nothing(client, shop, ready):
    """PostgreSQL stores no NUL character in a text: the answer is the API's error shape, never
    a 500, and the refusal is not half-recorded. SQLite stores it, so the act goes through."""
    from django.db import connection

    client.force_login(shop.owner)
    number = _place(client, shop).json()["number"]
    client.force_login(ready)
    answer = client.post(
        f"/api/orders/{number}/refuse", {"reason": "Rupture\x00"}, content_type="application/json"
    )
    state = client.get(f"/api/orders/{number}").json()["state"]
    if connection.vendor == "postgresql":
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_value"
        assert state == "submitted"
    else:
        assert answer.status_code == 200 and state == "refused"
