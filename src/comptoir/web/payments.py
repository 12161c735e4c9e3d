"""Payments pages: the seller's receivables and credit limits (PT9, PT10, PT11), the statement of
account of a buyer with a seller, formal notices as PDF (N1), bank statement import and its review
queue (PT4), SEPA direct debits and the buyer's mandates (PT1). Views parse input, call the
payments services and read the payments queries; refusals show the rule they come from.

Permissions. Every page here shows what is owed and paid: that is what "view credit and invoices"
(`Permission.VIEW_INVOICES`) grants, and the invoice files need it too (fulfilment). A seller's
pages also need the seller role (404 otherwise, as the dashboard). A buyer's statement and mandate
list need the same right. Signing a mandate commits the company's bank account to debits, which no
grantable right covers, so only an owner of the buyer may sign one (403 for anybody else)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import format_money_active
from comptoir.ledger.models import Account, OpenItem
from comptoir.ordering.models import Order
from comptoir.ordering.queries import buyers_of
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments import services as payments
from comptoir.payments.models import (
    DebitBatch,
    DirectDebit,
    FormalNotice,
    LateCase,
    Mandate,
    StatementEntry,
    StatementImport,
)
from comptoir.payments.queries import receivables_by_buyer, statement_of_account
from comptoir.payments.services.notices import notice_render
from comptoir.payments.services.statements import MAX_STATEMENT_BYTES, review_queue
from comptoir.web.ordering import _error, page

FINANCE = Permission.VIEW_INVOICES
MAX_STATEMENT = MAX_STATEMENT_BYTES
AMOUNT = DecimalField(max_digits=14, decimal_places=2)
LIST_LIMIT = 500


# --- who may see whom --------------------------------------------------------------------------


def _seller(membership: Membership) -> Organization:
    if not membership.organization.is_seller:
        raise Http404("Not a seller")
    return membership.organization


def _buyer(membership: Membership) -> Organization:
    if not membership.organization.is_buyer:
        raise Http404("Not a buyer")
    return membership.organization


def _receivables() -> QuerySet[OpenItem]:
    return OpenItem.objects.filter(account__purpose=Account.Purpose.RECEIVABLE)


def _buyers_of(seller: Organization) -> QuerySet[Organization]:
    """Buyers that have traded with the seller (`ordering.queries.buyers_of`)."""
    return buyers_of(seller)


def _sellers_of(buyer: Organization) -> QuerySet[Organization]:
    """Sellers the buyer has traded with (same meaning as `_buyers_of`)."""
    return Organization.objects.filter(
        Q(pk__in=Order.objects.filter(buyer=buyer).values("seller_id"))
        | Q(pk__in=_receivables().filter(party=buyer).values("counterparty_id")),
        is_seller=True,
    ).order_by("sort_name", "pk")


def _money(amount: Decimal) -> str:
    return format_money_active(amount)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


# --- labels ------------------------------------------------------------------------------------


def _kinds() -> dict[str, str]:
    return {
        "invoice": _("Invoice"),
        "credit_note": _("Credit note"),
        "payment": _("Payment"),
        "interest": _("Late-payment interest"),
        "fee": _("Fee"),
    }


def _stages() -> dict[str, str]:
    return {
        "late": _("Late"),
        "reminded": _("Reminded"),
        "formal_notice": _("Formal notice sent"),
        "resolved": _("Sale resolved"),
        "settled": _("Settled"),
    }


def _debit_statuses() -> dict[str, str]:
    return {
        "scheduled": _("Scheduled"),
        "exported": _("Sent to the bank"),
        "collected": _("Collected"),
        "rejected": _("Rejected"),
        "cancelled": pgettext("direct debit", "Cancelled"),
    }


def _mandate_statuses() -> dict[str, str]:
    return {"active": _("Active"), "revoked": _("Revoked")}


# --- seller: receivables and credit limits -----------------------------------------------------


def _late_cases(seller: Organization) -> list[LateCase]:
    """The seller's open late cases with their last formal notice, in one query."""
    last_notice = FormalNotice.objects.filter(case=OuterRef("pk")).order_by("-sent_on", "-pk")
    cases = (
        LateCase.objects.filter(seller=seller)
        .exclude(stage=LateCase.Stage.SETTLED)
        .select_related("buyer", "open_item")
        .annotate(notice_id=Subquery(last_notice.values("pk")[:1]))
        .order_by("due_date", "pk")[:LIST_LIMIT]
    )
    stages = _stages()
    found: list[LateCase] = list(cases)
    for case in found:
        case.stage_label = stages.get(case.stage, case.stage)  # type: ignore[attr-defined]
    return found


@page(FINANCE)
def receivables(request: HttpRequest, membership: Membership) -> HttpResponse:
    """What each buyer owes the seller, its late cases and the credit limits (PT9–PT11)."""
    seller = _seller(membership)
    today = clock.today()
    rows = receivables_by_buyer(seller=seller, on=today, buyers=_buyers_of(seller))
    return render(
        request,
        "web/payments/receivables.html",
        {"seller": seller, "today": today, "rows": rows, "cases": _late_cases(seller)},
    )


@require_POST
@page(FINANCE)
def credit_limit(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller caps a buyer's outstanding (PT10)."""
    seller = _seller(membership)
    buyer = _buyers_of(seller).filter(pk=_int(request.POST.get("buyer"))).first()
    amount = request.POST.get("amount", "").strip().replace("\u202f", "").replace(" ", "")
    try:
        if buyer is None:
            raise DomainError(code="buyer_required", message=_("Choose a buyer."), field="buyer")
        limit = payments.credit_limit_set(
            buyer=buyer, seller=seller, amount=amount.replace(",", ".")[:20], actor=request.user
        )
        messages.success(
            request,
            _("Credit limit of %(buyer)s set to %(amount)s.")
            % {"buyer": buyer.display_name, "amount": _money(limit.amount)},
        )
    except DomainError as error:
        _error(request, error)
    return redirect("web:receivables")


# --- statement of account ----------------------------------------------------------------------


def _pair(org: Organization, party_id: int) -> tuple[Organization, Organization, bool]:
    """(buyer, seller, viewed by the seller) for the acting company and the other party's id;
    NotFound when they never traded (or the id is the company itself)."""
    if party_id != org.pk:
        if org.is_seller:
            buyer = _buyers_of(org).filter(pk=party_id).first()
            if buyer is not None:
                return buyer, org, True
        if org.is_buyer:
            seller = _sellers_of(org).filter(pk=party_id).first()
            if seller is not None:
                return org, seller, False
    raise NotFound(_("Statement"), field="party")


@page(FINANCE)
def account_statement(request: HttpRequest, membership: Membership, party_id: int) -> HttpResponse:
    """Every open item between a buyer and a seller, with the formula and clause behind each
    interest and fee line; the totals, the balance, the overdue amount and accrued interest."""
    buyer, seller, as_seller = _pair(membership.organization, party_id)
    today = clock.today()
    statement = statement_of_account(buyer=buyer, seller=seller, on=today)
    kinds = _kinds()
    lines = [(line, kinds.get(line.kind, line.kind)) for line in statement.lines]
    notices = list(
        FormalNotice.objects.filter(case__buyer=buyer, case__seller=seller)
        .select_related("case__open_item")
        .defer("pdf")
        .order_by("-sent_on", "-pk")
    )
    return render(
        request,
        "web/payments/statement.html",
        {
            "buyer": buyer,
            "seller": seller,
            "other": buyer if as_seller else seller,
            "as_seller": as_seller,
            "statement": statement,
            "lines": lines,
            "notices": notices,
            "card_refunds": _card_refunds(buyer, seller),
            "transfer_refunds": _transfer_refunds(buyer, seller),
        },
    )


def _card_refunds(buyer: Organization, seller: Organization) -> list:
    """The card refunds of the seller's credit notes to this buyer (I5, O12): web.refunds."""
    from comptoir.payments.services.card import card_refunds_list
    from comptoir.web.refunds import labelled

    return labelled(card_refunds_list(seller_id=seller.pk, buyer_id=buyer.pk, limit=100))


def _transfer_refunds(buyer: Organization, seller: Organization) -> list:
    """The refunds by transfer the seller owes this buyer (O12, O17): web.refunds."""
    from comptoir.web.refunds import statement_transfer_refunds

    return statement_transfer_refunds(buyer.pk, seller.pk)


# --- formal notices ----------------------------------------------------------------------------


def _pdf(notice: FormalNotice) -> HttpResponse:
    if not bytes(notice.pdf):  # not rendered by the background task yet: render it now
        notice.pdf = notice_render(notice_id=notice.pk).pdf
    response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
    name = f"mise-en-demeure-{notice.case.open_item.reference}-{notice.sent_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@page(FINANCE)
def seller_notice_pdf(request: HttpRequest, membership: Membership, notice_id: int) -> HttpResponse:
    """A formal notice the seller sent (N1)."""
    seller = _seller(membership)
    notice = (
        FormalNotice.objects.filter(pk=notice_id, case__seller=seller)
        .select_related("case__open_item")
        .first()
    )
    if notice is None:
        raise NotFound(_("Formal notice"), field="notice")
    return _pdf(notice)


@page(FINANCE)
def buyer_notice_pdf(request: HttpRequest, membership: Membership, notice_id: int) -> HttpResponse:
    """A formal notice addressed to the buyer (N1)."""
    notice = (
        FormalNotice.objects.filter(pk=notice_id, case__buyer=membership.organization)
        .select_related("case__open_item")
        .first()
    )
    if notice is None:
        raise NotFound(_("Formal notice"), field="notice")
    return _pdf(notice)


# --- seller: bank statements -------------------------------------------------------------------


def _entries(seller: Organization) -> QuerySet[StatementEntry]:
    """The review queue of the seller's own imports (not other accounts' lines)."""
    return review_queue({seller.pk}).filter(statement__seller=seller)


@page(FINANCE)
def bank_statements(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Past imports with their counts, the lines waiting for review, and the upload form (PT4)."""
    seller = _seller(membership)
    return render(
        request,
        "web/payments/bank_statements.html",
        {
            "seller": seller,
            "imports": list(
                StatementImport.objects.filter(seller=seller).order_by("-imported_at", "-pk")[:100]
            ),
            "entries": list(_entries(seller)[:LIST_LIMIT]),
            "buyers": list(_buyers_of(seller).only("pk", "legal_name", "trade_name")),
            "max_mb": MAX_STATEMENT // (1024 * 1024),
        },
    )


@require_POST
@page(FINANCE)
def bank_statement_import(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Queue the import of a CAMT.053 or MT940 file and show its job page (progress, then what was
    matched, recorded and sent to review); a refused file stays on the statements page (PT4)."""
    seller = _seller(membership)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(
                code="file_required",
                message=_("Choose a bank statement file (CAMT.053 or MT940)."),
                field="file",
            )
        if upload.size is not None and upload.size > MAX_STATEMENT:
            raise DomainError(
                code="file_too_large",
                message=_("The file is larger than %(n)s MB.") % {"n": MAX_STATEMENT // 1024**2},
                field="file",
            )
        job = payments.statement_import_start(
            actor=request.user,
            seller=seller,
            data=upload.read(),
            filename=(upload.name or "")[:200],
            language=get_language(),
        )
    except DomainError as error:
        _error(request, error)
        return redirect("web:bank_statements")
    return redirect("web:job_detail", job_id=job.pk)


def _entry(seller: Organization, entry_id: int) -> StatementEntry:
    entry = StatementEntry.objects.filter(pk=entry_id, statement__seller=seller).first()
    if entry is None:
        raise NotFound(_("Statement line"), field="entry")
    return entry


@require_POST
@page(FINANCE)
def bank_entry_assign(request: HttpRequest, membership: Membership, entry_id: int) -> HttpResponse:
    """Review queue: the seller names the buyer who paid; the payment is recorded (PT7)."""
    seller = _seller(membership)
    entry = _entry(seller, entry_id)
    buyer = _buyers_of(seller).filter(pk=_int(request.POST.get("buyer"))).first()
    try:
        if buyer is None:
            raise DomainError(
                code="buyer_required", message=_("Choose the buyer who paid."), field="buyer"
            )
        payments.entry_assign(entry=entry, buyer=buyer, seller=seller, actor=request.user)
        messages.success(
            request,
            _("%(amount)s recorded as paid by %(buyer)s.")
            % {"amount": _money(entry.amount), "buyer": buyer.display_name},
        )
    except DomainError as error:
        _error(request, error)
    return redirect("web:bank_statements")


@require_POST
@page(FINANCE)
def bank_entry_ignore(request: HttpRequest, membership: Membership, entry_id: int) -> HttpResponse:
    """Review queue: the line is not a buyer's payment; it leaves the queue with a note."""
    seller = _seller(membership)
    entry = _entry(seller, entry_id)
    try:
        payments.entry_ignore(
            entry=entry, note=request.POST.get("note", "").strip()[:300], actor=request.user
        )
        messages.success(request, _("Line ignored."))
    except DomainError as error:
        _error(request, error)
    return redirect("web:bank_statements")


# --- seller: SEPA direct debits ----------------------------------------------------------------


@page(FINANCE)
def sepa(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Debits scheduled and sent to the bank, and the pain.008 batches (PT1)."""
    seller = _seller(membership)
    statuses = _debit_statuses()
    debits = list(
        DirectDebit.objects.filter(
            seller=seller,
            status__in=[DirectDebit.Status.SCHEDULED, DirectDebit.Status.EXPORTED],
        )
        .select_related("buyer", "open_item", "mandate")
        .annotate(batch_message=F("batch__message_id"))
        .order_by("collection_date", "pk")[:LIST_LIMIT]
    )
    for debit in debits:
        debit.status_label = statuses.get(debit.status, debit.status)  # type: ignore[attr-defined]
    return render(
        request,
        "web/payments/sepa.html",
        {
            "seller": seller,
            "debits": debits,
            "scheduled": DirectDebit.objects.filter(
                seller=seller, status=DirectDebit.Status.SCHEDULED
            ).count(),
            "batches": list(
                DebitBatch.objects.filter(seller=seller)
                .defer("xml")
                .order_by("-created_at", "-pk")[:100]
            ),
        },
    )


@require_POST
@page(FINANCE)
def sepa_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Every scheduled debit into one pain.008 file for the seller's bank."""
    seller = _seller(membership)
    try:
        batch = payments.debits_export(seller=seller, actor=request.user)
    except DomainError as error:
        _error(request, error)
        return redirect("web:sepa")
    if batch is None:
        messages.info(request, _("No scheduled debit to export."))
    else:
        messages.success(
            request,
            _("Batch %(id)s: %(count)s debit(s), %(total)s; download its file below.")
            % {"id": batch.message_id, "count": batch.count, "total": _money(batch.total)},
        )
    return redirect("web:sepa")


@page(FINANCE)
def sepa_batch_xml(request: HttpRequest, membership: Membership, batch_id: int) -> HttpResponse:
    seller = _seller(membership)
    batch = DebitBatch.objects.filter(pk=batch_id, seller=seller).first()
    if batch is None:
        raise NotFound(_("Batch"), field="batch")
    response = HttpResponse(bytes(batch.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    return response


# --- buyer: mandates ---------------------------------------------------------------------------


@page(FINANCE)
def mandates(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The buyer's SEPA mandates, the form to sign one, and its statements with each seller."""
    buyer = _buyer(membership)
    statuses = _mandate_statuses()
    found = list(
        Mandate.objects.filter(buyer=buyer).select_related("seller").order_by("-created_at", "-pk")
    )
    for mandate in found:
        mandate.status_label = statuses.get(mandate.status, mandate.status)  # type: ignore[attr-defined]
    return render(
        request,
        "web/payments/mandates.html",
        {
            "buyer": buyer,
            "mandates": found,
            "sellers": list(_sellers_of(buyer)),
            "may_sign": membership.is_owner,
        },
    )


@require_POST
@page(FINANCE)
def mandate_sign(request: HttpRequest, membership: Membership) -> HttpResponse:
    """An owner signs a SEPA Core mandate for a seller the buyer trades with, dated today."""
    buyer = _buyer(membership)
    if not membership.is_owner:
        raise HttpForbidden(_("Only an owner of the company may sign a mandate (P4)."))
    seller = _sellers_of(buyer).filter(pk=_int(request.POST.get("seller"))).first()
    bic = request.POST.get("bic", "").replace(" ", "").upper()
    try:
        if seller is None:
            raise DomainError(
                code="seller_required", message=_("Choose the seller."), field="seller"
            )
        if bic and not (len(bic) in (8, 11) and bic.isalnum()):
            raise DomainError(
                code="invalid_bic", message=_("A BIC has 8 or 11 letters and digits."), field="bic"
            )
        mandate = payments.mandate_create(
            buyer=buyer,
            seller=seller,
            iban=request.POST.get("iban", "")[:50],
            bic=bic,
            signed_on=clock.today(),
            actor=request.user,
        )
        messages.success(
            request,
            _("Mandate %(reference)s signed for %(seller)s.")
            % {"reference": mandate.reference, "seller": seller.display_name},
        )
    except DomainError as error:
        _error(request, error)
    return redirect("web:mandates")
