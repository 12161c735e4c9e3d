"""Who is acting: the user and the organization they act for in this session.

A user may belong to several organizations (an owner of two shops, an accountant); the session
remembers which one is current. Every page reads it through `acting_organization(request)` and
passes it to the tenant-scoped queries; no view fetches another company's data by bare id.
"""

from __future__ import annotations

from django.http import HttpRequest

from comptoir.parties.models import Membership, Organization
from comptoir.parties.permissions import READ_WITH_USER
from comptoir.parties.queries import memberships_for

SESSION_KEY = "comptoir_org_id"


def memberships(request: HttpRequest) -> list[Membership]:
    if not hasattr(request, "_comptoir_memberships"):
        user = request.user if request.user.is_authenticated else None
        read = getattr(user, READ_WITH_USER, None)  # by the sign-in backend, with the user
        found = read if read is not None else list(memberships_for(user))
        request._comptoir_memberships = found  # type: ignore[attr-defined]
    return request._comptoir_memberships  # type: ignore[attr-defined]


def act_as(request: HttpRequest, membership: Membership) -> None:
    """Make `membership` the only one this request acts with, whatever the session says: an API
    key acts for its organization with its own rights (an unsaved Membership carrying them)."""
    request._comptoir_memberships = [membership]  # type: ignore[attr-defined]


def acting_membership(request: HttpRequest) -> Membership | None:
    mine = memberships(request)
    if not mine:
        return None
    wanted = request.session.get(SESSION_KEY)
    for membership in mine:
        if membership.organization_id == wanted:
            return membership
    return mine[0]


def acting_organization(request: HttpRequest) -> Organization | None:
    membership = acting_membership(request)
    return membership.organization if membership else None


def choose_organization(request: HttpRequest, organization_id: int) -> bool:
    """Switch the acting organization; False when the user is not a member of it."""
    for membership in memberships(request):
        if membership.organization_id == organization_id:
            request.session[SESSION_KEY] = organization_id
            return True
    return False


def context(request: HttpRequest) -> dict:
    """Template context processor: the acting organization and the user's other ones."""
    if not request.user.is_authenticated:
        return {}
    membership = acting_membership(request)
    return {
        "current_membership": membership,
        "current_org": membership.organization if membership else None,
        "user_memberships": memberships(request),
    }
