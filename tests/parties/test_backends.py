"""The sign-in backend reads a signed-in user with their memberships (P4, P9)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from comptoir.core.errors import PermissionDenied
from comptoir.parties import backends
from comptoir.parties.acting import acting_organization, memberships
from comptoir.parties.models import Membership, Permission
from comptoir.parties.permissions import active_membership, require_permission
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db


def _request_of(client, user):
    """A request carrying the session `client` signed in with."""
    client.force_login(user, backend=backends.PATH)
    request = RequestFactory().get("/")
    request.session = client.session
    request.session.get("_auth_user_id")  # the session read here, not in the counted queries
    return request


def test_user_and_memberships_in_one_query(client, django_assert_num_queries):
    user = make_user()
    first, second = make_org(buyer=True, owner=user), make_org(seller=True, owner=user)
    request = _request_of(client, user)
    with django_assert_num_queries(1):
        request.user = get_user(request)
        found = memberships(request)
        org = acting_organization(request)
    assert request.user == user and request.user.is_authenticated
    assert {m.organization for m in found} == {first, second}
    assert org in (first, second)
    assert all(m.user is request.user for m in found)


def test_user_without_membership_is_still_signed_in(client, django_assert_num_queries):
    staff = make_operator_user()
    Membership.objects.filter(user=staff).delete()
    request = _request_of(client, staff)
    with django_assert_num_queries(2):  # the memberships (none), then the user alone, once
        request.user = get_user(request)
        assert memberships(request) == []
    assert request.user == staff


def test_inactive_user_is_signed_out(client):
    user = make_user()
    make_org(buyer=True, owner=user)
    request = _request_of(client, user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert not get_user(request).is_authenticated


def test_memberships_are_read_again_on_each_request(client):
    """A membership deactivated by the owner is gone from the next request on (P4)."""
    owner, clerk = make_user(), make_user()
    org = make_org(buyer=True, owner=owner)
    Membership.objects.create(user=clerk, organization=org, permissions=["view_products"])
    request = _request_of(client, clerk)
    request.user = get_user(request)
    assert [m.organization for m in memberships(request)] == [org]
    Membership.objects.filter(user=clerk).update(is_active=False)
    later = _request_of(client, clerk)
    later.user = get_user(later)
    assert later.user == clerk and memberships(later) == []
    assert acting_organization(later) is None


def test_a_session_id_that_is_not_a_number_signs_nobody_in():
    assert backends.MembershipBackend().get_user("not-a-number") is None


def test_permission_checks_of_the_request_use_the_memberships_read(
    client, django_assert_num_queries
):
    """P4: a service checking the signed-in user's right asks nothing more; the same user read
    elsewhere (a task, a test) is checked against the database."""
    owner, clerk = make_user(), make_user()
    org = make_org(buyer=True, owner=owner)
    other = make_org(buyer=True, owner=make_user())
    Membership.objects.create(user=clerk, organization=org, permissions=["view_products"])
    request = _request_of(client, clerk)
    user = get_user(request)
    with django_assert_num_queries(0):
        assert require_permission(user, org, Permission.VIEW_PRODUCTS).organization == org
        with pytest.raises(PermissionDenied):
            require_permission(user, org, Permission.PLACE_ORDERS)
        with pytest.raises(PermissionDenied):
            require_permission(user, other, Permission.VIEW_PRODUCTS)
    fresh = type(clerk).objects.get(pk=clerk.pk)
    with django_assert_num_queries(1):
        assert active_membership(fresh, org).permissions == ["view_products"]
