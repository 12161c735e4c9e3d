"""Manual handling (O11) and packaging deposits (F10) through the API: the seller marks an order
with its handling fee and charges deposits once per `Idempotency-Key`; the order's buyer and
seller read its packaging. The other side answers 403 with the rule, another company 404, bad
input 422 with the field; amounts are strings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.api.models import IdempotencyKey
from comptoir.core import clock
from comptoir.fulfilment.models import PackagingDeposit
from comptoir.fulfilment.services import packaging_return_record
from tests.fulfilment.conftest import accepted_order, at, ship_all
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

JSON = "application/json"
PALLET = "Palette consignée"
PLACED = at(2026, 4, 27, 10)  # Monday
SHIPPED = at(2026, 5, 5, 9)  # Tuesday


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-1", "8.00", 1, 500)])


def _post(client, user, path: str, body: dict | None = None, key: str | None = None):
    client.force_login(user)
    headers = {"Idempotency-Key": key} if key else {}
    if body is None:
        return client.post(path, content_type=JSON, headers=headers)
    return client.post(path, body, content_type=JSON, headers=headers)


def _error(response) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body["rule"]


def test_the_seller_marks_manual_handling(client, electronics):
    buyer, other = make_buyer(), make_buyer()
    with clock.frozen(PLACED):
        order = place(electronics, buyer, [("USB-1", 10)])
        url = f"/api/orders/{order.number}/manual-handling"
        body = {"fee": "15.00", "note": "Commande reçue par télécopie."}
        assert _error(_post(client, buyer.user, url, body)) == (403, "permission_denied", "O11")
        assert _post(client, other.user, url, body).status_code == 404
        negative = _post(client, electronics.seller_user, url, {"fee": "-1"})
        assert (negative.status_code, negative.json()["field"]) == (422, "fee")
        text = _post(client, electronics.seller_user, url, {"fee": "abc"})
        assert (text.status_code, text.json()["field"]) == (422, "fee")
        marked = _post(client, electronics.seller_user, url, body)
        assert marked.status_code == 200, marked.content
        data = marked.json()
        assert (data["state"], data["total_excl_vat"]) == ("submitted", "95.00")
        assert (data["manual_handling"], data["handling_fee"]) == (True, "15.00")
        event = next(e for e in data["events"] if e["action"] == "mark_manual_handling")
        assert event["rule"] == "O11" and "15,00" in event["note"]
        twice = _post(client, electronics.seller_user, url, body)
        assert _error(twice) == (422, "already_marked", "O11")
        late = place(electronics, buyer, [("USB-1", 5)])
        client.force_login(electronics.seller_user)
        assert client.post(f"/api/orders/{late.number}/accept").status_code == 200
        refused = _post(
            client, electronics.seller_user, f"/api/orders/{late.number}/manual-handling"
        )
    assert _error(refused) == (422, "invalid_transition", "O11")


def test_terms_without_a_handling_fee_refuse_the_mark(client):
    shop = make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")
    buyer = make_buyer()
    with clock.frozen(PLACED):
        order = place(shop, buyer, [("LIC-PRO", 1)])
        refused = _post(
            client, shop.seller_user, f"/api/orders/{order.number}/manual-handling", {"fee": "10"}
        )
    assert _error(refused) == (422, "no_handling_fee_clause", "O11")
    assert refused.json()["field"] == "manual_handling"


def test_packaging_deposits_are_recorded_once_and_read_by_both_sides(client, electronics):
    buyer, other = make_buyer(), make_buyer()
    order = accepted_order(electronics, buyer, [("USB-1", 200)], when=PLACED)
    url = f"/api/orders/{order.number}/packaging-deposits"
    body = {"item": PALLET, "quantity": 3, "unit_deposit": "15.00"}
    seller = electronics.seller_user
    with clock.frozen(PLACED):
        assert _post(client, seller, url, body).status_code == 422  # no key
        assert _post(client, other.user, url, body, key="d1").status_code == 404
        assert _error(_post(client, buyer.user, url, body, key="d1")) == (
            403,
            "permission_denied",
            "F10",
        )
        zero = _post(client, seller, url, {**body, "quantity": 0}, key="d0")
        assert (zero.status_code, zero.json()["field"]) == (422, "quantity")
        unknown = _post(client, seller, url, {**body, "item": "Bocal"}, key="d0")
        assert _error(unknown) == (422, "unknown_item", "F10")
        no_unit = _post(client, seller, url, {"item": PALLET, "quantity": 3}, key="d0")
        assert _error(no_unit) == (422, "deposit_required", "F10")
        assert no_unit.json()["field"] == "unit_deposit"
        first = _post(client, seller, url, body, key="d1")
        assert first.status_code == 201, first.content
        created = first.json()
        assert (created["item"], created["unit"], created["quantity"]) == (PALLET, "palette", 3)
        assert (created["unit_deposit"], created["amount"]) == ("15.00", "45.00")
        assert (created["vat_rate"], created["invoice"], created["order"]) == (
            "0.00",
            None,
            order.number,
        )
        replay = _post(client, seller, url, body, key="d1")
        assert replay.status_code == 201 and replay.json()["id"] == created["id"]
        reused = _post(client, seller, url, {**body, "quantity": 4}, key="d1")
        assert _error(reused)[:2] == (422, "idempotency_key_reused")
    assert PackagingDeposit.objects.filter(order=order).count() == 1
    assert IdempotencyKey.objects.filter(key="d1").count() == 1
    ship_all(electronics, order, when=SHIPPED)  # invoiced at shipment, with the deposit (F10)
    order.refresh_from_db()
    with clock.frozen(at(2026, 5, 20, 10)):
        packaging_return_record(
            actor=seller,
            buyer_id=buyer.org.pk,
            seller_id=electronics.seller.pk,
            item=PALLET,
            quantity=2,
            returned_on=date(2026, 5, 20),
            clean=True,
        )
    read = f"/api/orders/{order.number}/packaging"
    for user in (buyer.user, seller):
        client.force_login(user)
        answer = client.get(read)
        assert answer.status_code == 200, answer.content
        data = answer.json()
        assert data["items"] == [{"name": PALLET, "unit": "palette", "deposit": None}]
        assert "Art. 6.4" in data["clause"]
        [deposit] = data["deposits"]
        assert (deposit["invoice"], deposit["invoiced"]) == (order.invoice.number, True)
        [returned] = data["returns"]
        assert (returned["quantity"], returned["refund_due"]) == (2, "30.00")
        assert (data["deposited"], data["refund_due"]) == ("45.00", "30.00")
    client.force_login(other.user)
    assert client.get(read).status_code == 404
    assert Decimal(order.invoice.total_excl_vat) == order.total_excl_vat + Decimal("45.00")
