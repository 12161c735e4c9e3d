"""C6 through the API: the seller proposes a replacement, buyer and seller list the proposals,
the buyer answers. P4 rights and API key scopes (prices only with view_prices), other
companies 404, the wrong side 403, refusals in the API's one error shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from comptoir.core import clock
from comptoir.ordering.models import Order, SubstitutionProposal
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_cancel, order_place
from comptoir.parties import services
from comptoir.parties.models import Permission
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user
from tests.web.test_api_fuzz import _fuzz, _keep_the_test_connection, _session

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def seller_user(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="electronics-wholesale")
        terms_version_publish(version=draft)
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    clock.freeze(datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS))
    yield user
    clock.freeze(None)


@pytest.fixture
def order(shop, seller_user) -> Order:
    return order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
            accepted_terms_version=1,
            idempotency_key="c6-api",
        ),
    )


def _propose(client, order, **body):
    payload = {"line_sku": "HD-001", "sku": "HD-003", "quantity": 6, **body}
    return client.post(f"/api/orders/{order.number}/substitutions", payload, content_type=JSON)


def _answer(client, proposal_id: int, accept: bool = True, **headers):
    return client.post(
        f"/api/substitutions/{proposal_id}/answer",
        {"accept": accept},
        content_type=JSON,
        **headers,
    )


def test_propose_list_and_accept(client, shop, seller_user, order):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the status label in English
    client.force_login(seller_user)
    created = _propose(client, order, note="Rupture fabricant.")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["original_sku"], body["sku"], body["quantity"]) == ("HD-001", "HD-003", 6)
    assert body["status"] == "pending" and body["status_label"] == "Waiting for the buyer"
    assert Decimal(body["unit_price"]) == Decimal("12.50")
    assert float(body["net_amount"]) == 75.0 and body["order"] == order.number
    assert body["note"] == "Rupture fabricant." and body["answered_at"] is None
    assert [p["id"] for p in client.get(f"/api/orders/{order.number}/substitutions").json()] == [
        body["id"]
    ]
    client.force_login(shop.owner)
    listed = client.get(f"/api/orders/{order.number}/substitutions")
    assert listed.status_code == 200 and listed.json()[0]["title"] == "Crème hydratante 003"
    answered = _answer(client, body["id"])
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "accepted" and answered.json()["order_state"] == "submitted"
    assert sorted(order.lines.values_list("sku", flat=True)) == ["HD-002", "HD-003"]
    again = _answer(client, body["id"])
    assert again.status_code == 422
    assert again.json() == {
        "code": "already_answered",
        "message": "This proposal was already accepted.",
        "field": "proposal_id",
        "rule": "C6",
    }


def test_declining_the_last_line_reports_the_cancelled_order(client, shop, seller_user):
    single = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6),),
            accepted_terms_version=1,
            idempotency_key="c6-single",
        ),
    )
    client.force_login(seller_user)
    proposal_id = _propose(client, single, product_id=shop.open_product.pk + 3).json()["id"]
    client.force_login(shop.owner)
    declined = _answer(client, proposal_id, accept=False)
    assert declined.status_code == 200
    assert declined.json()["status"] == "declined"
    assert declined.json()["order_state"] == "cancelled"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"line_sku": "NOPE"}, 422, "unknown_line", "line_sku"),
        ({"sku": "NOPE"}, 422, "unknown_sku", "sku"),
        ({"sku": None}, 422, "product_required", "product_id"),
        ({"sku": "HD-002"}, 422, "already_in_order", "product_id"),
        ({"quantity": 0}, 422, "invalid_input", "quantity"),
        ({"sku": None, "product_id": 2**40}, 404, "not_found", "product_id"),
    ],
)
def test_refused_proposals_name_field_and_rule(
    client, shop, seller_user, order, body, status, code, field
):
    client.force_login(seller_user)
    response = _propose(client, order, **body)
    assert response.status_code == status
    error = response.json()
    assert (error["code"], error["field"]) == (code, field)
    if status == 422 and code != "invalid_input":
        assert error["rule"] == "C6"
    assert not SubstitutionProposal.objects.exists()


def test_the_wrong_side_gets_403_and_other_companies_404(client, shop, seller_user, order):
    client.force_login(shop.owner)
    refused = _propose(client, order)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    client.force_login(seller_user)
    proposal_id = _propose(client, order).json()["id"]
    assert _answer(client, proposal_id).status_code == 403  # the seller does not answer
    client.force_login(shop.other_owner)
    assert client.get(f"/api/orders/{order.number}/substitutions").status_code == 404
    assert _propose(client, order).status_code == 404
    hidden = _answer(client, proposal_id)
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    assert _answer(client, 2**40).status_code == 404
    client.logout()
    assert client.get(f"/api/orders/{order.number}/substitutions").status_code == 401
    assert SubstitutionProposal.objects.get().status == "pending"


def test_api_key_scopes_mirror_p4(client, shop, seller_user, order):
    client.force_login(seller_user)
    proposal_id = _propose(client, order).json()["id"]
    client.logout()
    _, reader = services.api_key_create(
        actor=shop.owner,
        organization=shop.approved_buyer,
        name="Lecture",
        scopes=[Permission.VIEW_ORDERS],
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {reader}"}
    listed = client.get(f"/api/orders/{order.number}/substitutions", **auth)
    assert listed.status_code == 200
    assert listed.json()[0]["unit_price"] is None and listed.json()[0]["net_amount"] is None
    denied = _answer(client, proposal_id, **auth)
    assert denied.status_code == 403 and denied.json()["rule"] == "P4"
    _, orderer = services.api_key_create(
        actor=shop.owner,
        organization=shop.approved_buyer,
        name="ERP",
        scopes=[Permission.VIEW_ORDERS, Permission.VIEW_PRICES, Permission.PLACE_ORDERS],
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {orderer}"}
    answered = _answer(client, proposal_id, accept=False, **auth)
    assert answered.status_code == 200 and float(answered.json()["net_amount"]) == 75.0


def test_a_lapsed_proposal_is_listed_and_cannot_be_answered(client, shop, seller_user, order):
    client.force_login(seller_user)
    proposal_id = _propose(client, order).json()["id"]
    order_cancel(actor=seller_user, order_id=order.pk, reason="Stock épuisé.", by="seller")
    client.force_login(shop.owner)
    [listed] = client.get(f"/api/orders/{order.number}/substitutions").json()
    assert listed["status"] == "lapsed" and listed["answered_at"] is not None
    assert listed["order_state"] == "cancelled"
    late = _answer(client, proposal_id)
    assert late.status_code == 422 and late.json()["code"] == "proposal_lapsed"


def test_the_substitution_endpoints_fuzzed_never_fail_on_the_server(shop, seller_user, order):
    """Schemathesis on these three operations only, as the seller and as the buyer."""
    with _keep_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    schema = schema.include(path_regex="substitutions")
    for user in (seller_user, shop.owner):
        seen = _fuzz(schema, _session(user), 15)
        assert len(seen) == 3 and all(seen.values()), seen
