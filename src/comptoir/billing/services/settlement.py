"""Credit notes set against invoices (I5, PT8): the lettrage billing does itself at issue.

A credit note first settles the invoice it credits, as far as that invoice is still open; what is
left of it (the invoice was already paid) is deducted from the same buyer's other open invoices
with the same seller, oldest due first — and so from the next invoice issued to that buyer, which
picks up any open credit note when it is issued. The seller may set off (PT8); the buyer's own
deductions go through payments. Refunding a credit note instead is a payments matter.
"""

from __future__ import annotations

from comptoir.billing.models import Invoice, Kind
from comptoir.core import clock
from comptoir.ledger.models import OpenItem
from comptoir.ledger.services import matching_create


def _open_items(invoice: Invoice, kind: str):
    return OpenItem.objects.filter(
        party_id=invoice.recipient_id,
        counterparty_id=invoice.issuer_id,
        kind=kind,
    ).exclude(open_amount=0)


def credit_notes_settle(*, invoice: Invoice, actor=None) -> int:
    """Match open credit notes and open invoices of the document's buyer and seller; returns the
    number of matchings made. Called by `invoice_issue`, inside its transaction."""
    at = clock.now()
    credits = list(_open_items(invoice, OpenItem.Kind.CREDIT_NOTE).order_by("due_date", "pk"))
    if not credits:  # the usual case: one query, whatever the buyer's number of open invoices
        return 0
    debits = list(_open_items(invoice, OpenItem.Kind.INVOICE).order_by("due_date", "pk"))
    if invoice.kind == Kind.CREDIT_NOTE and invoice.credited_invoice_id:
        credited = invoice.credited_invoice.number if invoice.credited_invoice else None
        debits.sort(key=lambda item: item.reference != credited)  # the credited invoice first
    made = 0
    for credit in credits:
        remaining = -credit.open_amount
        for debit in debits:
            if remaining <= 0:
                break
            amount = min(remaining, debit.open_amount)
            if amount <= 0:
                continue
            matching_create(
                item_a_id=debit.pk, item_b_id=credit.pk, amount=amount, at=at, actor=actor
            )
            debit.open_amount -= amount
            remaining -= amount
            made += 1
    return made
