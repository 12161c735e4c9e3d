"""Background tasks of billing."""

from __future__ import annotations

from django_tasks import task

from comptoir.billing.services.rendering import invoice_render


@task()
def render_invoice_document(invoice_id: int) -> str:
    """Enqueued on commit of `invoice_issue`: store the PDF/A-3 with its Factur-X XML."""
    return invoice_render(invoice_id=invoice_id).pdf.name
