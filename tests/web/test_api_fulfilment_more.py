"""The fulfilment acts the order page offers, through the API: refused deliveries and formal
notices to collect (F7), contests settled (F5), address changes (F6), reception deadlines and
wrong goods (F4), returnable packaging (F10). The other side answers 403 with the rule, another
company 404, bad input 422 with the field; creations replayed with their `Idempotency-Key`
create once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.api.models import IdempotencyKey
from comptoir.core import clock
from comptoir.fulfilment.models import (
    AddressChangeRequest,
    Charge,
    PackagingReturn,
    ReserveFollowUp,
    WrongGoods,
)
from comptoir.fulfilment.services import packaging_deposit_record
from comptoir.ordering.models import Order
from tests.fulfilment.conftest import accepted_order, at, deliver, deposited_buyer, ship_all
from tests.ordering.conftest import make_buyer, make_shop

pytestmark = pytest.mark.django_db

JSON = "application/json"
PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday
RECEIVED = date(2026, 5, 6)  # Wednesday


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 400)])


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


@pytest.fixture
def intranet(db):
    return make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])


@pytest.fixture
def marketplace(db):
    return make_shop("marketplace", [("VASE-1", "40.00", 1, 20), ("BOL-2", "12.50", 1, 50)])


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def delivered(marketplace, buyer) -> Order:
    """A marketplace order delivered on Thursday 24 December 2026 (contest until the 30th)."""
    order = accepted_order(marketplace, buyer, [("VASE-1", 3), ("BOL-2", 4)])
    deliver(marketplace, ship_all(marketplace, order))
    order.refresh_from_db()
    return order


def _post(client, user, path: str, body: dict | None = None, key: str | None = None):
    client.force_login(user)
    headers = {"Idempotency-Key": key} if key else {}
    if body is None:
        return client.post(path, content_type=JSON, headers=headers)
    return client.post(path, body, content_type=JSON, headers=headers)


def _error(response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body["rule"]


def test_the_seller_reports_a_refused_delivery(client, beauty):
    buyer, other = make_buyer(), make_buyer()
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=PLACED)
    shipment = ship_all(beauty, order, when=SHIPPED)
    url = f"/api/shipments/{shipment.pk}/refusal"
    body = {"reason": "Refus du client", "valid_reason": False, "transport_cost": "18.00"}
    with clock.frozen(at(2026, 5, 6, 10)):
        assert _error(_post(client, buyer.user, url, body)) == (403, "permission_denied", "F7")
        assert _post(client, other.user, url, body).status_code == 404
        assert (
            _post(client, beauty.seller_user, "/api/shipments/999999/refusal", body).json()["code"]
            == "not_found"
        )
        bad = _post(client, beauty.seller_user, url, {**body, "transport_cost": "-1"})
        assert (bad.status_code, bad.json()["field"]) == (422, "transport_cost")
        empty = _post(client, beauty.seller_user, url, {"reason": ""})
        assert (empty.status_code, empty.json()["field"]) == (422, "reason")
        refused = _post(client, beauty.seller_user, url, body)
        assert refused.status_code == 200, refused.content
        assert refused.json()["state"] == "refused"
        assert refused.json()["refusal"] == {"reason": "Refus du client", "valid_reason": False}
        again = _post(client, beauty.seller_user, url, body)
    assert _error(again) == (422, "not_in_transit", "F7")
    assert Charge.objects.filter(order=order, rule="F7").exists()


def test_a_contest_is_settled_by_the_seller(client, marketplace, buyer, delivered):
    other = make_buyer()
    url = f"/api/orders/{delivered.number}/contestation/resolve"
    with clock.frozen(at(2026, 12, 28, 10)):
        not_contested = _post(client, marketplace.seller_user, url, {"note": "x"})
        assert _error(not_contested) == (422, "not_contested", "F4")
        contested = _post(
            client, buyer.user, f"/api/orders/{delivered.number}/contest", {"reason": "Cassé."}
        )
        assert contested.status_code == 200
        assert _error(_post(client, buyer.user, url)) == (403, "permission_denied", "F5")
        assert _post(client, other.user, url).status_code == 404
        too_long = _post(client, marketplace.seller_user, url, {"note": "x" * 2001})
        assert (too_long.status_code, too_long.json()["field"]) == (422, "note")
        resolved = _post(client, marketplace.seller_user, url, {"note": "Avoir accordé."})
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["status"], resolved.json()["order_state"]) == ("resolved", "frozen")


NEW_ADDRESS = {"name": "Boutique Rive Gauche", "line1": "3 quai Voltaire", "postcode": "75007",
               "city": "Paris"}  # fmt: skip


def test_an_address_change_requested_once_then_decided(client, marketplace, buyer):
    other = make_buyer()
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    url = f"/api/orders/{order.number}/address-change"
    body = {"address": NEW_ADDRESS}
    with clock.frozen(at(2026, 12, 15)):
        missing_key = _post(client, buyer.user, url, body)
        assert (missing_key.status_code, missing_key.json()["field"]) == (422, "Idempotency-Key")
        assert _error(_post(client, marketplace.seller_user, url, body, key="a1")) == (
            403,
            "permission_denied",
            "F6",
        )
        assert _post(client, other.user, url, body, key="a1").status_code == 404
        bad = _post(client, buyer.user, url, {"address": {**NEW_ADDRESS, "city": ""}}, key="a0")
        assert (bad.status_code, bad.json()["field"]) == (422, "address.city")
        first = _post(client, buyer.user, url, body, key="a1")
        assert first.status_code == 201, first.content
        replay = _post(client, buyer.user, url, body, key="a1")
        assert replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
        reused = _post(
            client, buyer.user, url, {"address": {**NEW_ADDRESS, "postcode": "75006"}}, key="a1"
        )
        assert reused.json()["code"] == "idempotency_key_reused"
        pending = _post(client, buyer.user, url, body, key="a2")
        assert _error(pending) == (422, "request_pending", "F6")
        assert AddressChangeRequest.objects.filter(order=order).count() == 1

        decide = f"{url}/decide"
        assert _error(_post(client, buyer.user, decide, {"approve": True})) == (
            403,
            "permission_denied",
            "F6",
        )
        assert _post(client, marketplace.seller_user, decide, {}).json()["field"] == "approve"
        approved = _post(client, marketplace.seller_user, decide, {"approve": True, "note": "OK"})
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "approved"
        none_left = _post(client, marketplace.seller_user, decide, {"approve": False})
    assert _error(none_left) == (422, "no_pending_request", "F6")
    order.refresh_from_db()
    assert order.delivery_address == {**NEW_ADDRESS, "country": "FR"}


def test_reserves_follow_ups_are_listed_and_recorded_by_the_buyer(client, beauty):
    buyer = make_buyer()
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=PLACED)
    deliver(
        beauty,
        ship_all(beauty, order, when=SHIPPED),
        on=RECEIVED,
        reserves=[{"kind": "wrong_product", "text": "X"}],
    )
    row = ReserveFollowUp.objects.get(order=order)
    client.force_login(beauty.seller_user)
    listed = client.get(f"/api/orders/{order.number}/reception").json()
    assert [f["id"] for f in listed["follow_ups"]] == [row.pk]
    assert listed["follow_ups"][0]["kind"] == "confirm_reserves"
    url = f"/api/orders/{order.number}/follow-ups/{row.pk}/done"
    with clock.frozen(at(2026, 5, 12, 10)):
        assert _error(_post(client, beauty.seller_user, url, {})) == (
            403,
            "permission_denied",
            "F4",
        )
        unknown = _post(
            client, buyer.user, f"/api/orders/{order.number}/follow-ups/999999/done", {}
        )
        assert unknown.status_code == 404
        future = _post(client, buyer.user, url, {"done_on": "2026-05-13"})
        assert future.status_code == 422 and future.json()["rule"] == "F4"
        done = _post(client, buyer.user, url, {"done_on": "2026-05-12", "reference": "RAR 1"})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["reference"]) == ("done", "RAR 1")


def test_wrong_goods_reported_once_and_returned_by_the_buyer(client, electronics):
    buyer, other = make_buyer(), make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 10)], when=PLACED)
    deliver(electronics, ship_all(electronics, order, when=SHIPPED), on=RECEIVED)
    url = f"/api/orders/{order.number}/wrong-goods"
    body = {"kind": "excess", "description": "2 clés en trop", "quantity": 2, "sku": "USB-1"}
    with clock.frozen(at(2026, 5, 7, 10)):
        assert _post(client, other.user, url, body, key="w1").status_code == 404
        bad = _post(client, buyer.user, url, {**body, "kind": "lost"}, key="w0")
        assert (bad.status_code, bad.json()["field"]) == (422, "kind")
        first = _post(client, buyer.user, url, body, key="w1")
        assert first.status_code == 201, first.content
        assert first.json()["unit_price"] == "8.0000" and first.json()["status"] == "open"
        replay = _post(client, buyer.user, url, body, key="w1")
        assert replay.json()["id"] == first.json()["id"]
        by_seller = _post(
            client,
            electronics.seller_user,
            url,
            {"kind": "wrong", "description": "Câble HDMI", "quantity": 1, "unit_price": "12.50"},
            key="w1",  # keys are per organization: the seller's own first use
        )
        assert by_seller.status_code == 201
    assert WrongGoods.objects.filter(order=order).count() == 2
    back = f"{url}/{first.json()['id']}/return"
    with clock.frozen(at(2026, 5, 12, 10)):
        assert _error(_post(client, electronics.seller_user, back, {})) == (
            403,
            "permission_denied",
            "F4",
        )
        returned = _post(client, buyer.user, back, {"returned_on": "2026-05-11", "reference": "R1"})
        assert returned.status_code == 200, returned.content
        assert returned.json()["status"] == "returned"
        again = _post(client, buyer.user, back, {})
    assert _error(again) == (422, "already_closed", "F4")


def test_a_formal_notice_to_collect_then_the_resolution(client, intranet):
    buyer = deposited_buyer(intranet)
    order = accepted_order(intranet, buyer, [("MIEL-1", 4)], when=PLACED)
    shipment = ship_all(intranet, order, when=SHIPPED)
    notice_url = f"/api/shipments/{shipment.pk}/collection-notice"
    resolve_url = f"/api/shipments/{shipment.pk}/resolve-uncollected"
    with clock.frozen(at(2026, 5, 7, 10)):
        assert _error(_post(client, buyer.user, notice_url, {})) == (
            403,
            "permission_denied",
            "F7",
        )
        early = _post(client, intranet.seller_user, resolve_url)
        assert _error(early) == (422, "no_formal_notice", "F7")
        sent = _post(client, intranet.seller_user, notice_url, {"reference": "1A 234"})
        assert sent.status_code == 201, sent.content
        assert sent.json()["letter_reference"] == "1A 234" and sent.json()["status"] == "sent"
        assert "quarante-huit heures" in sent.json()["letter"]
        twice = _post(client, intranet.seller_user, notice_url, {})
        assert _error(twice) == (422, "notice_already_sent", "F7")
    with clock.frozen(at(2026, 5, 9, 9, 59)):
        running = _post(client, intranet.seller_user, resolve_url, {"return_cost": "14.90"})
        assert _error(running) == (422, "notice_running", "F7")
    client.force_login(buyer.user)
    assert client.get(f"/api/orders/{order.number}/reception").json()["collection_notices"]
    with clock.frozen(at(2026, 5, 11, 9)):
        assert _post(client, buyer.user, resolve_url, {}).status_code == 403
        resolved = _post(client, intranet.seller_user, resolve_url, {"return_cost": "14.90"})
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "cancelled"
    assert Order.objects.get(pk=order.pk).state == "cancelled"


def test_packaging_returns_are_recorded_once_by_the_seller(client, electronics):
    buyer, other = make_buyer(), make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=PLACED)
    with clock.frozen(PLACED):
        packaging_deposit_record(
            actor=electronics.seller_user,
            order_id=order.pk,
            item="Palette consignée",
            quantity=3,
            unit_deposit=Decimal("15"),
        )
    url = "/api/packaging-returns"
    body = {
        "buyer_id": buyer.org.pk,
        "item": "Palette consignée",
        "quantity": 2,
        "returned_on": "2026-05-20",
        "clean": True,
    }
    with clock.frozen(at(2026, 5, 20, 10)):
        assert _post(client, electronics.seller_user, url, body).status_code == 422  # no key
        stranger = _post(
            client, electronics.seller_user, url, {**body, "buyer_id": other.org.pk}, key="p1"
        )
        assert (stranger.status_code, stranger.json()["field"]) == (404, "buyer_id")
        as_buyer = _post(client, buyer.user, url, body, key="p1")  # a buyer sold it nothing
        assert as_buyer.status_code == 404
        unknown = _post(client, electronics.seller_user, url, {**body, "item": "Bocal"}, key="p0")
        assert _error(unknown) == (422, "nothing_deposited", "F10")
        zero = _post(client, electronics.seller_user, url, {**body, "quantity": 0}, key="p0")
        assert (zero.status_code, zero.json()["field"]) == (422, "quantity")
        first = _post(client, electronics.seller_user, url, body, key="p1")
        assert first.status_code == 201, first.content
        assert first.json()["refund_due"] == "30.00" and first.json()["item"] == "Palette consignée"
        replay = _post(client, electronics.seller_user, url, body, key="p1")
    assert replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
    assert PackagingReturn.objects.filter(buyer=buyer.org).count() == 1
    assert IdempotencyKey.objects.filter(key="p1").count() == 1


def test_a_concurrent_call_with_the_same_key_creates_once(buyer, monkeypatch):
    """The other call committed the key after this one looked it up: this call's creation is
    rolled back and the other's answer replayed; under another request, it is refused."""
    from comptoir.api import idempotency
    from comptoir.core.errors import DomainError

    org = buyer.org
    print_ = idempotency.fingerprint("op", {"a": 1})
    IdempotencyKey.objects.create(  # what the concurrent call committed
        organization=org, key="k", operation="op", fingerprint=print_, object_id=7,
        created_at=clock.now(),
    )  # fmt: skip
    real, calls = idempotency._found, []

    def found_late(o, k):  # the first lookup runs before the other call committed
        calls.append(k)
        return None if len(calls) == 1 else real(o, k)

    monkeypatch.setattr(idempotency, "_found", found_late)

    def create() -> int:
        created.append(IdempotencyKey.objects.count())  # this call's own work, rolled back
        return 99

    created: list[int] = []

    assert (
        idempotency.once(organization=org, key="k", operation="op", inputs={"a": 1}, create=create)
        == 7
    )
    assert IdempotencyKey.objects.get(organization=org, key="k").object_id == 7
    assert created == [1] and len(calls) == 2  # created, then refused by the key: replayed
    calls.clear()
    with pytest.raises(DomainError) as reused:
        idempotency.once(organization=org, key="k", operation="op", inputs={"a": 2}, create=create)
    assert reused.value.code == "idempotency_key_reused"
    with pytest.raises(DomainError) as missing:
        idempotency.once(organization=org, key="  ", operation="op", inputs={"a": 1}, create=create)
    assert missing.value.code == "invalid_idempotency_key"
