"""Moderation of reported products (C7): a member reports a product, the operator dismisses the
reports or removes the product with a recorded reason (P6). One transaction each, audited (P8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from comptoir.catalog import queries
from comptoir.catalog.models import Product, ProductReport, ReportReason, ReportStatus
from comptoir.catalog.services._common import _audit
from comptoir.catalog.services.products import product_remove
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.parties.models import Organization
from comptoir.parties.permissions import active_membership, require_operator

if TYPE_CHECKING:
    from comptoir.parties.models import User

__all__ = [
    "REPORT_TEXT_MAX",
    "ReportGroup",
    "product_report",
    "report_action_remove",
    "report_clean",
    "report_dismiss",
    "report_queue",
]

REPORT_TEXT_MAX = 2000
DECISION_NOTE_MAX = 2000


# --- pure checks -------------------------------------------------------------------------------


def report_clean(reason: str, text: str) -> tuple[str, str]:
    """The report's reason and text, checked (C7): a reason of the list; a text of at most
    `REPORT_TEXT_MAX` characters, required when the reason is "other"."""
    reason = (reason or "").strip()
    text = (text or "").strip()
    if reason not in ReportReason.values:
        raise DomainError("invalid_reason", _("Choose a reason from the list."), "reason", "C7")
    if len(text) > REPORT_TEXT_MAX:
        raise DomainError(
            "text_too_long",
            _("The description is limited to %(n)s characters.") % {"n": REPORT_TEXT_MAX},
            "text",
            "C7",
        )
    if reason == ReportReason.OTHER and not text:
        raise DomainError(
            "text_required", _("Describe the problem when the reason is “Other”."), "text", "C7"
        )
    return reason, text


def _decision_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise DomainError(
            "reason_required", _("Give the reason for removing the product."), "reason", "C7"
        )
    if len(note) > DECISION_NOTE_MAX:
        raise DomainError(
            "reason_too_long",
            _("The reason is limited to %(n)s characters.") % {"n": DECISION_NOTE_MAX},
            "reason",
            "C7",
        )
    return note


# --- use cases ---------------------------------------------------------------------------------


@transaction.atomic
def product_report(
    *,
    actor: User | None,
    reporter: Organization,
    product: Product,
    reason: str,
    text: str = "",
) -> tuple[ProductReport, bool]:
    """A member of `reporter` reports `product` to the operator (C7).

    The product must be visible to the reporter and not its own. Idempotent: while the
    organization's report of this product is open, reporting it again returns that report and
    `False` (nothing written); a new report can follow once the operator has decided.
    """
    if actor is None or active_membership(actor, reporter) is None:
        raise PermissionDenied(_("Only a member of the organization may report a product."))
    if product.seller_id == reporter.pk:
        raise DomainError(
            "own_product", _("A seller cannot report its own product."), "product", "C7"
        )
    if not queries.product_visible_to(reporter, product):
        raise NotFound(_("Product"), field="product")
    reason, text = report_clean(reason, text)
    # one reporter at a time per product: the open-report check below cannot race
    Product.objects.select_for_update().filter(pk=product.pk).first()
    existing = ProductReport.objects.filter(
        product=product, reporter_organization=reporter, status=ReportStatus.OPEN
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = ProductReport.objects.create(
                product=product,
                reporter_organization=reporter,
                reporter_user=actor,
                reason=reason,
                text=text,
                created_at=clock.now(),
            )
    except IntegrityError:  # a concurrent report of the same organization won
        return (
            ProductReport.objects.get(
                product=product, reporter_organization=reporter, status=ReportStatus.OPEN
            ),
            False,
        )
    _audit(
        actor=actor,
        organization_id=reporter.pk,
        action="product.report",
        obj_type="catalog.ProductReport",
        obj_id=report.pk,
        data={"product_id": product.pk, "seller_id": product.seller_id, "reason": reason},
    )
    return report, True


def _close_open_reports(
    *, actor: User | None, product: Product, status: str, note: str
) -> list[int]:
    reports = list(
        ProductReport.objects.select_for_update()
        .filter(product=product, status=ReportStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if reports:
        ProductReport.objects.filter(pk__in=reports).update(
            status=status, decided_by=actor, decided_at=clock.now(), decision_note=note
        )
    return reports


@transaction.atomic
def report_dismiss(*, actor: User | None, product: Product, note: str = "") -> int:
    """The operator dismisses every open report of `product` (C7); returns how many. Once they
    are closed, dismissing again changes nothing and returns 0."""
    require_operator(actor)
    note = _decision_note(note, required=False)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    closed = _close_open_reports(
        actor=actor, product=locked, status=ReportStatus.DISMISSED, note=note
    )
    if closed:
        _audit(
            actor=actor,
            organization_id=locked.seller_id,
            action="product.reports_dismiss",
            obj_type="catalog.Product",
            obj_id=locked.pk,
            data={"reports": closed, "note": note},
        )
    return len(closed)


@transaction.atomic
def report_action_remove(*, actor: User | None, product: Product, reason: str) -> int:
    """The operator removes `product` with a recorded reason (P6, C7, through `product_remove`)
    and closes its open reports as actioned; returns how many. A product already removed keeps
    its first removal and reason: only the reports still open are closed."""
    require_operator(actor)
    reason = _decision_note(reason, required=True)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.removed_at is None:
        locked = product_remove(actor=actor, product=locked, reason=reason)
    closed = _close_open_reports(
        actor=actor, product=locked, status=ReportStatus.ACTIONED, note=reason
    )
    if closed:
        _audit(
            actor=actor,
            organization_id=locked.seller_id,
            action="product.reports_action",
            obj_type="catalog.Product",
            obj_id=locked.pk,
            data={"reports": closed, "reason": reason},
        )
    return len(closed)


# --- the operator's queue ----------------------------------------------------------------------


@dataclass
class ReportGroup:
    """The open reports of one product, oldest first, with a count per reason."""

    product: Product
    count: int
    first_at: datetime
    last_at: datetime
    reasons: dict[str, int] = field(default_factory=dict)
    reports: list[ProductReport] = field(default_factory=list)


def report_queue(*, limit: int = 100) -> tuple[list[ReportGroup], int]:
    """Products with open reports, the most reported first (then the oldest report), at most
    `limit` of them, and how many products have open reports in all. Four queries whatever the
    size of the queue (the (status, product) index serves the grouping)."""
    open_reports = ProductReport.objects.filter(status=ReportStatus.OPEN)
    rows = list(
        open_reports.values("product_id")
        .annotate(n=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("-n", "first", "product_id")[:limit]
    )
    total = open_reports.values("product_id").distinct().count()
    ids = [row["product_id"] for row in rows]
    products = Product.objects.select_related("seller", "brand").in_bulk(ids)
    groups = {
        row["product_id"]: ReportGroup(
            product=products[row["product_id"]],
            count=row["n"],
            first_at=row["first"],
            last_at=row["last"],
        )
        for row in rows
    }
    for report in (
        open_reports.filter(product_id__in=ids)
        .select_related("reporter_organization", "reporter_user")
        .order_by("created_at", "pk")
    ):
        group = groups[report.product_id]
        group.reports.append(report)
        group.reasons[report.reason] = group.reasons.get(report.reason, 0) + 1
    return [groups[i] for i in ids], total
