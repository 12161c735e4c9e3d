"""The API fuzzed against its own OpenAPI document (schemathesis): for a bounded number of
generated requests per operation, no response is a server error and every documented response
matches its schema. Run as an authenticated buyer and as a visitor, on both databases."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from comptoir.core import clock
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
EXAMPLES = 25


@contextmanager
def _keep_the_test_connection():
    """As Django's test client does: requests must not close the test's database connection
    (it holds the test transaction). Entered after any test-client call, which reconnects."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    with _keep_the_test_connection():
        return schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def _session(user) -> dict[str, str]:
    """The cookies of a logged-in browser session (the API's web authentication)."""
    client = Client()
    client.force_login(user)
    client.get("/")  # a page with a form sets the CSRF cookie
    return {name: client.cookies[name].value for name in ("sessionid", "csrftoken")}


def _fuzz(api_schema, cookies: dict[str, str], examples: int) -> dict[str, set[int]]:
    """Run every operation with generated inputs; returns the statuses seen per operation."""
    seen: dict[str, set[int]] = {}
    with _keep_the_test_connection():
        _run(api_schema, cookies, examples, seen)
    return seen


def _run(api_schema, cookies: dict[str, str], examples: int, seen: dict[str, set[int]]) -> None:
    for result in api_schema.get_all_operations():
        operation = result.ok()
        seen[operation.label] = set()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case) -> None:
            case.cookies = {**(case.cookies or {}), **cookies}
            headers = {"X-CSRFToken": cookies["csrftoken"]} if cookies else {}
            response = case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )
            seen[case.operation.label].add(response.status_code)

        check()


def test_no_server_error_and_responses_match_the_schema(api_schema, shop):
    seen = _fuzz(api_schema, _session(shop.owner), EXAMPLES)
    assert "POST /api/sellers/{seller_id}/orders" in seen and len(seen) >= 10
    assert all(seen.values()), "every operation was called"
    assert {200} <= seen["GET /api/sellers"] and {200} <= seen["GET /api/orders"]


def test_anonymous_calls_never_fail_on_the_server(api_schema):
    seen = _fuzz(api_schema, {}, 10)
    assert seen["GET /api/orders"] == {401}


def test_the_sellers_owner_never_fails_on_the_server(api_schema, shop):
    """The seller's routes (catalog, terms, shipments) with generated input, as its owner."""
    owner = make_user("owner@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=owner, is_owner=True
    )
    seen = _fuzz(api_schema, _session(owner), 10)
    assert all(seen.values()), "every operation was called"
    assert {201, 422} <= seen["POST /api/products"]
    assert 200 in seen["GET /api/terms/versions"] and 422 in seen["POST /api/terms/versions"]
