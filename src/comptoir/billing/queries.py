"""Billing reads for reports: what a seller invoiced, month by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from facturx import get_xml_from_pdf

from comptoir.billing.models import Invoice, Kind, Status
from comptoir.ledger.queries import money


def _months_back(on: date, months: int) -> list[date]:
    out, year, month = [], on.year, on.month
    for _ in range(months):
        out.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


def sales_by_month(issuer: Any, *, on: date, months: int = 12) -> list[tuple[date, Decimal]]:
    """Σ invoiced excl. VAT minus credit notes, per month of issue, the last `months` months
    up to `on` (months without sales appear with 0)."""
    issuer_id = issuer if isinstance(issuer, int) else issuer.pk
    keys = _months_back(on, months)
    rows = (
        Invoice.objects.filter(
            issuer_id=issuer_id, status=Status.ISSUED, issue_date__gte=keys[0], issue_date__lte=on
        )
        .annotate(month=TruncMonth("issue_date"))
        .values("month", "kind")
        .annotate(total=Sum("total_excl_vat"))
    )
    sums = dict.fromkeys(keys, Decimal("0.00"))
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") and callable(month.date) else month
        sign = -1 if row["kind"] == Kind.CREDIT_NOTE else 1
        sums[month] = sums.get(month, Decimal("0.00")) + sign * money(row["total"])
    return [(month, sums[month]) for month in keys]


def issued_documents_for(party: Any) -> QuerySet[Invoice]:
    """The issued invoices and credit notes a party issued or received, oldest first, with their
    lines, VAT breakdown and stored file (for the party's own data export, P6, P9)."""
    party_id = party if isinstance(party, int) else party.pk
    return (
        Invoice.objects.filter(Q(issuer_id=party_id) | Q(recipient_id=party_id))
        .filter(status=Status.ISSUED)
        .select_related("issuer", "recipient", "credited_invoice", "document")
        .prefetch_related("lines", "vat_breakdown")
        .order_by("issue_date", "issuer_id", "number", "pk")
    )


def stored_files(invoice: Invoice) -> tuple[bytes | None, bytes | None]:
    """The document as issued: the stored PDF/A-3 and the Factur-X XML embedded in it, or
    (None, None) when no file was rendered yet (I7, I9)."""
    document = getattr(invoice, "document", None)
    if document is None or not document.pdf:
        return None, None
    with document.pdf.open("rb") as handle:
        pdf = handle.read()
    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:  # a PDF without its attachment: the PDF alone is what was issued
        xml = None
    return pdf, (xml or None)
