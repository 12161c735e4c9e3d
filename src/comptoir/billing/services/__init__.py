"""Billing services: the only code that creates, issues and credits documents."""

from comptoir.billing.services.batch import invoices_issue_batch
from comptoir.billing.services.commission import commission_invoice_create
from comptoir.billing.services.documents import (
    credit_note_create,
    draft_from_invoice,
    invoice_create,
    invoice_issue,
    invoice_update_draft,
)
from comptoir.billing.services.numbering import number_take, numbers_take
from comptoir.billing.services.rendering import invoice_render

__all__ = [
    "commission_invoice_create",
    "credit_note_create",
    "draft_from_invoice",
    "invoice_create",
    "invoice_issue",
    "invoice_render",
    "invoice_update_draft",
    "invoices_issue_batch",
    "number_take",
    "numbers_take",
]
