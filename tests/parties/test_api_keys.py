"""API keys: who may create and revoke them, what they may carry, what is stored, and the
identity a key gives to an API call."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.parties import services
from comptoir.parties.models import ApiKey, Permission
from comptoir.parties.services.apikeys import secret_hash
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    owner = make_user("owner@keys.test")
    org = make_org(buyer=True, owner=owner)
    manager = make_user("manager@keys.test")
    services.membership_add(
        actor=owner,
        organization=org,
        user=manager,
        permissions=[Permission.MANAGE_USERS, Permission.VIEW_ORDERS],
    )
    clerk = make_user("clerk@keys.test")
    services.membership_add(
        actor=owner, organization=org, user=clerk, permissions=[Permission.VIEW_ORDERS]
    )
    return org, owner, manager, clerk


def test_the_secret_is_shown_once_and_only_its_keyed_hash_is_stored(company):
    org, owner, _, _ = company
    key, token = services.api_key_create(
        actor=owner, organization=org, name="ERP", scopes=["view_orders", "view_orders"]
    )
    prefix, secret = token.removeprefix("cpt_").split("_", 1)
    assert key.prefix == prefix and len(secret) >= 40
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.scopes == ["view_orders"]
    assert secret not in stored.secret_hash and secret not in str(
        ApiKey.objects.filter(pk=key.pk).values().get()
    )
    assert stored.secret_hash == secret_hash(secret) != secret_hash(secret, pepper="other")
    entry = AuditEntry.objects.get(action="api_key.create")
    assert secret not in str(entry.data) and entry.data["prefix"] == prefix


def test_only_an_owner_or_a_user_manager_creates_keys(company):
    org, _, manager, clerk = company
    with pytest.raises(PermissionDenied):
        services.api_key_create(actor=clerk, organization=org, name="x", scopes=["view_orders"])
    with pytest.raises(NotFound):  # not a member at all
        services.api_key_create(
            actor=make_user(), organization=org, name="x", scopes=["view_orders"]
        )
    key, _ = services.api_key_create(
        actor=manager, organization=org, name="Reports", scopes=["view_orders"]
    )
    assert key.created_by == manager


def test_a_key_cannot_exceed_its_creators_rights(company):
    org, owner, manager, _ = company
    with pytest.raises(PermissionDenied) as refused:
        services.api_key_create(
            actor=manager, organization=org, name="Too much", scopes=["view_orders", "view_prices"]
        )
    assert "view_prices" in refused.value.message
    with pytest.raises(DomainError) as unknown:
        services.api_key_create(actor=owner, organization=org, name="x", scopes=["root"])
    assert unknown.value.code == "invalid_permission"
    with pytest.raises(DomainError) as empty:
        services.api_key_create(actor=owner, organization=org, name="x", scopes=[])
    assert empty.value.code == "scopes_required"
    with pytest.raises(DomainError) as unnamed:
        services.api_key_create(actor=owner, organization=org, name="  ", scopes=["view_orders"])
    assert unnamed.value.code == "name_required"


def test_authentication_gives_the_scopes_the_creator_still_holds(company):
    org, owner, manager, _ = company
    _, token = services.api_key_create(
        actor=manager, organization=org, name="Reports", scopes=["view_orders", "manage_users"]
    )
    identity = services.api_key_authenticate(token=token)
    assert identity is not None and identity.user == manager
    assert identity.membership.organization_id == org.pk and not identity.membership.is_owner
    assert identity.membership.effective_permissions == {"view_orders", "manage_users"}
    assert identity.key.last_used_at is None
    assert ApiKey.objects.get(pk=identity.key.pk).last_used_at is not None
    # the creator loses a right: so does the key; the creator leaves: the key stops working
    membership = manager.memberships.get(organization=org)
    services.membership_set_permissions(
        actor=owner, membership=membership, permissions=["manage_users"]
    )
    identity = services.api_key_authenticate(token=token)
    assert identity is not None
    assert identity.membership.effective_permissions == {"manage_users"}
    services.membership_deactivate(actor=owner, membership=membership)
    assert services.api_key_authenticate(token=token) is None


def test_unknown_malformed_and_revoked_keys_do_not_authenticate(company):
    org, owner, _, clerk = company
    key, token = services.api_key_create(
        actor=owner, organization=org, name="ERP", scopes=["view_orders"]
    )
    assert services.api_key_authenticate(token=token) is not None
    for bad in ("", "cpt_", token + "x", token[:-1] + ("A" if token[-1] != "A" else "B"), "x y"):
        assert services.api_key_authenticate(token=bad) is None, bad
    with pytest.raises(NotFound):  # a member without the right does not even see it
        services.api_key_revoke(actor=make_user(), key_id=key.pk)
    with pytest.raises(PermissionDenied):
        services.api_key_revoke(actor=clerk, key_id=key.pk)
    with pytest.raises(NotFound):  # revoking through another organization: not found
        services.api_key_revoke(actor=owner, key_id=key.pk, organization=make_org(buyer=True))
    revoked = services.api_key_revoke(actor=owner, key_id=key.pk, organization=org)
    assert revoked.revoked_at is not None and revoked.revoked_by == owner
    assert services.api_key_authenticate(token=token) is None
    again = services.api_key_revoke(actor=owner, key_id=key.pk)
    assert again.revoked_at == revoked.revoked_at


def test_a_key_survives_a_secret_key_rotation(company, settings):
    org, owner, _, _ = company
    _, token = services.api_key_create(
        actor=owner, organization=org, name="ERP", scopes=["view_orders"]
    )
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-the-rotation-test-0123456789"
    assert services.api_key_authenticate(token=token) is not None
    settings.SECRET_KEY_FALLBACKS = []
    assert services.api_key_authenticate(token=token) is None


def test_the_command_creates_lists_and_revokes(company):
    org, owner, manager, _ = company
    out = StringIO()
    call_command(
        "apikeys", *f"create --org {org.pk} --name ERP --scopes view_orders".split(), stdout=out
    )
    token = out.getvalue().strip().splitlines()[-1]
    identity = services.api_key_authenticate(token=token)
    assert identity is not None and identity.user == owner  # the first owner by default
    out = StringIO()
    call_command("apikeys", "list", "--org", str(org.pk), stdout=out)
    assert f"cpt_{identity.key.prefix}_…" in out.getvalue() and token not in out.getvalue()
    with pytest.raises(CommandError, match="view_prices"):
        call_command(
            "apikeys",
            *f"create --org {org.pk} --name x --scopes view_prices --user {manager.email}".split(),
        )
    call_command("apikeys", "revoke", str(identity.key.pk), stdout=StringIO())
    assert services.api_key_authenticate(token=token) is None
    with pytest.raises(CommandError):
        call_command("apikeys", "list", "--org", "NOPE")
