"""GET /api/payouts: a marketplace seller's own payouts (PT14), filtered, paginated, with the
totals of the selection; view_invoices required (P4); errors in the project's shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.parties import services as parties
from comptoir.parties.models import Permission
from tests.parties.factories import make_user
from tests.web.test_api_fuzz import _keep_the_test_connection, _session
from tests.web.test_seller_payouts import Market, _owner, build_market

pytestmark = pytest.mark.django_db
URL = "/api/payouts"


@pytest.fixture
def market() -> Market:
    return build_market()


def _get(client, **params):
    return client.get(URL, params)


def test_the_seller_lists_its_payouts_with_totals(client, market) -> None:
    client.force_login(market.owner)
    response = _get(client)
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["items"]] == [
        market.pending.pk,
        market.exported.pk,
        market.paid.pk,
    ]
    assert (body["count"], body["offset"], body["limit"]) == (3, 0, 50)
    assert {k: Decimal(v) for k, v in body["totals"].items() if k != "count"} == {
        "gross": Decimal("4200.00"),
        "commission": Decimal("756.00"),
        "net": Decimal("3444.00"),
    }
    paid = body["items"][2]
    assert paid["status"] == "paid" and paid["paid_at"].startswith("2026-12-15T")
    assert paid["exported_at"] and Decimal(paid["net"]) == Decimal("984.00")
    assert paid["transfer_reference"] == market.paid.end_to_end_id
    assert paid["payment_reference"] == market.paid.payment.reference
    assert paid["commission_invoice"] == market.paid.commission_invoice.number
    assert paid["commission_invoice_issuer_id"] == market.paid.commission_invoice.issuer_id
    assert body["items"][0]["exported_at"] is None and body["items"][0]["status"] == "pending"
    assert market.other.end_to_end_id not in response.content.decode()


def test_filters_and_pagination(client, market) -> None:
    client.force_login(market.owner)
    body = _get(client, status="exported").json()
    assert [i["id"] for i in body["items"]] == [market.exported.pk]
    assert body["count"] == 1 and Decimal(body["totals"]["net"]) == Decimal("492.00")
    body = _get(client, **{"from": "2026-12-05", "to": "2026-12-10"}).json()
    assert [i["id"] for i in body["items"]] == [market.exported.pk]
    body = _get(client, offset=1, limit=1).json()
    assert [i["id"] for i in body["items"]] == [market.exported.pk]
    assert (body["count"], body["offset"], body["limit"]) == (3, 1, 1)
    assert Decimal(body["totals"]["net"]) == Decimal("3444.00")  # totals of the selection
    assert _get(client, **{"from": "0001-01-01", "to": "9999-12-31"}).json()["count"] == 3


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"status": "lost"}, "invalid_input", "status"),
        ({"from": "2026-13-01"}, "invalid_input", "from"),
        ({"limit": "0"}, "invalid_input", "limit"),
        ({"from": "2026-12-20", "to": "2026-12-01"}, "invalid_period", "to"),
    ],
)
def test_invalid_filters_answer_422_in_the_error_shape(client, market, params, code, field):
    client.force_login(market.owner)
    response = _get(client, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == code and body["field"] == field and body["message"]


def test_another_seller_and_a_buyer_never_see_these_payouts(client, market) -> None:
    client.force_login(_owner(market.other.seller))
    body = _get(client).json()
    assert [i["id"] for i in body["items"]] == [market.other.pk]
    client.force_login(_owner(market.pair.buyer))  # a buyer: nothing, as /receivables
    response = _get(client)
    assert response.status_code == 200
    assert response.json()["items"] == [] and response.json()["count"] == 0


def test_view_invoices_is_required(client, market) -> None:
    assert _get(client).status_code == 401
    clerk = make_user()
    parties.membership_add(
        actor=market.owner,
        organization=market.pair.seller,
        user=clerk,
        permissions=[Permission.VIEW_PRODUCTS],
    )
    client.force_login(clerk)
    response = _get(client)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied" and response.json()["rule"] == "P4"


def test_an_api_key_acts_for_its_seller(client, market) -> None:
    _, secret = parties.api_key_create(
        actor=market.owner,
        organization=market.pair.seller,
        name="ERP",
        scopes=[Permission.VIEW_INVOICES],
    )
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["count"] == 3
    _, narrow = parties.api_key_create(
        actor=market.owner,
        organization=market.pair.seller,
        name="Catalogue",
        scopes=[Permission.VIEW_PRODUCTS],
    )
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {narrow}").status_code == 403


def test_generated_queries_never_fail_on_the_server(market) -> None:
    """Schemathesis on GET /api/payouts as the seller's owner: no 500, responses match the
    schema (dates at the ends of the calendar included)."""
    with _keep_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    cookies = _session(market.owner)
    [operation] = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().label == "GET /api/payouts"
    ]
    seen: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case) -> None:
        case.cookies = {**(case.cookies or {}), **cookies}
        response = case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
        seen.add(response.status_code)

    with _keep_the_test_connection():
        check()
    assert 200 in seen
