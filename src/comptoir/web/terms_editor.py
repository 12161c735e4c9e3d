"""The seller's terms editor: its versions of the terms of sale, a draft's TOML edited with live
checks (schema errors and the legal linter), a preview as buyers will read it with a sample quote,
and publication with an effective date (N3). Views parse input, call the terms services and
queries and the ordering quote, and render; refusals show the rule they come from.

Permissions. Terms of sale commit the company towards every buyer (prices, payment terms,
penalties), which none of the commercial rights covers: editing, previewing and publishing them is
the act of an owner or of an employee holding "manage users" (`Permission.MANAGE_USERS`, P4), the
administrator's right also required for API keys and webhooks. Other employees get 403, buyers'
organizations 404 (they have no terms to edit), and a version number of another seller 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.quoting import LineRequest, quote_cart
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.terms import services as terms
from comptoir.terms.loader import PRESET_NAMES, TermsInvalid
from comptoir.terms.models import TermsVersion
from comptoir.terms.queries import (
    TermsCheck,
    terms_document,
    terms_in_force,
    terms_source_check,
    terms_version_get,
    terms_versions_overview,
)
from comptoir.terms.render import render_html
from comptoir.web.ordering import _error, page

EDIT = Permission.MANAGE_USERS
MAX_SOURCE = 200 * 1024  # characters; the presets are about 20 000
SAMPLE_ROWS = 5
SAMPLE_PRODUCTS = 3


def _seller(membership: Membership) -> Organization:
    if not membership.organization.is_seller:
        raise Http404("Not a seller")
    return membership.organization


def _version(membership: Membership, number: int) -> TermsVersion:
    """One of the acting seller's versions (NotFound → 404 through `page`)."""
    return terms_version_get(seller=_seller(membership), number=number)


def _source(request: HttpRequest) -> str:
    return request.POST.get("source", "")[:MAX_SOURCE]


def _state_labels() -> dict[str, str]:
    return {
        "draft": _("Draft"),
        "in_force": _("In force"),
        "scheduled": _("Published, not yet in force"),
        "superseded": _("Superseded"),
    }


def _preset_labels() -> list[tuple[str, str]]:
    labels = {
        "marketplace": _("Marketplace (operator intermediating many brands)"),
        "monthly-intranet": _("Monthly intranet (producer, partner shops, monthly batch)"),
        "electronics-wholesale": _("Electronics wholesale (webshop and EDI)"),
        "selective-beauty": _("Selective beauty (professional shop, selective brands)"),
        "digital-goods": _("Digital goods (software, licenses, downloads)"),
    }
    return [(name, labels.get(name, name)) for name in PRESET_NAMES]


def _notice_clause(check: TermsCheck) -> str:
    """The seller's own clause on when a new version applies (``terms_changes``), for N3."""
    doc = check.document
    if doc is None or doc.terms_changes.clause is None:
        return ""
    clause = doc.terms_changes.clause
    return f"{clause.article} — {clause.text}" if clause.text else clause.article


# --- the list of versions ----------------------------------------------------------------------


@page(EDIT)
def versions(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's versions: drafts, the one in force today, the scheduled and superseded ones."""
    seller = _seller(membership)
    rows, in_force = terms_versions_overview(seller)
    labels = _state_labels()
    return render(
        request,
        "web/terms_editor/versions.html",
        {
            "seller": seller,
            "rows": [(row.version, row.state, labels[row.state]) for row in rows],
            "in_force": in_force,
            "today": clock.today(),
            "presets": _preset_labels(),
        },
    )


@require_POST
@page(EDIT)
def version_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A new draft: a copy of the version in force, or one of the presets."""
    seller = _seller(membership)
    origin = request.POST.get("origin", "")[:32]
    try:
        if origin == "in_force":
            current = terms_in_force(seller)
            if current is None:
                messages.error(request, _("No version of your terms is in force yet (N3)."))
                return redirect("web:seller_terms")
            draft = terms.terms_version_create_draft(
                seller=seller, source=current.source, actor=request.user, preset=current.preset
            )
        elif origin == "preset":
            draft = terms.terms_version_create_from_preset(
                seller=seller, preset=request.POST.get("preset", "")[:32], actor=request.user
            )
        else:
            messages.error(request, _("Choose where the new draft starts from."))
            return redirect("web:seller_terms")
    except DomainError as error:
        _error(request, error)
        return redirect("web:seller_terms")
    messages.success(request, _("Draft %(v)s created.") % {"v": draft.version})
    return redirect("web:seller_terms_edit", version=draft.version)


# --- editing a draft ---------------------------------------------------------------------------


def _editor_context(version: TermsVersion, source: str, check: TermsCheck) -> dict[str, Any]:
    """The editor page: ``source`` as shown (the saved one, or the rejected text kept for the
    seller to fix) with its ``check``; the publication form works on the saved draft."""
    saved = check if source == version.source else terms_source_check(version.source)
    return {
        "version": version,
        "source": source,
        "check": check,
        "saved": saved,
        "notice_clause": _notice_clause(saved),
        "earliest": saved.earliest,
        "unsaved": source != version.source,
        "today": clock.today(),
    }


@require_http_methods(["GET", "POST"])
@page(EDIT)
def version_edit(request: HttpRequest, membership: Membership, version: int) -> HttpResponse:
    """A draft's TOML with its live checks (GET), saved on POST; a published version read-only."""
    found = _version(membership, version)
    if request.method == "POST":
        source = _source(request)
        try:
            saved = terms.terms_version_update_draft(
                version=found, source=source, actor=request.user
            )
        except TermsInvalid:
            messages.error(
                request,
                _("The draft was not saved: the document does not match the schema (N3)."),
            )
            context = _editor_context(found, source, terms_source_check(source))
            return render(request, "web/terms_editor/edit.html", context, status=422)
        except DomainError as error:
            _error(request, error)
            return redirect("web:seller_terms_edit", version=found.version)
        blocking = sum(1 for f in saved.lint_report if f.get("severity") == "error")
        if blocking:
            messages.warning(
                request,
                _("Draft saved; %(n)s legal error(s) must be fixed before publishing.")
                % {"n": blocking},
            )
        else:
            messages.success(request, _("Draft saved."))
        return redirect("web:seller_terms_edit", version=saved.version)
    context = _editor_context(found, found.source, terms_source_check(found.source))
    return render(request, "web/terms_editor/edit.html", context)


@require_POST
@page(EDIT)
def version_check(request: HttpRequest, membership: Membership, version: int) -> HttpResponse:
    """The checks of the text being typed (htmx fragment): schema errors, then linter findings
    with their rule, law and clause. Nothing is stored."""
    found = _version(membership, version)
    source = _source(request)
    return render(
        request,
        "web/terms_editor/_checks.html",
        {"version": found, "check": terms_source_check(source), "live": True},
    )


# --- publishing --------------------------------------------------------------------------------


@require_POST
@page(EDIT)
def version_publish(request: HttpRequest, membership: Membership, version: int) -> HttpResponse:
    """Publish the saved draft with an effective date (default and minimum: the earliest day N3
    and the seller's own notice allow)."""
    found = _version(membership, version)
    back = redirect("web:seller_terms_edit", version=found.version)
    if request.POST.get("content_hash", "") != found.content_hash:
        messages.error(
            request,
            _(
                "The draft changed since this page was shown (or was never saved): check it "
                "again before publishing."
            ),
        )
        return back
    raw = request.POST.get("effective_from", "").strip()[:10]
    effective: date | None = None
    if raw:
        try:
            effective = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("The effective date is not a valid date (YYYY-MM-DD)."))
            return back
    try:
        published = terms.terms_version_publish(
            version=found, effective_from=effective, actor=request.user
        )
    except terms.TermsNotPublishable as refused:
        language = get_language()
        for finding in refused.findings:
            text = finding.text(language)
            messages.error(
                request, f"{finding.location}: {text} [{finding.law}] ({finding.rule or 'N3'})"
            )
        messages.error(request, _("Not published: the legal errors above must be fixed first."))
        return back
    except DomainError as error:
        if error.code == "effective_from_too_early":
            earliest = date.fromisoformat(error.details["earliest"])
            clause = _notice_clause(terms_source_check(found.source))
            text = _(
                "A new version cannot take effect before %(date)s: the day after publication "
                "at the earliest, or after the notice your terms set (N3)."
            ) % {"date": earliest.strftime("%d/%m/%Y")}
            messages.error(request, f"{text} {clause}".strip())
        else:
            _error(request, error)
        return back
    day = published.effective_from.strftime("%d/%m/%Y") if published.effective_from else ""
    messages.success(
        request,
        _("Version %(v)s published; it governs orders from %(date)s (N3).")
        % {"v": published.version, "date": day},
    )
    return redirect("web:seller_terms")


# --- preview: the rendered terms and a sample quote --------------------------------------------


@dataclass(frozen=True)
class SampleRow:
    index: int
    sku: str
    quantity: str


def _sample_rows(request: HttpRequest, seller: Organization) -> tuple[list[SampleRow], bool]:
    """The rows of the sample form: what the seller asked for, or the default sample (the first
    products of its catalog, one quantity a case multiple and one just above)."""
    skus = [s.strip()[:64] for s in request.GET.getlist("sku")][:SAMPLE_ROWS]
    quantities = [q.strip()[:9] for q in request.GET.getlist("quantity")][:SAMPLE_ROWS]
    asked = any(skus)
    if not asked:
        products = list(
            catalog.products_for_seller(seller, seller).filter(is_active=True)[:SAMPLE_PRODUCTS]
        )
        skus = [p.sku for p in products]
        quantities = [
            str(p.pack_size * 2 if i % 2 == 0 else p.pack_size + 1) for i, p in enumerate(products)
        ]
    rows = []
    for i in range(SAMPLE_ROWS):
        sku = skus[i] if i < len(skus) else ""
        quantity = quantities[i] if i < len(quantities) else ""
        rows.append(SampleRow(i + 1, sku, quantity))
    return rows, asked


def _sample_quote(
    seller: Organization, found: TermsVersion, rows: list[SampleRow]
) -> tuple[Any, DomainError | None]:
    requests = []
    for row in rows:
        if not row.sku:
            continue
        try:
            quantity = int(row.quantity)
        except ValueError:
            return None, DomainError(
                "invalid_quantity",
                _("Line %(n)s: the quantity must be a whole number.") % {"n": row.index},
                field=f"lines[{row.index - 1}].quantity",
                rule="O9",
            )
        requests.append(LineRequest(row.sku, quantity))
    if not requests:
        return None, None
    try:
        return quote_cart(buyer=seller, seller=seller, requests=requests, version=found).quote, None
    except DomainError as error:
        return None, error


@page(EDIT)
def version_preview(request: HttpRequest, membership: Membership, version: int) -> HttpResponse:
    """The version rendered as buyers will read it, and a sample quote computed by the ordering
    quote under this version's document (a draft included), priced at the seller's general
    tariff for a buyer without history or agreements."""
    seller = _seller(membership)
    found = _version(membership, version)
    rows, asked = _sample_rows(request, seller)
    quote, error = _sample_quote(seller, found, rows)
    return render(
        request,
        "web/terms_editor/preview.html",
        {
            "seller": seller,
            "version": found,
            "html": mark_safe(render_html(terms_document(found))),
            "rows": rows,
            "asked": asked,
            "quote": quote,
            "error": error,
        },
    )
