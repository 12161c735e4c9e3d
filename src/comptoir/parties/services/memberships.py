"""Users, memberships, invitations and rights management (P4)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.parties.models import Invitation, Membership, Organization, Permission, User
from comptoir.parties.permissions import active_membership, is_operator
from comptoir.parties.services._audit import _audit

if TYPE_CHECKING:
    from comptoir.parties.models import User as UserType

INVITATION_DAYS = 14


def _clean_permissions(permissions: Iterable[str]) -> list[str]:
    values = []
    for permission in permissions:
        if permission not in Permission.values:
            raise DomainError(
                "invalid_permission",
                _("Unknown permission: “%(permission)s”.") % {"permission": permission},
                "permissions",
                "P4",
            )
        if permission not in values:
            values.append(permission)
    return sorted(values)


def _clean_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("invalid_email", _("Invalid e-mail address."), field) from None
    return email


def _manager_membership(actor: UserType | None, organization: Organization) -> Membership | None:
    """The actor's membership when it may manage users (None for the operator)."""
    if is_operator(actor):
        return None
    membership = active_membership(actor, organization)
    if membership is None or Permission.MANAGE_USERS not in membership.effective_permissions:
        raise PermissionDenied(_("You cannot manage the users of this account."))
    return membership


def _check_grantable(manager: Membership | None, permissions: list[str]) -> None:
    """A user manager grants only rights it holds itself (owners hold them all)."""
    if manager is None:
        return
    missing = sorted(set(permissions) - manager.effective_permissions)
    if missing:
        raise PermissionDenied(
            _("You cannot grant rights you do not hold: %(permissions)s.")
            % {"permissions": ", ".join(missing)}
        )


def _user_code(organization: Organization) -> str:
    prefix = organization.customer_number or f"ORG{organization.pk:06d}"
    n = Membership.objects.filter(organization=organization).count() + 1
    while Membership.objects.filter(user_code=f"{prefix}-{n:03d}").exists():
        n += 1
    return f"{prefix}-{n:03d}"


def _new_membership(
    *,
    organization: Organization,
    user: UserType,
    is_owner: bool,
    permissions: Iterable[str],
) -> Membership:
    existing = Membership.objects.filter(organization=organization, user=user).first()
    if existing is not None:
        raise DomainError(
            "already_member",
            _("Already a member."),
            "email",
            "P4",
        )
    return Membership.objects.create(
        organization=organization,
        user=user,
        is_owner=is_owner,
        is_active=True,
        user_code=_user_code(organization),
        permissions=[] if is_owner else _clean_permissions(permissions),
        created_at=clock.now(),
    )


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    full_name: str = "",
    language: str = "fr",
) -> User:
    """A new login (e-mail unique, case-insensitive). Without password the account cannot log in
    until one is set."""
    email = _clean_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("email_taken", _("E-mail taken."), "email")
    if language not in ("fr", "en"):
        raise DomainError("invalid_language", _("Unknown language (fr, en)."), "language")
    user = User.objects.create_user(email, password, full_name=full_name.strip(), language=language)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    _audit(
        actor=None,
        organization_id=None,
        action="user.create",
        obj_type="parties.User",
        obj_id=user.pk,
        data={"email": user.email},
    )
    return user


@transaction.atomic
def membership_add(
    *,
    actor: UserType | None,
    organization: Organization,
    user: UserType,
    permissions: Iterable[str] = (),
    is_owner: bool = False,
) -> Membership:
    """Attach an existing user to an organization (operator, owner or user manager)."""
    manager = _manager_membership(actor, organization)
    if is_owner and manager is not None and not manager.is_owner:
        raise PermissionDenied(_("Only an owner may appoint another owner."))
    cleaned = _clean_permissions(permissions)
    _check_grantable(manager, cleaned)
    membership = _new_membership(
        organization=organization, user=user, is_owner=is_owner, permissions=cleaned
    )
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="membership.add",
        obj_type="parties.Membership",
        obj_id=membership.pk,
        data={
            "user": user.email,
            "is_owner": is_owner,
            "permissions": membership.permissions,
            "user_code": membership.user_code,
        },
    )
    return membership


@transaction.atomic
def membership_invite(
    *,
    actor: UserType | None,
    organization: Organization,
    email: str,
    permissions: Iterable[str],
    valid_days: int = INVITATION_DAYS,
) -> Invitation:
    """The owner (or a user manager) invites an employee with chosen rights (P4)."""
    manager = _manager_membership(actor, organization)
    email = _clean_email(email)
    cleaned = _clean_permissions(permissions)
    _check_grantable(manager, cleaned)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise DomainError("already_member", _("Already a member."), "email", "P4")
    now = clock.now()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        permissions=cleaned,
        token=secrets.token_urlsafe(32),
        invited_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="invitation.create",
        obj_type="parties.Invitation",
        obj_id=invitation.pk,
        data={"email": email, "permissions": cleaned, "expires_at": invitation.expires_at},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: UserType) -> Membership:
    """The invited person, logged in with the invited e-mail, joins the organization."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organization").filter(token=token)
    ).first()
    now = clock.now()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        raise DomainError(
            "invitation_invalid",
            _("Invalid or expired invitation."),
            "token",
            "P4",
        )
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            "invitation_email_mismatch",
            _("This invitation was sent to another address."),
            "email",
            "P4",
        )
    membership = _new_membership(
        organization=invitation.organization,
        user=user,
        is_owner=False,
        permissions=invitation.permissions,
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _audit(
        actor=user,
        organization_id=invitation.organization_id,
        action="invitation.accept",
        obj_type="parties.Membership",
        obj_id=membership.pk,
        data={"invitation_id": invitation.pk, "permissions": membership.permissions},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: UserType | None, invitation: Invitation) -> Invitation:
    _manager_membership(actor, invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        _audit(
            actor=actor,
            organization_id=invitation.organization_id,
            action="invitation.revoke",
            obj_type="parties.Invitation",
            obj_id=invitation.pk,
            data={"email": invitation.email},
        )
    return invitation


def _lock_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=membership.pk)
    )


@transaction.atomic
def membership_set_permissions(
    *, actor: UserType | None, membership: Membership, permissions: Iterable[str]
) -> Membership:
    """Grant exactly these rights to an employee (P4). An owner's rights cannot be narrowed."""
    membership = _lock_membership(membership)
    manager = _manager_membership(actor, membership.organization)
    if membership.is_owner:
        raise DomainError(
            "owner_has_all_permissions",
            _("The owner holds every permission."),
            "permissions",
            "P4",
        )
    cleaned = _clean_permissions(permissions)
    _check_grantable(manager, cleaned)
    before = list(membership.permissions)
    membership.permissions = cleaned
    membership.save(update_fields=["permissions"])
    _audit(
        actor=actor,
        organization_id=membership.organization_id,
        action="membership.set_permissions",
        obj_type="parties.Membership",
        obj_id=membership.pk,
        data={"user": membership.user.email, "before": before, "after": cleaned},
    )
    return membership


def _require_owner(actor: UserType | None, organization: Organization) -> None:
    if is_operator(actor):
        return
    mine = active_membership(actor, organization)
    if mine is None or not mine.is_owner:
        raise PermissionDenied(_("Owner only."))


@transaction.atomic
def membership_deactivate(*, actor: UserType | None, membership: Membership) -> Membership:
    """The owner deactivates an employee (P4): the employee loses every right at once."""
    membership = _lock_membership(membership)
    _require_owner(actor, membership.organization)
    if membership.is_owner:
        raise DomainError(
            "cannot_deactivate_owner",
            _("The owner cannot be deactivated."),
            "membership",
            "P4",
        )
    if membership.is_active:
        membership.is_active = False
        membership.deactivated_at = clock.now()
        membership.deactivated_by = actor if getattr(actor, "pk", None) else None
        membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
        _audit(
            actor=actor,
            organization_id=membership.organization_id,
            action="membership.deactivate",
            obj_type="parties.Membership",
            obj_id=membership.pk,
            data={"user": membership.user.email, "user_code": membership.user_code},
        )
    return membership


@transaction.atomic
def membership_reactivate(*, actor: UserType | None, membership: Membership) -> Membership:
    membership = _lock_membership(membership)
    _require_owner(actor, membership.organization)
    if not membership.is_active:
        membership.is_active = True
        membership.deactivated_at = None
        membership.deactivated_by = None
        membership.save(update_fields=["is_active", "deactivated_at", "deactivated_by"])
        _audit(
            actor=actor,
            organization_id=membership.organization_id,
            action="membership.reactivate",
            obj_type="parties.Membership",
            obj_id=membership.pk,
            data={"user": membership.user.email},
        )
    return membership
