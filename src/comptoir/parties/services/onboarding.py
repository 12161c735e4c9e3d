"""Onboarding documents (P2) and platform terms versions (P7)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.parties import rules
from comptoir.parties.models import (
    DocumentKind,
    DocumentStatus,
    OnboardingDocument,
    Organization,
    OrganizationState,
    PlatformTermsAcceptance,
    PlatformTermsVersion,
    TermsDecision,
)
from comptoir.parties.permissions import active_membership, is_operator, require_operator
from comptoir.parties.services._audit import _audit

if TYPE_CHECKING:
    from comptoir.parties.models import User


def _require_owner_or_operator(actor: User | None, organization: Organization) -> None:
    if is_operator(actor):
        return
    membership = active_membership(actor, organization)
    if membership is None or not membership.is_owner:
        raise PermissionDenied(_("Account owner only."), rule="P2")


@transaction.atomic
def document_upload(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    file: File,
    issue_date: date | None = None,
) -> OnboardingDocument:
    """Add an onboarding document (P2). A Kbis needs its issue date and must be < 3 months old."""
    _require_owner_or_operator(actor, organization)
    if kind not in DocumentKind.values:
        raise DomainError("invalid_document_kind", _("Unknown document type."), "kind", "P2")
    if not file:
        raise DomainError("required", _("Attach the file."), "file", "P2")
    rules.check_document_date(kind=kind, issue_date=issue_date, today=clock.today())
    document = OnboardingDocument(
        organization=organization,
        kind=kind,
        issue_date=issue_date,
        uploaded_at=clock.now(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        status=DocumentStatus.PENDING,
    )
    document.file.save(getattr(file, "name", None) or f"{kind}.pdf", file, save=False)
    document.save()
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="document.upload",
        obj_type="parties.OnboardingDocument",
        obj_id=document.pk,
        data={"kind": kind, "issue_date": issue_date, "file": document.file.name},
    )
    return document


@transaction.atomic
def document_review(
    *, actor: User | None, document: OnboardingDocument, accepted: bool, note: str = ""
) -> OnboardingDocument:
    """The operator accepts or rejects a document (a rejection needs a note)."""
    require_operator(actor)
    document = OnboardingDocument.objects.select_for_update().get(pk=document.pk)
    if not accepted and not note.strip():
        raise DomainError("reason_required", _("Give the reason for the refusal."), "note", "P2")
    document.status = DocumentStatus.ACCEPTED if accepted else DocumentStatus.REJECTED
    document.review_note = note.strip()
    document.reviewed_at = clock.now()
    document.save(update_fields=["status", "review_note", "reviewed_at"])
    _audit(
        actor=actor,
        organization_id=document.organization_id,
        action="document.review",
        obj_type="parties.OnboardingDocument",
        obj_id=document.pk,
        data={"kind": document.kind, "status": document.status, "note": document.review_note},
    )
    return document


@transaction.atomic
def platform_terms_publish(
    *,
    actor: User | None,
    version: str,
    text: str,
    published_at: datetime | None = None,
) -> PlatformTermsVersion:
    """Publish a platform terms version; it takes effect 15 calendar days later (P7)."""
    require_operator(actor)
    version = version.strip()
    if not version:
        raise DomainError("required", _("The version number is required."), "version", "P7")
    if not text.strip():
        raise DomainError("required", _("The text is required."), "text", "P7")
    if PlatformTermsVersion.objects.filter(version=version).exists():
        raise DomainError("version_exists", _("This version already exists."), "version", "P7")
    published = published_at or clock.now()
    terms = PlatformTermsVersion.objects.create(
        version=version,
        text=text,
        published_at=published,
        effective_at=rules.platform_terms_effective_at(published),
    )
    _audit(
        actor=actor,
        organization_id=None,
        action="platform_terms.publish",
        obj_type="parties.PlatformTermsVersion",
        obj_id=terms.pk,
        data={"version": version, "effective_at": terms.effective_at},
    )
    return terms


def _decide(
    *,
    actor: User | None,
    organization: Organization,
    terms_version: PlatformTermsVersion,
    decision: str,
) -> PlatformTermsAcceptance:
    _require_owner_or_operator(actor, organization)
    now = clock.now()
    if decision == TermsDecision.REFUSED and now >= terms_version.effective_at:
        raise DomainError(
            "refusal_window_closed",
            _("The 15-day refusal window has closed."),
            "terms_version",
            "P7",
        )
    record, created = PlatformTermsAcceptance.objects.get_or_create(
        organization=organization,
        terms_version=terms_version,
        defaults={
            "decision": decision,
            "decided_at": now,
            "decided_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    if not created and record.decision != decision:
        record.decision = decision
        record.decided_at = now
        record.decided_by = actor if getattr(actor, "pk", None) else None
        record.save(update_fields=["decision", "decided_at", "decided_by"])
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action=f"platform_terms.{decision}",
        obj_type="parties.PlatformTermsAcceptance",
        obj_id=record.pk,
        data={"version": terms_version.version},
    )
    return record


@transaction.atomic
def platform_terms_accept(
    *, actor: User | None, organization: Organization, terms_version: PlatformTermsVersion
) -> PlatformTermsAcceptance:
    return _decide(
        actor=actor,
        organization=organization,
        terms_version=terms_version,
        decision=TermsDecision.ACCEPTED,
    )


@transaction.atomic
def platform_terms_refuse(
    *, actor: User | None, organization: Organization, terms_version: PlatformTermsVersion
) -> PlatformTermsAcceptance:
    """Refuse a new version within its 15-day window: the member is terminated when it takes
    effect (P7, applied by the `parties.terminate_terms_refusals` sweep)."""
    return _decide(
        actor=actor,
        organization=organization,
        terms_version=terms_version,
        decision=TermsDecision.REFUSED,
    )


@transaction.atomic
def terms_refusals_terminate(*, until: datetime) -> int:
    """Terminate members that refused a platform terms version now in effect (P7). Idempotent."""
    refusals = PlatformTermsAcceptance.objects.filter(
        decision=TermsDecision.REFUSED, terms_version__effective_at__lte=until
    ).exclude(organization__state=OrganizationState.TERMINATED)
    changed = 0
    for refusal in refusals.select_related("terms_version"):
        org = Organization.objects.select_for_update().get(pk=refusal.organization_id)
        if org.state == OrganizationState.TERMINATED:
            continue
        org.state = OrganizationState.TERMINATED
        org.terminated_at = refusal.terms_version.effective_at
        org.termination_reason = (
            f"Refus des conditions de la plateforme version {refusal.terms_version.version} (P7)"
        )
        org.updated_at = clock.now()
        org.save(update_fields=["state", "terminated_at", "termination_reason", "updated_at"])
        _audit(
            actor=None,
            organization_id=org.pk,
            action="organization.terminate",
            obj_type="parties.Organization",
            obj_id=org.pk,
            data={"reason": org.termination_reason},
        )
        changed += 1
    return changed
