"""Fine-grained permissions of a user within an organization (P4).

Owners hold every permission; an employee holds those granted; a deactivated membership or user,
or a terminated organization, holds none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from comptoir.core.errors import PermissionDenied
from comptoir.parties.models import Membership, OrganizationState, Permission

if TYPE_CHECKING:
    from comptoir.parties.models import Organization, User

# the user's active memberships, read with the user at the start of a request (parties.backends)
READ_WITH_USER = "_comptoir_memberships"


def active_membership(
    user: User | None, organization: Organization | int | None
) -> Membership | None:
    """The user's active membership of the organization, or None."""
    if user is None or organization is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active:
        return None
    org_id = organization if isinstance(organization, int) else organization.pk
    read = getattr(user, READ_WITH_USER, None)
    if read is not None:  # this request's read: the same rows, not asked again
        return next((m for m in read if m.organization_id == org_id), None)
    return (
        Membership.objects.select_related("organization")
        .filter(user=user, organization_id=org_id, is_active=True)
        .exclude(organization__state=OrganizationState.TERMINATED)
        .first()
    )


def permissions_of(user: User | None, organization: Organization | int | None) -> frozenset[str]:
    membership = active_membership(user, organization)
    return membership.effective_permissions if membership else frozenset()


def has_permission(
    user: User | None, organization: Organization | int | None, permission: str
) -> bool:
    if permission not in Permission.values:
        raise ValueError(f"Unknown permission {permission!r}")
    return permission in permissions_of(user, organization)


def require_permission(
    user: User | None, organization: Organization | int | None, permission: str
) -> Membership:
    """The active membership holding `permission`, or PermissionDenied (rule P4)."""
    membership = active_membership(user, organization)
    if membership is None or permission not in membership.effective_permissions:
        raise PermissionDenied(
            _(
                "You do not have the right “%(label)s” for this organization "
                "(permission %(permission)s required)."
            )
            % {"label": Permission(permission).label, "permission": permission}
        )
    return membership


def can_see_prices(user: User | None, organization: Organization | int | None) -> bool:
    return has_permission(user, organization, Permission.VIEW_PRICES)


def is_operator(user: User | None) -> bool:
    """Platform staff: a Django superuser/staff member, or an active member of an operator org."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(
        user=user,
        is_active=True,
        organization__is_operator=True,
        organization__state=OrganizationState.ACTIVE,
    ).exists()


def require_operator(user: User | None) -> None:
    if not is_operator(user):
        raise PermissionDenied(_("Reserved for the platform operator."), rule="P1")
