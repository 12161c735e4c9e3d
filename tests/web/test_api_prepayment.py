"""The API side of "immediate payment required" (O10, PT9, PT10): the amount still due on the
order, the seller recording what it received (idempotent, never more than due), and the seller
waiving it; the buyer may do neither."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.ordering.models import Order
from comptoir.payments.models import Payment
from tests.web.test_order_page_gaps import _order, _seller_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield
    clock.freeze(None)


@pytest.fixture
def flagged(shop, frozen):
    seller_user = _seller_user(shop)
    order = _order(shop)
    Order.objects.filter(pk=order.pk).update(prepayment_required=True, payment_method="transfer")
    return seller_user, order


def _post(client, url: str, body: dict, key: str = "k1"):
    return client.post(url, body, content_type="application/json", headers={"Idempotency-Key": key})


def test_the_seller_records_a_prepayment_and_the_order_shows_what_is_due(client, shop, flagged):
    seller_user, order = flagged
    url = f"/api/orders/{order.number}/prepayment"
    body = {"amount": "40.00", "method": "cheque", "value_date": "2026-11-24"}
    client.force_login(shop.owner)  # the buyer: not its to record
    assert client.get(f"/api/orders/{order.number}").json()["prepayment_due"] == "90.00"
    refused = _post(client, url, body)
    assert refused.status_code == 403 and refused.json()["rule"] == "O10"

    client.force_login(seller_user)
    first = _post(client, url, body)
    assert first.status_code == 201, first.content
    assert first.json()["still_due"] == "50.00" and first.json()["method"] == "cheque"
    again = _post(client, url, body)  # the same key: the same payment, nothing more
    assert again.json()["payment_id"] == first.json()["payment_id"]
    assert Payment.objects.count() == 1
    too_much = _post(client, url, {**body, "amount": "60.00"}, key="k2")
    assert too_much.status_code == 422
    assert (too_much.json()["code"], too_much.json()["rule"]) == ("amount_exceeds_due", "O10")
    assert client.get(f"/api/orders/{order.number}").json()["prepayment_due"] == "50.00"


def test_the_seller_waives_it_and_the_buyer_cannot(client, shop, flagged):
    seller_user, order = flagged
    url = f"/api/orders/{order.number}/waive-prepayment"
    client.force_login(shop.owner)
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 403
    client.force_login(seller_user)
    answer = client.post(url, {"reason": "Client fidèle."}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["prepayment_required"] is False
    assert answer.json()["prepayment_due"] is None
    assert answer.json()["events"][-1]["action"] == "waive_prepayment"
    again = client.post(url, {"reason": "x"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["code"] == "prepayment_not_required"


def test_other_companies_see_no_such_order(client, shop, flagged):
    _seller_user_, order = flagged
    client.force_login(shop.other_owner)
    body = {"amount": "1.00", "method": "cheque", "value_date": "2026-11-24"}
    assert _post(client, f"/api/orders/{order.number}/prepayment", body).status_code == 404
    assert Decimal(0) == sum(p.amount for p in Payment.objects.all())
