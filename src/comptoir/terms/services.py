"""Use cases that change stored terms: create and edit drafts, publish a version (N3).

Every function is keyword-only and runs in one transaction. Publication refuses a document with
linter errors (the terms would break French law) and dates the version per N3: it governs orders
from the day after publication at the earliest, or after the notice the terms themselves set.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.parties.models import Organization
from comptoir.terms.linter import LATEST_ECB_RATE, LATEST_LEGAL_RATE, Finding, lint
from comptoir.terms.loader import content_hash, parse_toml, preset_text, validate_terms
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.schema import Delay, TermsDocument


def earliest_effective_date(doc: TermsDocument, published_on: date) -> date:
    """N3: the first day a version published on ``published_on`` may govern orders.

    Never before the day after publication; when the terms set a notice (``terms_changes``), not
    before the notice has run (calendar days, weeks, months; business days per the French
    calendar).
    """
    earliest = published_on + timedelta(days=1)
    changes = doc.terms_changes
    if changes.effective == "after_notice" and changes.notice is not None:
        earliest = max(earliest, notice_end(published_on, changes.notice))
    return earliest


def notice_end(start: date, notice: Delay) -> date:
    from comptoir.core import calendar

    unit, n = notice.unit, notice.amount
    if unit == "business_days":
        return calendar.add_business_days(start, n)
    if unit == "working_days":
        return calendar.add_working_days(start, n)
    if unit == "weeks":
        return start + timedelta(weeks=n)
    if unit == "months":
        return calendar.add_months(start, n)
    if unit in ("hours", "business_hours"):
        return start + timedelta(days=-(-n // 24))
    return start + timedelta(days=n)


def rates_on(day: date) -> tuple[Decimal, Decimal]:
    """(legal rate, ECB rate) in force on ``day`` from the rate tables; the linter's published
    constants when the tables have no row for that day."""
    from comptoir.core.queries import rate_table_snapshot

    try:
        tables = rate_table_snapshot()
        return tables.legal_rate_on(day), tables.ecb_rate_on(day)
    except DomainError:
        return LATEST_LEGAL_RATE, LATEST_ECB_RATE


def _audit(actor: Any, version: TermsVersion, action: str, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organization_id=version.seller_id,
        action=action,
        obj_type="terms.termsversion",
        obj_id=version.pk,
        data={"version": version.version, "content_hash": version.content_hash, **data},
    )


def _parse(source: str) -> tuple[TermsDocument, dict[str, Any], str]:
    doc = validate_terms(parse_toml(source, "<draft>"), "<draft>")
    return doc, doc.to_json(), content_hash(source)


def _check_seller(seller: Organization) -> None:
    if not seller.is_seller:
        raise DomainError(
            "not_a_seller",
            _("Only a seller has terms of sale."),
            "seller",
            "N3",
        )


@transaction.atomic
def terms_version_create_draft(
    *, seller: Organization, source: str, actor: Any = None, preset: str = ""
) -> TermsVersion:
    """A new draft with the next version number of ``seller`` (gapless: the seller row is locked
    while the number is taken). Raises ``TermsInvalid`` (a DomainError) on schema errors."""
    _check_seller(seller)
    doc, parsed, digest = _parse(source)
    Organization.objects.select_for_update().filter(pk=seller.pk).first()
    last = TermsVersion.objects.filter(seller=seller).aggregate(m=Max("version"))["m"] or 0
    created = TermsVersion.objects.create(
        seller=seller,
        version=last + 1,
        status=TermsStatus.DRAFT,
        preset=preset or (doc.meta.preset or ""),
        source=source,
        parsed=parsed,
        content_hash=digest,
        lint_report=[f.as_dict() for f in lint(doc)],
        created_at=clock.now(),
        created_by=actor,
    )
    _audit(actor, created, "terms.draft_create", {"preset": created.preset})
    return created


def terms_version_create_from_preset(
    *, seller: Organization, preset: str, actor: Any = None
) -> TermsVersion:
    """A draft holding one of the five presets, for the seller to adapt."""
    return terms_version_create_draft(
        seller=seller, source=preset_text(preset), actor=actor, preset=preset
    )


@transaction.atomic
def terms_version_update_draft(
    *, version: TermsVersion, source: str, actor: Any = None
) -> TermsVersion:
    """Replace the source of a draft (a published version never changes)."""
    locked = TermsVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != TermsStatus.DRAFT:
        raise DomainError(
            "terms_version_published",
            _("A published version is immutable."),
            "version",
            "N3",
        )
    doc, parsed, digest = _parse(source)
    locked.source, locked.parsed, locked.content_hash = source, parsed, digest
    locked.lint_report = [f.as_dict() for f in lint(doc)]
    locked.save(update_fields=["source", "parsed", "content_hash", "lint_report"])
    _audit(actor, locked, "terms.draft_update", {})
    return locked


class TermsNotPublishable(DomainError):
    """The linter's errors, each ``location: message [law]`` in the active language (the
    request's: services run under it); ``details["findings"]`` carries both languages."""

    def __init__(self, findings: list[Finding]) -> None:
        language = get_language()
        super().__init__(
            code="terms_not_publishable",
            message="; ".join(f"{f.location}: {f.text(language)} [{f.law}]" for f in findings),
            field=findings[0].location if findings else None,
            rule="N3",
            details={"findings": [f.as_dict() for f in findings]},
        )
        self.findings = findings


@transaction.atomic
def terms_version_publish(
    *, version: TermsVersion, effective_from: date | None = None, actor: Any = None
) -> TermsVersion:
    """Publish a draft.

    Refused when the linter, run with the legal and ECB rates in force on the publication day,
    reports errors (``TermsNotPublishable`` lists them), or when ``effective_from`` is earlier
    than N3 allows; by default the version takes effect on the earliest allowed day."""
    locked = TermsVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != TermsStatus.DRAFT:
        raise DomainError(
            "terms_version_published",
            _("This version is already published."),
            "version",
            "N3",
        )
    doc, _parsed, _digest = _parse(locked.source)
    published_at = clock.now()
    published_on = published_at.astimezone(clock.PARIS).date()
    legal_rate, ecb_rate = rates_on(published_on)
    findings = lint(doc, legal_rate=legal_rate, ecb_rate=ecb_rate)
    blocking = [f for f in findings if f.severity == "error"]
    if blocking:
        raise TermsNotPublishable(blocking)
    earliest = earliest_effective_date(doc, published_on)
    if effective_from is None:
        effective_from = earliest
    elif effective_from < earliest:
        raise DomainError(
            "effective_from_too_early",
            _("A new version cannot take effect before %(date)s.")
            % {"date": f"{earliest:%d/%m/%Y}"},
            "effective_from",
            "N3",
            {"earliest": earliest.isoformat()},
        )
    locked.status = TermsStatus.PUBLISHED
    locked.published_at = published_at
    locked.published_by = actor
    locked.effective_from = effective_from
    locked.lint_report = [f.as_dict() for f in findings]
    locked.save(
        update_fields=["status", "published_at", "published_by", "effective_from", "lint_report"]
    )
    _audit(
        actor,
        locked,
        "terms.publish",
        {"effective_from": effective_from, "warnings": [f.code for f in findings]},
    )
    return locked
