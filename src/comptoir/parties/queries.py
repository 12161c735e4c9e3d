"""Tenant-scoped reads of the parties context.

Every read of an organization's data takes the acting user; "missing" and "forbidden" both raise
NotFound so that nobody can probe for other members' data (P9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import NotFound
from comptoir.core.sorting import sort_key
from comptoir.parties import rules
from comptoir.parties.models import (
    Address,
    ApiKey,
    DocumentKind,
    Invitation,
    Membership,
    OnboardingDocument,
    Organization,
    OrganizationState,
    Permission,
    PlatformTermsAcceptance,
    PlatformTermsVersion,
)
from comptoir.parties.permissions import active_membership, is_operator, require_operator

if TYPE_CHECKING:
    from comptoir.parties.models import User


def memberships_for(user: User | None) -> QuerySet[Membership]:
    """The user's active memberships in organizations that are not terminated."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Membership.objects.none()
    return _active_memberships(user.pk)


def memberships_with_user(user_id: int) -> list[Membership]:
    """`memberships_for` by the user's id, each read with the user: what a signed-in request
    needs first, in one query (parties.backends). The caller checks that the user is active."""
    return _MEMBERSHIPS_WITH_USER(user_id=user_id)


_MEMBERSHIPS_WITH_USER = CompiledRead(
    lambda user_id: _active_memberships(user_id).select_related("user"), user_id=int
)


def _active_memberships(user_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("organization")
        .filter(user_id=user_id, is_active=True)
        .exclude(organization__state=OrganizationState.TERMINATED)
        .order_by("organization__legal_name", "id")
    )


def organization_for_user(user: User | None, organization_id: int) -> Organization:
    """An organization the user belongs to (operators see all); NotFound otherwise."""
    try:
        organization_id = int(organization_id)
    except (TypeError, ValueError):
        raise NotFound(_("Organization")) from None
    if is_operator(user):
        org = Organization.objects.filter(pk=organization_id).first()
    else:
        membership = active_membership(user, organization_id)
        org = membership.organization if membership else None
    if org is None:
        raise NotFound(_("Organization"))
    return org


def organization_by_customer_number(*, actor: User | None, customer_number: str) -> Organization:
    org = Organization.objects.filter(customer_number=customer_number).first()
    if org is None:
        raise NotFound(_("Organization"))
    return organization_for_user(actor, org.pk)


def members_of(*, actor: User | None, organization: Organization | int) -> QuerySet[Membership]:
    """The organization's memberships, for its owner/user managers or the operator (P4)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    if not is_operator(actor):
        membership = active_membership(actor, org_id)
        if membership is None:
            raise NotFound(_("Organization"))
        if Permission.MANAGE_USERS not in membership.effective_permissions:
            return Membership.objects.filter(pk=membership.pk).select_related("user")
    return (
        Membership.objects.select_related("user")
        .filter(organization_id=org_id)
        .order_by("-is_owner", "-is_active", "user__email")
    )


def membership_for(*, actor: User | None, membership_id: int) -> Membership:
    """One membership, visible to its user, its organization's user managers, the operator."""
    membership = (
        Membership.objects.select_related("user", "organization").filter(pk=membership_id).first()
    )
    if membership is None:
        raise NotFound(_("Membership"))
    if membership.user_id == getattr(actor, "pk", None) or is_operator(actor):
        return membership
    mine = active_membership(actor, membership.organization_id)
    if mine is None or Permission.MANAGE_USERS not in mine.effective_permissions:
        raise NotFound(_("Membership"))
    return membership


def invitations_for(
    *, actor: User | None, organization: Organization | int
) -> QuerySet[Invitation]:
    org_id = organization if isinstance(organization, int) else organization.pk
    if not is_operator(actor):
        mine = active_membership(actor, org_id)
        if mine is None or Permission.MANAGE_USERS not in mine.effective_permissions:
            raise NotFound(_("Organization"))
    return Invitation.objects.filter(organization_id=org_id).order_by("-created_at", "id")


def invitation_by_token(token: str) -> Invitation:
    """An open invitation (not accepted, revoked or expired); NotFound otherwise."""
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(
            token=token,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
        )
        .first()
    )
    if invitation is None:
        raise NotFound(_("Invitation"))
    return invitation


def organizations_for_operator(
    *, actor: User | None, state: str | None = None, search: str | None = None
) -> QuerySet[Organization]:
    require_operator(actor)
    qs = Organization.objects.all()
    if state:
        qs = qs.filter(state=state)
    if search:
        qs = qs.filter(
            Q(sort_name__contains=sort_key(search))  # accents and case ignored
            | Q(trade_name__icontains=search)
            | Q(siren=search.replace(" ", ""))
            | Q(customer_number__iexact=search)
        )
    return qs.order_by("sort_name", "id")


def active_sellers() -> QuerySet[Organization]:
    """Sellers anyone may browse (P5): public directory information only."""
    return Organization.objects.filter(is_seller=True, state=OrganizationState.ACTIVE).order_by(
        "legal_name", "id"
    )


# --- P2 onboarding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    document: OnboardingDocument | None
    problem: str | None  # None when satisfied; else "missing" | "expired" | "rejected"


def required_documents_for(organization: Organization) -> tuple[str, ...]:
    return rules.required_documents(
        is_buyer=organization.is_buyer,
        is_seller=organization.is_seller,
        selective_distribution=organization.selective_distribution,
        financing_enabled=organization.financing_enabled,
        is_company=organization.is_company,
    )


def document_problems_for(
    organization: Organization, *, today: date | None = None
) -> list[rules.DocumentProblem]:
    documents = [
        rules.DocumentFact(kind=d.kind, status=d.status, issue_date=d.issue_date)
        for d in OnboardingDocument.objects.filter(organization=organization)
    ]
    return rules.document_problems(
        required=required_documents_for(organization),
        documents=documents,
        today=today or clock.today(),
    )


def onboarding_checklist(
    *, actor: User | None, organization_id: int, today: date | None = None
) -> list[ChecklistItem]:
    """The P2 checklist of an organization, with the latest document of each kind."""
    organization = organization_for_user(actor, organization_id)
    problems = {p.kind: p.problem for p in document_problems_for(organization, today=today)}
    latest: dict[str, OnboardingDocument] = {}
    for doc in OnboardingDocument.objects.filter(organization=organization).order_by(
        "kind", "-uploaded_at", "-id"
    ):
        latest.setdefault(doc.kind, doc)
    return [
        ChecklistItem(
            kind=kind,
            label=str(DocumentKind(kind).label),
            document=latest.get(kind),
            problem=problems.get(kind),
        )
        for kind in required_documents_for(organization)
    ]


# --- P3 similar names --------------------------------------------------------------------------


@dataclass(frozen=True)
class NameMatch:
    organization_id: int
    name: str
    ratio: float

    def as_dict(self) -> dict[str, object]:
        return {"organization_id": self.organization_id, "name": self.name, "ratio": self.ratio}


def similar_names(name: str, *, exclude_id: int | None = None) -> list[NameMatch]:
    """Existing organizations whose legal or trade name is close to `name` (P3), closest first.

    For the operator's review: warnings, not errors.
    """
    if not rules.normalise_name(name):
        return []
    matches: list[NameMatch] = []
    qs = Organization.objects.exclude(state=OrganizationState.TERMINATED).values_list(
        "pk", "legal_name", "trade_name"
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    for pk, legal_name, trade_name in qs.iterator():
        best = max(
            ((rules.name_similarity(name, n), n) for n in (legal_name, trade_name) if n),
            default=(0.0, ""),
        )
        if best[0] >= rules.SIMILARITY_THRESHOLD:
            matches.append(NameMatch(pk, best[1], round(best[0], 3)))
    matches.sort(key=lambda m: (-m.ratio, m.organization_id))
    return matches


# --- P7 platform terms -------------------------------------------------------------------------


def platform_terms_in_force(at=None) -> PlatformTermsVersion | None:
    """The latest platform terms version whose effective date has come."""
    at = at or clock.now()
    return (
        PlatformTermsVersion.objects.filter(effective_at__lte=at).order_by("-effective_at").first()
    )


def platform_terms_pending_for(
    *, actor: User | None, organization_id: int
) -> list[PlatformTermsVersion]:
    """Published versions the organization has not answered yet (to notify it, P7)."""
    organization = organization_for_user(actor, organization_id)
    answered = PlatformTermsAcceptance.objects.filter(organization=organization).values(
        "terms_version_id"
    )
    return list(
        PlatformTermsVersion.objects.filter(published_at__lte=clock.now())
        .exclude(pk__in=answered)
        .order_by("published_at")
    )


def api_keys_for(organization: Organization | int) -> QuerySet[ApiKey]:
    """The organization's API keys, active first, newest first (callers check the right)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return (
        ApiKey.objects.filter(organization_id=org_id)
        .select_related("created_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-pk")
    )


# --- account pages and data export (P6, P9) -------------------------------------------------------


def addresses_of(organization: Organization | int) -> QuerySet[Address]:
    """The organization's own addresses (registered, delivery, billing), by kind (callers check
    the right)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return Address.objects.filter(organization_id=org_id).order_by("kind", "id")


def login_exists(email: str) -> bool:
    """Whether somebody already logs in with this e-mail (an invitation's landing page asks them
    to log in rather than to create a login)."""
    from comptoir.parties.models import User as UserModel  # a type-only import above

    return UserModel.objects.filter(email__iexact=(email or "").strip()).exists()


def documents_of(organization: Organization | int) -> QuerySet[OnboardingDocument]:
    """The onboarding documents an organization uploaded (P2), newest first: its own only (P9)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    return OnboardingDocument.objects.filter(organization_id=org_id).order_by("-uploaded_at", "-id")


def document_of(organization: Organization | int, document_id: int) -> OnboardingDocument:
    """One of the organization's onboarding documents; another organization's is `NotFound`,
    like a missing one (P9)."""
    document = documents_of(organization).filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Document"), field="document")
    return document
