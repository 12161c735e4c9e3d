"""Invoices and credit notes through the API (I1, I5, I7, I9): the company's issued documents,
each as JSON, as its PDF/A-3 (Factur-X XML embedded) and as the Factur-X XML alone.

Reading needs the P4 right view_invoices. A company sees the documents it issued or received,
issued ones only (a draft is not a document yet, I9); any other answers 404. Numbers run per
issuer (I9), so a buyer of two sellers may hold two documents with one number: `issuer_id` then
names the one wanted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.models import Invoice, Kind
from comptoir.billing.queries import issued_documents_for
from comptoir.billing.services import invoice_render
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.ledger.models import OpenItem
from comptoir.parties.models import Membership, Permission

router = Router(tags=["invoices"])

#: an organization id as a filter: within the database's integer range
OrgId = Annotated[int, Field(ge=1, le=2**62)]


class InvoiceFilter(Schema):
    role: str = Field("any", pattern="^(any|issued|received)$")
    kind: str | None = Field(None, pattern="^(" + "|".join(Kind.values) + ")$")
    issuer_id: OrgId | None = Field(None, description="the seller (issuer)")
    recipient_id: OrgId | None = Field(None, description="the buyer (recipient)")
    issued_from: date | None = Field(None, description="issue date on or after")
    issued_to: date | None = Field(None, description="issue date on or before")
    status: str | None = Field(
        None,
        pattern="^(open|settled|overdue)$",
        description="open: an amount remains; settled: none; overdue: open past its due date",
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class IssuerIn(Schema):
    issuer_id: OrgId | None = Field(None, description="needed when two issuers used the number")


class InvoiceSummaryOut(Schema):
    number: str
    kind: str
    category: str
    issuer_id: int
    issuer: str
    recipient_id: int
    recipient: str
    issue_date: date
    due_date: date | None
    order: str | None
    currency: str
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal
    credited_invoice: str | None
    open_amount: Decimal | None = Field(
        description="what remains to be paid (a credit note: to be deducted); null before posting"
    )
    payment_status: str | None


class InvoiceLineOut(Schema):
    position: int
    description: str
    sku: str
    gtin: str
    quantity: Decimal
    unit_code: str
    net_unit_price: Decimal
    net_amount: Decimal
    vat_rate: Decimal


class VatBreakdownOut(Schema):
    rate: Decimal
    category: str
    base: Decimal
    amount: Decimal


class InvoiceOut(InvoiceSummaryOut):
    sale_date: date
    payment_terms_text: str
    line_total: Decimal
    charge_total: Decimal
    allowance_total: Decimal
    charges: list[dict[str, Any]]
    allowances: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    credit_notes: list[str]
    lines: list[InvoiceLineOut]
    vat_breakdown: list[VatBreakdownOut]


class InvoicePageOut(Schema):
    items: list[InvoiceSummaryOut]
    count: int
    offset: int
    limit: int


def _documents(membership: Membership) -> QuerySet[Invoice]:
    """The company's issued documents with what remains open on each in the ledger."""
    remaining = OpenItem.objects.filter(
        reference=OuterRef("number"),
        kind=OuterRef("kind"),
        party_id=OuterRef("recipient_id"),
        counterparty_id=OuterRef("issuer_id"),
    ).values("open_amount")[:1]
    return issued_documents_for(membership.organization).annotate(open_amount=Subquery(remaining))


def _payment_status(invoice: Invoice, today: date) -> str | None:
    remaining = getattr(invoice, "open_amount", None)
    if remaining is None:
        return None
    if remaining == 0:
        return "settled"
    if remaining > 0 and invoice.due_date is not None and invoice.due_date < today:
        return "overdue"
    return "open"


def _summary(invoice: Invoice, today: date) -> dict:
    return {
        **{
            f: getattr(invoice, f)
            for f in (
                "number",
                "kind",
                "category",
                "issuer_id",
                "recipient_id",
                "issue_date",
                "due_date",
                "currency",
                "total_excl_vat",
                "total_vat",
                "total_incl_vat",
                "open_amount",
            )
        },
        "issuer": (invoice.issuer_snapshot or {}).get("name", ""),
        "recipient": (invoice.recipient_snapshot or {}).get("name", ""),
        "order": (invoice.references or {}).get("order_number") or None,
        "credited_invoice": invoice.credited_invoice.number if invoice.credited_invoice else None,
        "payment_status": _payment_status(invoice, today),
    }


def _detail(invoice: Invoice, today: date) -> dict:
    return {
        **_summary(invoice, today),
        **{
            f: getattr(invoice, f)
            for f in (
                "sale_date",
                "payment_terms_text",
                "line_total",
                "charge_total",
                "allowance_total",
                "charges",
                "allowances",
                "mentions",
            )
        },
        "credit_notes": [
            n for n in invoice.credit_notes.order_by("pk").values_list("number", flat=True) if n
        ],
        "lines": list(invoice.lines.all()),
        "vat_breakdown": list(invoice.vat_breakdown.all()),
    }


def _invoice(membership: Membership, number: str, issuer_id: int | None) -> Invoice:
    found = _documents(membership).filter(number=number)
    if issuer_id is not None:
        found = found.filter(issuer_id=issuer_id)
    matches = list(found[:2])
    if not matches:
        raise NotFound(_("Invoice"), field="number")
    if len(matches) > 1:
        raise DomainError(
            "ambiguous_number",
            _("Two issuers used the number %(number)s: give issuer_id.") % {"number": number},
            field="issuer_id",
            rule="I9",
        )
    return matches[0]


@router.get("/invoices", response=InvoicePageOut, auth=MEMBER)
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilter]):
    """The invoices and credit notes the company issued or received, newest first, with what
    remains to be paid on each (ledger)."""
    membership = member(request, Permission.VIEW_INVOICES)
    org_id = membership.organization_id
    found = _documents(membership)
    if filters.role == "issued":
        found = found.filter(issuer_id=org_id)
    elif filters.role == "received":
        found = found.filter(recipient_id=org_id)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.issuer_id is not None:
        found = found.filter(issuer_id=filters.issuer_id)
    if filters.recipient_id is not None:
        found = found.filter(recipient_id=filters.recipient_id)
    if filters.issued_from is not None:
        found = found.filter(issue_date__gte=filters.issued_from)
    if filters.issued_to is not None:
        found = found.filter(issue_date__lte=filters.issued_to)
    today = clock.today()
    if filters.status == "settled":
        found = found.filter(Q(open_amount=0))
    elif filters.status == "open":
        found = found.filter(Q(open_amount__isnull=False) & ~Q(open_amount=0))
    elif filters.status == "overdue":
        found = found.filter(Q(open_amount__gt=0) & Q(due_date__lt=today))
    found = found.order_by("-issue_date", "-pk")
    page = found[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_summary(invoice, today) for invoice in page],
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


# The file routes come before `/invoices/{number}`, which would otherwise take "….pdf" as a number.


def _file(media_type: str, what: str) -> dict[str, Any]:
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": what, "content": content}}}


@router.get(
    "/invoices/{number}.pdf", auth=MEMBER, openapi_extra=_file("application/pdf", "PDF/A-3")
)
def invoice_pdf(request: HttpRequest, number: str, issuer: Query[IssuerIn]) -> HttpResponse:
    """The document as issued: a PDF/A-3 with its Factur-X XML embedded (I7)."""
    invoice = _invoice(member(request, Permission.VIEW_INVOICES), number, issuer.issuer_id)
    document = invoice_render(invoice_id=invoice.pk)
    with document.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@router.get(
    "/invoices/{number}.xml",
    auth=MEMBER,
    openapi_extra=_file("application/xml", "Factur-X CII XML"),
)
def invoice_facturx_xml(request: HttpRequest, number: str, issuer: Query[IssuerIn]) -> HttpResponse:
    """The structured e-invoice alone: Factur-X (EN 16931) CII XML (I7)."""
    invoice = _invoice(member(request, Permission.VIEW_INVOICES), number, issuer.issuer_id)
    response = HttpResponse(invoice_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response


@router.get("/invoices/{number}", response=InvoiceOut, auth=MEMBER)
def get_invoice(request: HttpRequest, number: str, issuer: Query[IssuerIn]):
    """One invoice or credit note: parties, dates, lines, VAT breakdown, charges and allowances,
    legal mentions (I3), the invoice a credit note corrects or the credit notes of an invoice
    (I5), and what remains to be paid."""
    invoice = _invoice(member(request, Permission.VIEW_INVOICES), number, issuer.issuer_id)
    return _detail(invoice, clock.today())
