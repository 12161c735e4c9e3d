"""How API calls authenticate: an API key (`Authorization: Bearer cpt_<prefix>_<secret>`) or the
web session (with its CSRF token).

A valid key makes the request act for the key's organization with the key's rights: the views
read `acting_membership(request)` and `effective_permissions` as for a session, and services see
the key's creator as the actor. A malformed, unknown or revoked key answers 401 at once, even
with a session cookie, so that a program never silently acts as somebody else.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from comptoir.api.errors import InvalidApiKey
from comptoir.core.errors import PermissionDenied
from comptoir.parties.acting import act_as, acting_membership
from comptoir.parties.models import Membership
from comptoir.parties.services import api_key_authenticate


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        identity = api_key_authenticate(token=token)
        if identity is None:
            raise InvalidApiKey()
        request.user = identity.user
        act_as(request, identity.membership)
        return identity.key


def visitor(request: HttpRequest) -> bool:
    """Lets a call without credentials through, for what is public (P5)."""
    return True


#: Routes that need a member: an API key or a logged-in session.
MEMBER = [ApiKeyAuth(), django_auth]
#: Routes open to visitors that show more to a member (a key is honoured; a session works as is).
OPTIONAL = [ApiKeyAuth(), visitor]
#: Added to the OpenAPI security of OPTIONAL routes (ninja appends it): a key, or nothing at all.
OPTIONAL_OPENAPI: dict[str, Any] = {"security": [{}]}


def member(request: HttpRequest, permission: str | None = None) -> Membership:
    """The membership a call acts as (the key's, or the session's acting one), holding
    `permission` when one is named (P4). A user in no organization, or without the right,
    answers 403 `permission_denied`, the same on every route."""
    membership = acting_membership(request)
    if membership is None:
        raise PermissionDenied(_("Log in as a member of an organization."))
    if permission is not None and permission not in membership.effective_permissions:
        raise PermissionDenied(
            _("Permission %(permission)s required (P4).") % {"permission": permission}
        )
    return membership
