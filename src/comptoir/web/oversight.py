"""The operator's oversight pages: the audit log and its verification (P8), marketplace payouts
and the commission (PT14, I8), and the moderation of reported products (C7, P6); plus the form a
member uses to report a product.

Access. Every /operator/ page is for the platform operator (`parties.permissions.is_operator`: an
active member of an operator organization, or platform staff). A visitor is sent to the login
page; any other user gets 404, as for any object of another company. Views parse input, call the
services and the queries, and render; refusals show the rule they come from.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.catalog import services as moderation
from comptoir.catalog.models import Product, ProductReport, ReportReason, ReportStatus
from comptoir.core import clock
from comptoir.core.audit import VerifyResult
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.models import AuditEntry
from comptoir.core.queries import audit_page, audit_verify
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.parties.permissions import is_operator
from comptoir.payments import services as payments
from comptoir.payments.models import Payout
from comptoir.web.ordering import _error, page

AUDIT_PAGE_SIZE = 50
PAYOUT_LIST_LIMIT = 500
QUEUE_LIMIT = 100


def operator_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages of the operator: anonymous → login, anybody else → 404, not found → 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):  # type: ignore[arg-type]
            raise Http404("Not found")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapped


# --- input -------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _day(request: HttpRequest, name: str) -> date | None:
    """A yyyy-mm-dd query parameter; a malformed one is ignored and said so."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        messages.error(request, _("“%(value)s” is not a date (yyyy-mm-dd).") % {"value": raw[:20]})
        return None


def _start_of(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=clock.PARIS) if day else None


def _end_of(day: date | None) -> datetime | None:
    """The first instant after `day` (Paris time): the exclusive end of a range."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.PARIS) if day else None


# --- audit log (P8) ----------------------------------------------------------------------------


def _verify_message(result: VerifyResult) -> str:
    if result.ok:
        return _("Audit chain intact: %(count)s entries checked, head hash %(head)s (P8).") % {
            "count": result.checked,
            "head": result.head_hash[:16],
        }
    reason = result.reason or ""
    if reason.startswith("sequence number"):
        why = _("its sequence number does not follow (an entry was deleted or inserted)")
    elif reason.startswith("previous_hash"):
        why = _("it does not point to the hash of the entry before it")
    else:
        why = _("its content does not match its hash (changed after writing)")
    return _(
        "Audit chain broken at entry #%(seq)s: %(why)s. "
        "The %(count)s entries before it are intact (P8)."
    ) % {"seq": result.first_bad_seq, "why": why, "count": result.checked}


@operator_page
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by organization, action, actor and dates; 50 a page
    (keyset on the sequence number, no count), each entry with its data."""
    organization_id = _int(request.GET.get("organization"))
    action = request.GET.get("action", "").strip()[:100]
    actor_email = request.GET.get("actor", "").strip()[:254]
    since, until = _day(request, "from"), _day(request, "to")
    before = _int(request.GET.get("before"))
    actor_id: int | None = None
    unknown_actor = False
    if actor_email:
        actor_id = (
            User.objects.filter(email__iexact=actor_email).values_list("pk", flat=True).first()
        )
        unknown_actor = actor_id is None
    entries: list[AuditEntry] = []
    next_before = None
    if not unknown_actor:
        found = audit_page(
            organization_id=organization_id,
            action=action,
            actor_id=actor_id,
            since=_start_of(since),
            until=_end_of(until),
            before_seq=before,
            limit=AUDIT_PAGE_SIZE,
        )
        entries, next_before = found.entries, found.next_before
    names = dict(
        Organization.objects.filter(
            pk__in={e.organization_id for e in entries if e.organization_id}
        ).values_list("pk", "legal_name")
    )
    rows = [
        {
            "entry": entry,
            "organization": names.get(entry.organization_id or 0, ""),
            "data": json.dumps(entry.data, indent=2, ensure_ascii=False, sort_keys=True),
        }
        for entry in entries
    ]
    filters = {
        "organization": organization_id or "",
        "action": action,
        "actor": actor_email,
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    kept = {k: v for k, v in filters.items() if v}
    return render(
        request,
        "web/oversight/audit.html",
        {
            "rows": rows,
            "filters": filters,
            "unknown_actor": unknown_actor,
            "organizations": Organization.objects.order_by("sort_name", "pk").values_list(
                "pk", "legal_name"
            ),
            "first_page": before is None,
            "newest_url": f"?{urlencode(kept)}" if kept else "?",
            "older_url": f"?{urlencode({**kept, 'before': next_before})}" if next_before else "",
        },
    )


@require_POST
@operator_page
def audit_verify_chain(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain and recompute every hash (the check `comptoir audit verify` runs)."""
    result = audit_verify()
    if result.ok:
        messages.success(request, _verify_message(result))
        return redirect("web:oversight_audit")
    messages.error(request, _verify_message(result))
    url = reverse("web:oversight_audit")
    return redirect(f"{url}?{urlencode({'before': (result.first_bad_seq or 0) + 1})}")


# --- payouts and commission (PT14, I8) ---------------------------------------------------------


def _status_labels() -> dict[str, str]:
    return {
        Payout.Status.PENDING: _("Pending"),
        Payout.Status.EXPORTED: _("Sent to the bank"),
        Payout.Status.PAID: _("Paid"),
    }


@dataclass
class PayoutFilters:
    seller_id: int | None = None
    status: str = ""
    since: date | None = None
    until: date | None = None

    def query(self) -> dict[str, Any]:
        values = {
            "seller": self.seller_id or "",
            "status": self.status,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _payout_filters(request: HttpRequest) -> PayoutFilters:
    status = request.GET.get("status", "")
    return PayoutFilters(
        seller_id=_int(request.GET.get("seller")),
        status=status if status in Payout.Status.values else "",
        since=_day(request, "from"),
        until=_day(request, "to"),
    )


def _payouts(filters: PayoutFilters) -> QuerySet[Payout]:
    """Payouts with the commission split of their commission invoice (I8): the commission excl.
    VAT and the VAT on it; the payout stores the commission incl. VAT."""
    qs = Payout.objects.select_related("commission_invoice")
    if filters.seller_id:
        qs = qs.filter(seller_id=filters.seller_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.since:
        qs = qs.filter(created_at__gte=_start_of(filters.since))
    if filters.until:
        qs = qs.filter(created_at__lt=_end_of(filters.until))
    return qs


def _commission_split(payout: Payout) -> tuple[Decimal, Decimal] | None:
    invoice = payout.commission_invoice
    return _split(invoice.total_excl_vat, invoice.total_vat) if invoice else None


def _split(excl: Decimal | None, vat: Decimal | None) -> tuple[Decimal, Decimal] | None:
    """(commission excl. VAT, VAT on it) from the commission invoice, or None without one."""
    if excl is None or vat is None:
        return None
    return excl, vat


@dataclass
class Totals:
    """Sums over payouts; `unsplit` counts the payouts whose commission split is not recorded
    (their commission is in `commission` but not in the excl. VAT and VAT columns)."""

    seller: Organization | None = None
    count: int = 0
    gross: Decimal = Decimal("0.00")
    commission_excl_vat: Decimal = Decimal("0.00")
    commission_vat: Decimal = Decimal("0.00")
    commission: Decimal = Decimal("0.00")
    net: Decimal = Decimal("0.00")
    pending: Decimal = Decimal("0.00")
    exported: Decimal = Decimal("0.00")
    unsplit: int = 0

    def add(
        self,
        status: str,
        gross: Decimal,
        commission: Decimal,
        net: Decimal,
        split: tuple[Decimal, Decimal] | None,
    ) -> None:
        self.count += 1
        self.gross += gross
        self.commission += commission
        self.net += net
        if status == Payout.Status.PENDING:
            self.pending += net
        else:
            self.exported += net
        if split is None:
            self.unsplit += 1
        else:
            self.commission_excl_vat += split[0]
            self.commission_vat += split[1]


@dataclass
class PayoutSummary:
    by_seller: list[Totals] = field(default_factory=list)
    overall: Totals = field(default_factory=Totals)


def _summary(qs: QuerySet[Payout]) -> PayoutSummary:
    """Totals per seller and for the whole selection, in one pass over one query (exact
    Decimal sums, no float)."""
    per_seller: dict[int, Totals] = {}
    overall = Totals()
    for seller_id, status, gross, commission, net, excl, vat in qs.values_list(
        "seller_id",
        "status",
        "gross",
        "commission",
        "net",
        "commission_invoice__total_excl_vat",
        "commission_invoice__total_vat",
    ).iterator(chunk_size=2000):
        split = _split(excl, vat)
        per_seller.setdefault(seller_id, Totals()).add(status, gross, commission, net, split)
        overall.add(status, gross, commission, net, split)
    sellers = Organization.objects.in_bulk(list(per_seller))
    for seller_id, totals in per_seller.items():
        totals.seller = sellers[seller_id]
    ordered = sorted(per_seller.values(), key=lambda t: (t.seller.sort_name, t.seller.pk))  # type: ignore[union-attr]
    return PayoutSummary(by_seller=ordered, overall=overall)


def _rows(qs: QuerySet[Payout]) -> list[Payout]:
    labels = _status_labels()
    rows = list(
        qs.select_related("seller", "payment").order_by("-created_at", "-pk")[:PAYOUT_LIST_LIMIT]
    )
    for payout in rows:
        split = _commission_split(payout)
        payout.commission_excl_vat, payout.commission_vat = split or (None, None)  # type: ignore[attr-defined]
        payout.status_label = labels.get(payout.status, payout.status)  # type: ignore[attr-defined]
    return rows


@operator_page
def payouts(request: HttpRequest) -> HttpResponse:
    """Payouts to marketplace sellers with the commission, its VAT and what is paid out (PT14,
    I8); totals per seller and for the period; the pain.001 export of the pending ones."""
    filters = _payout_filters(request)
    qs = _payouts(filters)
    return render(
        request,
        "web/oversight/payouts.html",
        {
            "filters": filters,
            "query": urlencode(filters.query()),
            "statuses": list(_status_labels().items()),
            "sellers": Organization.objects.filter(is_seller=True)
            .order_by("sort_name", "pk")
            .values_list("pk", "legal_name"),
            "summary": _summary(qs),
            "rows": _rows(qs),
            "limit": PAYOUT_LIST_LIMIT,
            "pending": Payout.objects.filter(status=Payout.Status.PENDING).count(),
        },
    )


@require_POST
@operator_page
def payouts_export(request: HttpRequest) -> HttpResponse:
    """Every pending payout into one pain.001 credit-transfer file, answered as a download; the
    payouts are then marked sent to the bank (PT14)."""
    try:
        xml, done = payments.payouts_export(actor=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("web:oversight_payouts")
    if not done:
        messages.info(request, _("No pending payout to export."))
        return redirect("web:oversight_payouts")
    message_id = (
        Payout.objects.filter(pk=done[0].pk).values_list("message_id", flat=True).first()
        or "payouts"
    )
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{message_id}.xml"'
    return response


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


@operator_page
def payout_report(request: HttpRequest, seller_id: int) -> HttpResponse:
    """One seller's payouts over the period as CSV, one per row, then the totals (PT14, I8)."""
    seller = Organization.objects.filter(pk=seller_id, is_seller=True).first()
    if seller is None:
        raise NotFound(_("Seller"), field="seller")
    filters = _payout_filters(request)
    filters.seller_id = seller.pk
    qs = _payouts(filters)
    labels = _status_labels()
    rows: list[list[Any]] = []
    for payout in (
        qs.select_related("payment").order_by("created_at", "pk").iterator(chunk_size=2000)
    ):
        split = _commission_split(payout)
        rows.append(
            [
                payout.created_at,
                payout.payment.reference or payout.payment.pk,
                payout.payment.value_date,
                payout.end_to_end_id,
                labels.get(payout.status, payout.status),
                payout.message_id,
                payout.exported_at,
                payout.paid_at,
                payout.gross,
                split[0] if split else None,
                split[1] if split else None,
                payout.commission,
                payout.net,
            ]
        )
    totals = _summary(qs).overall
    rows.append(
        [
            _("Total"),
            totals.count,
            "",
            "",
            "",
            "",
            "",
            "",
            totals.gross,
            totals.commission_excl_vat,
            totals.commission_vat,
            totals.commission,
            totals.net,
        ]
    )
    header = [
        _("Created"),
        _("Payment"),
        _("Value date"),
        _("Transfer reference"),
        _("Status"),
        _("Bank file"),
        _("Sent"),
        _("Paid"),
        _("Collected incl. VAT"),
        _("Commission excl. VAT"),
        _("VAT on commission"),
        _("Commission incl. VAT"),
        _("Paid out"),
    ]
    period = "-".join(d.isoformat() for d in (filters.since, filters.until) if d) or "all"
    response = HttpResponse(_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payouts-{seller.pk}-{period}.csv"'
    return response


# --- moderation (C7, P6) -----------------------------------------------------------------------


def _reason_labels() -> dict[str, str]:
    return {
        ReportReason.COUNTERFEIT: _("Counterfeit or infringing"),
        ReportReason.PROHIBITED: _("Prohibited or dangerous product"),
        ReportReason.MISLEADING: _("Misleading description"),
        ReportReason.OFFENSIVE: _("Offensive content"),
        ReportReason.OTHER: _("Other"),
    }


def _decision_labels() -> dict[str, str]:
    return {
        ReportStatus.OPEN: _("Open"),
        ReportStatus.DISMISSED: _("Dismissed"),
        ReportStatus.ACTIONED: _("Product removed"),
    }


@require_POST
@page(Permission.VIEW_PRODUCTS)
def product_report(
    request: HttpRequest, membership: Membership, seller_id: int, product_id: int
) -> HttpResponse:
    """A member reports a product it can see to the operator (C7); back to the product page."""
    product = catalog.product_for(membership.organization, seller_id, product_id)
    try:
        _report, created = moderation.product_report(
            actor=request.user,  # type: ignore[arg-type]
            reporter=membership.organization,
            product=product,
            reason=request.POST.get("reason", "")[:20],
            text=request.POST.get("text", "")[:5000],
        )
        if created:
            messages.success(request, _("Thank you: the operator will review this product (C7)."))
        else:
            messages.info(
                request,
                _("Your organization already reported this product; the operator will review it."),
            )
    except DomainError as error:
        _error(request, error)
    return redirect("web:product_detail", seller_id=product.seller_id, product_id=product.pk)


@operator_page
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Open reports grouped by product, the most reported first, with the two decisions; and
    the latest decisions taken."""
    groups, total = moderation.report_queue(limit=QUEUE_LIMIT)
    reasons = _reason_labels()
    for group in groups:
        group.reason_labels = [  # type: ignore[attr-defined]
            (reasons.get(code, code), n) for code, n in sorted(group.reasons.items())
        ]
        for report in group.reports:
            report.reason_label = reasons.get(report.reason, report.reason)  # type: ignore[attr-defined]
    decisions = _decision_labels()
    recent = list(
        ProductReport.objects.exclude(status=ReportStatus.OPEN)
        .select_related("product", "reporter_organization", "decided_by")
        .order_by("-decided_at", "-pk")[:50]
    )
    for report in recent:
        report.status_label = decisions.get(report.status, report.status)  # type: ignore[attr-defined]
        report.reason_label = reasons.get(report.reason, report.reason)  # type: ignore[attr-defined]
    return render(
        request,
        "web/oversight/moderation.html",
        {"groups": groups, "total": total, "limit": QUEUE_LIMIT, "recent": recent},
    )


def _reported(product_id: int) -> Product:
    product = Product.objects.filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("Product"), field="product")
    return product


@require_POST
@operator_page
def moderation_dismiss(request: HttpRequest, product_id: int) -> HttpResponse:
    """The operator dismisses the open reports of a product (C7)."""
    product = _reported(product_id)
    try:
        count = moderation.report_dismiss(
            actor=request.user,  # type: ignore[arg-type]
            product=product,
            note=request.POST.get("note", "")[:5000],
        )
        if count:
            messages.success(
                request,
                _("%(count)s report(s) of “%(title)s” dismissed.")
                % {"count": count, "title": product.title},
            )
        else:
            messages.info(request, _("No open report left on this product."))
    except DomainError as error:
        _error(request, error)
    return redirect("web:oversight_moderation")


@require_POST
@operator_page
def moderation_remove(request: HttpRequest, product_id: int) -> HttpResponse:
    """The operator removes a reported product with a reason (P6, C7); its reports close."""
    product = _reported(product_id)
    try:
        count = moderation.report_action_remove(
            actor=request.user,  # type: ignore[arg-type]
            product=product,
            reason=request.POST.get("reason", "")[:5000],
        )
        messages.success(
            request,
            _("“%(title)s” removed from the catalog; %(count)s report(s) closed (P6).")
            % {"title": product.title, "count": count},
        )
    except DomainError as error:
        _error(request, error)
    return redirect("web:oversight_moderation")
