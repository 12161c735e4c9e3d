"""API keys: an organization's programs call the API with a subset of its P4 rights.

A key reads `cpt_<prefix>_<secret>`. The prefix (12 hex digits) finds the row; the secret (256
random bits) is checked against an HMAC-SHA256 keyed with the project's SECRET_KEY. A fast keyed
hash is enough because the secret is long and random (nothing to brute-force, unlike a password),
and it keeps each API call cheap; the key (pepper) means a stolen database alone cannot check
guesses. The secret is shown once, at creation, and never stored.

A key acts as the user who created it, limited to its scopes: its rights are the scopes still
held by that user in the organization, so a key never outgrows its creator, and stops working
when the creator leaves the organization.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.parties.models import ApiKey, Membership, Organization, Permission
from comptoir.parties.permissions import active_membership
from comptoir.parties.services._audit import _audit

if TYPE_CHECKING:
    from comptoir.parties.models import User

TOKEN_RE = re.compile(r"^cpt_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{32,128})$")
#: `last_used_at` is written at most once per this interval (one write, not one per call).
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiKeyIdentity:
    """Who calls with a valid key: the key, its creator, and the membership to act with (the
    key's organization, the key's effective rights, never an owner)."""

    key: ApiKey
    user: User
    membership: Membership


def secret_hash(secret: str, *, pepper: str | None = None) -> str:
    """HMAC-SHA256 of the secret keyed with `pepper` (SECRET_KEY by default), as hex."""
    key = f"comptoir.api-key:{settings.SECRET_KEY if pepper is None else pepper}".encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _secret_matches(secret: str, stored: str) -> bool:
    """Against SECRET_KEY, then its fallbacks: rotating the key does not break existing keys."""
    peppers = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(secret_hash(secret, pepper=p), stored) for p in peppers)


def _key_manager(actor: Any, organization: Organization | int) -> Membership:
    """The actor's active membership when it may manage keys: an owner or manage_users (P4)."""
    membership = active_membership(actor, organization)
    if membership is None:
        raise NotFound(_("Organization"))
    if Permission.MANAGE_USERS not in membership.effective_permissions:
        raise PermissionDenied(_("Only an owner or a user manager may manage API keys (P4)."))
    return membership


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    cleaned = sorted({(s or "").strip() for s in scopes} - {""})
    unknown = [s for s in cleaned if s not in Permission.values]
    if unknown:
        raise DomainError(
            "invalid_permission",
            ngettext(
                "Unknown permission: %(permissions)s.",
                "Unknown permissions: %(permissions)s.",
                len(unknown),
            )
            % {"permissions": ", ".join(unknown)},
            "scopes",
            "P4",
        )
    if not cleaned:
        raise DomainError("scopes_required", _("Give the key at least one right."), "scopes", "P4")
    return cleaned


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(6)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def api_key_create(
    *, actor: Any, organization: Organization | int, name: str, scopes: Iterable[str]
) -> tuple[ApiKey, str]:
    """A new key of the organization; returns it with the full key, to show once.

    Only an owner or a member with manage_users may create one, and its scopes must be rights the
    creator holds (P4)."""
    manager = _key_manager(actor, organization)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError("name_required", _("Name the key (1 to 100 characters)."), "name")
    wanted = _clean_scopes(scopes)
    missing = sorted(set(wanted) - manager.effective_permissions)
    if missing:
        raise PermissionDenied(
            _("You cannot give a key rights you do not hold: %(permissions)s.")
            % {"permissions": ", ".join(missing)}
        )
    prefix, secret = _new_prefix(), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=manager.organization,
        name=name,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scopes=wanted,
        created_by=actor,
        created_at=clock.now(),
    )
    _audit(
        actor=actor,
        organization_id=key.organization_id,
        action="api_key.create",
        obj_type="parties.ApiKey",
        obj_id=key.pk,
        data={"name": name, "prefix": prefix, "scopes": wanted},
    )
    return key, f"cpt_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(
    *, actor: Any, key_id: int, organization: Organization | int | None = None
) -> ApiKey:
    """Revoke a key at once (idempotent). With `organization`, the key must be one of its keys
    (404 otherwise, as for a key of a company the actor does not manage)."""
    key = ApiKey.objects.select_for_update().filter(pk=key_id).first()
    org_id = organization if isinstance(organization, int | None) else organization.pk
    if key is None or (org_id is not None and key.organization_id != org_id):
        raise NotFound(_("API key"))
    if active_membership(actor, key.organization_id) is None:
        raise NotFound(_("API key"))
    _key_manager(actor, key.organization_id)
    if key.revoked_at is not None:
        return key
    key.revoked_at = clock.now()
    key.revoked_by = actor
    key.save(update_fields=["revoked_at", "revoked_by"])
    _audit(
        actor=actor,
        organization_id=key.organization_id,
        action="api_key.revoke",
        obj_type="parties.ApiKey",
        obj_id=key.pk,
        data={"name": key.name, "prefix": key.prefix},
    )
    return key


def api_key_authenticate(*, token: str) -> ApiKeyIdentity | None:
    """The identity of a valid key; None when the key is malformed, unknown, revoked, or its
    creator no longer belongs to the organization. Notes when the key was last used."""
    match = TOKEN_RE.match(token or "")
    if match is None:
        return None
    key = (
        ApiKey.objects.select_related("organization", "created_by")
        .filter(prefix=match["prefix"], revoked_at__isnull=True)
        .first()
    )
    if key is None or not _secret_matches(match["secret"], key.secret_hash):
        return None
    creator = active_membership(key.created_by, key.organization_id)
    if creator is None or key.created_by is None:
        return None
    rights = sorted(set(key.scopes) & creator.effective_permissions)
    membership = Membership(
        user=key.created_by,
        organization=creator.organization,
        is_owner=False,
        is_active=True,
        user_code=creator.user_code,
        permissions=rights,
    )
    now = clock.now()
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    ).update(last_used_at=now)
    return ApiKeyIdentity(key=key, user=key.created_by, membership=membership)
