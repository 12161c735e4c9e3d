"""Rendering an issued document to its stored PDF/A-3 + Factur-X file (run in the background)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.models import Invoice, InvoiceDocument, Status
from comptoir.billing.pdf import render_pdf
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound


def invoice_render(*, invoice_id: int) -> InvoiceDocument:
    """Render and store the PDF of an issued document; idempotent (a stored one is kept)."""
    invoice = Invoice.objects.select_related("credited_invoice").filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(_("Invoice"))
    if invoice.status != Status.ISSUED:
        raise DomainError(code="not_issued", message=_("Only issued documents are rendered."))
    existing = InvoiceDocument.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    xml = invoice_xml(invoice)
    pdf = render_pdf(invoice, xml)
    doc = InvoiceDocument(
        invoice=invoice, xml_sha256=hashlib.sha256(xml).hexdigest(), rendered_at=clock.now()
    )
    doc.pdf.save(f"{invoice.number}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:  # rendered meanwhile by another worker: keep theirs
        doc.pdf.delete(save=False)
        return InvoiceDocument.objects.get(invoice=invoice)
    return doc
