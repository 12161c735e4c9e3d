"""Reads of stored terms: the version in force, a seller's versions, the parsed document."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from comptoir.core import clock
from comptoir.core.errors import NotFound
from comptoir.parties.models import Organization
from comptoir.terms.loader import validate_terms
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.schema import TermsDocument


def _day(at: date | datetime | None) -> date:
    if at is None:
        return clock.today()
    if isinstance(at, datetime):
        aware = at if at.tzinfo is not None else at.replace(tzinfo=clock.PARIS)
        return aware.astimezone(clock.PARIS).date()
    return at


def terms_in_force(seller: Organization, at: date | datetime | None = None) -> TermsVersion | None:
    """The published version governing an order ``seller`` receives at ``at`` (default now):
    the one with the latest ``effective_from`` on or before that day (Paris), the highest version
    number breaking a tie (N3). None when the seller has no version in force yet."""
    day = _day(at)
    return (
        TermsVersion.objects.filter(
            seller=seller, status=TermsStatus.PUBLISHED, effective_from__lte=day
        )
        .order_by("-effective_from", "-version")
        .first()
    )


def terms_in_force_or_404(seller: Organization, at: date | datetime | None = None) -> TermsVersion:
    found = terms_in_force(seller, at)
    if found is None:
        raise NotFound("Terms of sale in force", field="seller")
    return found


def terms_versions_for(seller: Organization) -> QuerySet[TermsVersion]:
    """All versions of ``seller``'s terms, newest first (the seller's own view)."""
    return TermsVersion.objects.filter(seller=seller).order_by("-version")


def terms_version_get(*, seller: Organization, number: int) -> TermsVersion:
    """One version of ``seller``'s terms by its number (never by bare primary key)."""
    found = TermsVersion.objects.filter(seller=seller, version=number).first()
    if found is None:
        raise NotFound("Terms version", field="version")
    return found


def terms_document(version: TermsVersion) -> TermsDocument:
    """The validated document of a stored version (from its parsed JSON)."""
    return validate_terms(version.parsed, source=f"terms v{version.version}")
