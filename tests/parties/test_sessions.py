"""The session engine (parties.sessions): Django's database sessions, read through a compiled
read, with the same answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from comptoir.parties.sessions import SessionStore
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db


def test_the_platform_uses_it():
    assert settings.SESSION_ENGINE == "comptoir.parties.sessions"


def test_a_saved_session_is_read_back_in_one_query(django_assert_num_queries):
    store = SessionStore()
    store["basket"] = "3 lines"
    store.save()
    with django_assert_num_queries(1):
        again = SessionStore(store.session_key)
        assert again["basket"] == "3 lines"
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_session_is_empty_and_gets_a_new_key():
    store = SessionStore()
    store["basket"] = "3 lines"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_signed_in_through_the_login_form_and_out_when_the_session_expires(client):
    user = make_user(email="sessions@example.test")
    make_org(buyer=True, owner=user)
    response = client.post(
        "/login/", {"username": "sessions@example.test", "password": "x-test-password-1"}
    )
    assert response.status_code == 302
    assert client.get("/orders/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/orders/")
    assert response.status_code == 302 and "/login/" in response["Location"]
