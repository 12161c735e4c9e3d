"""The payments API: statements, standing, receivables, payments recorded by the seller."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.core import clock
from comptoir.parties.models import Membership
from comptoir.payments.services import collection_run
from tests.parties.factories import make_org, make_user
from tests.payments.conftest import at, issue, make_pair

pytestmark = pytest.mark.django_db


def _owner(org):
    return Membership.objects.get(organization=org, is_owner=True).user


@pytest.fixture
def late():
    pair = make_pair("monthly-intranet")
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    collection_run(on=date(2026, 3, 20))
    return pair


def test_statement_standing_and_receivables(client, late) -> None:
    client.force_login(_owner(late.buyer))
    with clock.frozen(at(date(2026, 3, 20))):
        statement = client.get(f"/api/statements/{late.seller.pk}").json()
        standing = client.get(f"/api/sellers/{late.seller.pk}/standing").json()
    assert D(statement["balance"]) == D("1240.00")
    assert any("D441-5" in line["explanation"] for line in statement["lines"])
    assert standing["suspended"] is True and D(standing["overdue"]) == D(
        "1200.00"
    )  # 40 € due today
    client.force_login(_owner(late.seller))
    with clock.frozen(at(date(2026, 3, 20))):
        page = client.get("/api/receivables").json()
    assert page["count"] == 1 and D(page["items"][0]["balance"]) == D("1240.00")


def test_seller_records_a_payment_once_per_key(client, late) -> None:
    client.force_login(_owner(late.seller))
    body = {
        "buyer_id": late.buyer.pk,
        "amount": "1240.00",
        "method": "transfer",
        "value_date": "2026-03-20",
    }
    with clock.frozen(at(date(2026, 3, 20))):
        first = client.post(
            "/api/payments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="p1"
        )
        again = client.post(
            "/api/payments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="p1"
        )
        future = client.post(
            "/api/payments",
            body | {"value_date": "2026-04-01"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="p2",
        )
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert future.status_code == 422 and future.json()["field"] == "value_date"


def test_other_companies_and_employees_see_nothing(client, late) -> None:
    stranger = make_org(buyer=True, owner=make_user())
    client.force_login(_owner(stranger))
    assert client.get(f"/api/statements/{late.seller.pk}").status_code == 404
    assert client.get(f"/api/sellers/{late.seller.pk}/standing").status_code == 404
    assert client.get("/api/receivables").json()["count"] == 0
    employee = make_user()
    Membership.objects.create(
        user=employee, organization=late.buyer, user_code="EMP-API-1", permissions=["view_orders"]
    )
    client.force_login(employee)
    assert client.get(f"/api/statements/{late.seller.pk}").status_code == 403
    client.force_login(_owner(late.buyer))
    body = {
        "buyer_id": late.seller.pk,
        "amount": "1.00",
        "method": "transfer",
        "value_date": "2026-03-20",
    }
    response = client.post(
        "/api/payments", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert response.status_code == 404  # a buyer does not record payments to itself
