"""The operator's Django admin: every registered model's list, search and add pages answer."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    call_command("demo", verbosity=0)
    from comptoir.parties.models import User

    client.force_login(User.objects.get(email="admin@comptoir.example"))
    return client


def test_every_admin_page_answers(operator_client):
    failures = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        for url in (changelist, changelist + "?q=a"):
            status = operator_client.get(url).status_code
            if status != 200:
                failures.append((url, status))
        if model_admin.has_add_permission(_request(operator_client)):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            status = operator_client.get(url).status_code
            if status != 200:
                failures.append((url, status))
        first = model._default_manager.first()
        if first is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            status = operator_client.get(url).status_code
            if status != 200:
                failures.append((url, status))
    assert not failures


def _request(client):
    from django.test import RequestFactory

    from comptoir.parties.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(email="admin@comptoir.example")
    return request


def test_admin_is_closed_to_buyers(client):
    call_command("demo", verbosity=0)
    from comptoir.parties.models import User

    client.force_login(User.objects.get(email="buyer1@comptoir.example"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admins_own_words_follow_the_language(operator_client):
    """Fieldsets, columns and actions of the parties admin are translated, not French-only."""
    from django.conf import settings

    from comptoir.parties.models import Organization

    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    org = Organization.objects.order_by("pk").first()
    change = operator_client.get(reverse("admin:parties_organization_change", args=[org.pk]))
    page = change.content.decode()
    assert "Identity" in page and "Membership (P2, P3)" in page
    assert "Identité" not in page and "Adhésion" not in page
    listing = operator_client.get(reverse("admin:parties_organization_changelist"))
    page = listing.content.decode()
    assert "Validate the selected memberships (P1, P2)" in page
    assert "Valider les adhésions" not in page and "Noms proches" not in page
