"""Imports and exports that run as jobs: the seller's catalog as CSV (C1, C3), and the job page
that shows any job's progress (an htmx-polled bar) and then its result or every problem found.

Permissions. The import and export pages need the seller role (404 for buyers, as the other seller
pages) and the right `manage_catalog`, which the catalog services enforce too. A job page is
visible to every member of the job's organization and answers 404 to everybody else."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.catalog.services import catalog_export as export_csv
from comptoir.catalog.services import catalog_import_start
from comptoir.catalog.services.importing import (
    COLUMNS,
    IMPORT_KIND,
    MAX_IMPORT_BYTES,
    seller_tariffs,
    tariff_for_import,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.jobs import job_get, jobs_recent
from comptoir.core.models import Job
from comptoir.parties.acting import acting_membership
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments.services.statements import IMPORT_KIND as STATEMENT_IMPORT_KIND
from comptoir.web.ordering import _error, page

CATALOG = Permission.MANAGE_CATALOG
ERRORS_SHOWN = 500
HTMX_STOP_POLLING = 286  # htmx stops polling when a poll answers this status


def _seller(membership: Membership) -> Organization:
    if not membership.organization.is_seller:
        raise Http404("Not a seller")
    return membership.organization


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- catalog -----------------------------------------------------------------------------------


@page(CATALOG)
def catalog_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The upload form (GET); the upload queues an import job and shows its page (POST)."""
    seller = _seller(membership)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(
                    code="file_required", message=_("Choose a CSV file."), field="file"
                )
            if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
                raise DomainError(
                    code="file_too_large",
                    message=_("The file is larger than %(n)s MB.")
                    % {"n": MAX_IMPORT_BYTES // 1024**2},
                    field="file",
                )
            job = catalog_import_start(
                actor=request.user,
                seller=seller,
                data=upload.read(),
                filename=upload.name or "",
                tariff_id=_int(request.POST.get("tariff")),
                language=get_language(),
            )
        except DomainError as error:
            _error(request, error)
            return redirect("web:catalog_import")
        return redirect("web:job_detail", job_id=job.pk)
    default = tariff_for_import(seller)
    return render(
        request,
        "web/imports/catalog_import.html",
        {
            "seller": seller,
            "tariffs": seller_tariffs(seller),
            "default_tariff": default.pk if default else None,
            "columns": COLUMNS,
            "jobs": jobs_recent(organization_id=seller.pk, kind=IMPORT_KIND),
            "max_mb": MAX_IMPORT_BYTES // 1024**2,
        },
    )


@page(CATALOG)
def catalog_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's catalog as CSV, in the import's columns (prices of the tariff in force or of
    `?tariff=`)."""
    seller = _seller(membership)
    try:
        tariff_id = _int(request.GET.get("tariff"))
        tariff = tariff_for_import(seller, tariff_id) if tariff_id else None
        text = export_csv(actor=request.user, seller=seller, tariff=tariff)
    except DomainError as error:
        _error(request, error)
        return redirect("web:catalog_import")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"catalog-{seller.pk}-{clock.today():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- jobs --------------------------------------------------------------------------------------


def _status_labels() -> dict[str, str]:
    return {
        Job.Status.QUEUED: _("Waiting for a worker"),
        Job.Status.RUNNING: _("Running"),
        Job.Status.DONE: _("Done"),
        Job.Status.FAILED: _("Stopped: nothing was changed"),
    }


def _kind_labels() -> dict[str, str]:
    return {IMPORT_KIND: _("Catalog import"), STATEMENT_IMPORT_KIND: _("Bank statement import")}


def _back_links() -> dict[str, tuple[str, str]]:
    """Where a job's page leads back to: (URL name, link text) by job kind."""
    return {
        IMPORT_KIND: ("web:catalog_import", _("Back to the catalog import")),
        STATEMENT_IMPORT_KIND: ("web:bank_statements", _("Back to the bank statements")),
    }


def _result_rows(job: Job) -> list[tuple[str, Any]]:
    labels = {
        "lines": _("Lines read"),
        "created": _("Products created"),
        "updated": _("Products updated"),
        "unchanged": _("Products unchanged"),
        "brands_created": _("Brands created"),
        "prices_set": _("Prices set"),
        "stock_set": _("Stock counts set"),
        "tariff": _("Tariff"),
        "statements": _("Statements imported"),
        "recorded": _("Entries recorded"),
        "matched": _("Entries matched (invoice or direct debit)"),
        "to_review": _("Entries sent to review"),
        "returned": _("Direct debit returns"),
        "skipped": _("Entries already known"),
        "already_imported": _("Statements already imported (nothing changed)"),
    }
    rows = []
    for key, value in (job.result or {}).items():
        if isinstance(value, list | dict):
            continue
        rows.append((labels.get(key, key), value if value != "" else "—"))
    return rows


def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """A job's progress, then its result or every problem found. Polled by htmx while it runs:
    a poll gets the fragment only, and the last one stops the polling."""
    membership = acting_membership(request)
    if membership is None:
        return redirect_to_login(request.get_full_path())
    try:
        job = job_get(organization_id=membership.organization_id, job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    errors = job.errors if isinstance(job.errors, list) else []
    context = {
        "job": job,
        "kind_label": _kind_labels().get(job.kind, job.kind),
        "status_label": _status_labels().get(job.status, job.status),
        "percent": job.percent,
        "result_rows": _result_rows(job),
        "rises": (job.result or {}).get("price_rises_over_5_percent") or [],
        "errors": errors[:ERRORS_SHOWN],
        "errors_hidden": max(0, len(errors) - ERRORS_SHOWN),
        "back_url": _back_links().get(job.kind, (None, ""))[0],
        "back_label": _back_links().get(job.kind, (None, ""))[1],
    }
    if request.headers.get("HX-Request"):
        response = render(request, "web/imports/_job.html", context)
        if job.finished:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "web/imports/job.html", context)
