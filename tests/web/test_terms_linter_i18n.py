"""The linter's findings in the reader's language on the seller's terms editor and through the
API: the live checks and the publication refusal in French (the default) or English, and a
lint report stored before the French texts still shown."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.parties import services
from comptoir.parties.models import User
from comptoir.terms.loader import preset_text
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.services import terms_version_create_draft
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=clock.PARIS)
BELOW_FLOOR = preset_text("selective-beauty").replace('multiplier = "3"', 'multiplier = "2"')
FRENCH = (
    "Les intérêts de retard de 2 × le taux d'intérêt légal sont inférieurs au plancher légal "
    "de 3 × le taux d'intérêt légal"
)
ENGLISH = (
    "late-payment interest of 2 × the legal rate is below the legal floor of 3 × the legal "
    "interest rate"
)
JSON = "application/json"


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def seller_user(shop) -> User:
    user = make_user("terms@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def seller_client(client, seller_user):
    client.force_login(seller_user)
    return client


def _language(client, settings, code: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


def _draft(shop) -> TermsVersion:
    return terms_version_create_draft(seller=shop.seller, source=BELOW_FLOOR)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("en", ENGLISH)])
def test_the_editor_checks_show_the_readers_language(
    shop, seller_client, settings, language, expected
):
    _language(seller_client, settings, language)
    _draft(shop)
    check = seller_client.post(reverse("web:seller_terms_check", args=[1]), {"source": BELOW_FLOOR})
    [error] = check.context["check"].errors
    assert (error.kind, error.code) == ("lint", "late_rate_below_floor")
    assert error.message == expected
    html = check.content.decode()
    assert expected.split("'")[0] in html  # the part before the first (escaped) apostrophe
    other = ENGLISH if language == "fr" else FRENCH
    assert other.split("'")[0] not in html
    page = seller_client.get(reverse("web:seller_terms_edit", args=[1]))
    assert page.context["check"].errors[0].message == expected


def test_schema_errors_are_unchanged_by_the_language(shop, seller_client, settings):
    _language(seller_client, settings, "fr")
    _draft(shop)
    wrong = BELOW_FLOOR.replace('amount = "100.00"', 'amount = "cent euros"', 1)
    check = seller_client.post(reverse("web:seller_terms_check", args=[1]), {"source": wrong})
    [problem] = check.context["check"].problems
    assert (problem.kind, problem.code) == ("schema", "terms_invalid")


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("en", ENGLISH)])
def test_the_publication_refusal_shows_the_readers_language(
    shop, seller_client, settings, language, expected
):
    _language(seller_client, settings, language)
    version = _draft(shop)
    refused = seller_client.post(
        reverse("web:seller_terms_publish", args=[1]),
        {"content_hash": version.content_hash},
        follow=True,
    )
    shown = _messages(refused)
    assert f"late_payment.interest.multiplier: {expected} [C. com. L441-10 II] (PT11)" in shown, (
        shown
    )
    version.refresh_from_db()
    assert version.status == TermsStatus.DRAFT


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("en", ENGLISH)])
def test_the_api_refusal_follows_accept_language(shop, seller_client, language, expected):
    _draft(shop)
    refused = seller_client.post(
        "/api/terms/versions/1/publish", {}, content_type=JSON, HTTP_ACCEPT_LANGUAGE=language
    )
    body = refused.json()
    assert (refused.status_code, body["code"]) == (422, "terms_not_publishable")
    assert body["message"] == f"late_payment.interest.multiplier: {expected} [C. com. L441-10 II]"


def test_the_stored_report_carries_both_texts_and_an_old_one_still_shows(shop, seller_client):
    version = _draft(shop)
    [stored] = seller_client.get("/api/terms/versions/1").json()["lint_report"]
    assert (stored["message"], stored["message_fr"]) == (ENGLISH, FRENCH)

    # a report stored before the French texts: no message_fr
    legacy = [
        {k: v for k, v in entry.items() if k != "message_fr"} for entry in version.lint_report
    ]
    TermsVersion.objects.filter(pk=version.pk).update(lint_report=legacy)
    listed = seller_client.get("/api/terms/versions", HTTP_ACCEPT_LANGUAGE="fr")
    assert listed.status_code == 200
    [entry] = listed.json()["items"][0]["lint_report"]
    assert entry["message"] == ENGLISH and "message_fr" not in entry
    page = seller_client.get(reverse("web:seller_terms_edit", args=[1]))
    assert page.status_code == 200
    saved = seller_client.post(
        reverse("web:seller_terms_edit", args=[1]), {"source": BELOW_FLOOR}, follow=True
    )
    assert saved.status_code == 200
    version.refresh_from_db()
    assert version.lint_report[0]["message_fr"] == FRENCH  # saved again: both texts
