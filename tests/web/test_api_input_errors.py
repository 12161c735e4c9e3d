"""Input the API cannot read is answered in the one error shape, in the request's language
(`Accept-Language`, French by default): the common pydantic errors by their type and limits,
the others with pydantic's own text."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from comptoir.api.validation_messages import message_for
from comptoir.core import clock
from comptoir.parties import services
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def owner(shop):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        terms_version_publish(
            version=terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        )
    user = make_user("owner@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


def _create(client, body: dict, language: str | None = None):
    headers = {"Accept-Language": language} if language else {}
    return client.post("/api/products", body, content_type=JSON, headers=headers)


def test_a_product_with_bad_fields_is_refused_in_french_by_default(client, owner):
    client.force_login(owner)
    response = _create(client, {"sku": "X" * 200, "title": "Baume", "pack_size": 0})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    said = {e["field"]: e["message"] for e in body["errors"]}
    assert said["pack_size"] == "Au moins 1."
    assert said["sku"].startswith("Au plus ") and said["sku"].endswith(" caractères.")
    assert (body["field"], body["message"]) in said.items()


def test_the_same_in_english_and_a_missing_field(client, owner):
    client.force_login(owner)
    said = {
        e["field"]: e["message"]
        for e in _create(client, {"title": "Baume", "pack_size": "many"}, "en").json()["errors"]
    }
    assert said == {"sku": "This field is required.", "pack_size": "A whole number is expected."}
    french = _create(client, {"title": "Baume"}, "fr").json()
    assert (french["field"], french["message"]) == ("sku", "Ce champ est obligatoire.")


@pytest.mark.parametrize(
    ("error", "english"),
    [
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, "At least 1."),
        ({"type": "less_than_equal", "ctx": {"le": 20}}, "At most 20."),
        ({"type": "too_long", "ctx": {"max_length": 2}}, "At most 2 items."),
        ({"type": "decimal_max_places", "ctx": {"decimal_places": 2}}, "At most 2 decimal places."),
        ({"type": "literal_error", "ctx": {"expected": "'x' or 'y'"}}, "One of: 'x' or 'y'."),
        ({"type": "date_from_datetime_parsing", "ctx": {}}, "A date is expected (YYYY-MM-DD)."),
        (
            {"type": "url_scheme", "msg": "URL scheme should be 'http'"},
            "URL scheme should be 'http'",
        ),
        ({"type": "unheard_of"}, "Invalid value."),
    ],
)
def test_each_error_type_is_said_by_its_limits(error, english):
    with translation.override("en"):
        assert message_for(error) == english


def test_the_last_or_of_a_list_of_values_is_in_the_reader_s_language():
    error = {"type": "literal_error", "ctx": {"expected": "'held', 'returned' or 'lost'"}}
    with translation.override("fr"):
        assert message_for(error) == "Une valeur parmi : 'held', 'returned' ou 'lost'."
    with translation.override("en"):
        assert message_for(error) == "One of: 'held', 'returned' or 'lost'."
