"""Posting an issued document to the ledger: journal entry and open item, same transaction."""

from __future__ import annotations

from decimal import Decimal

from comptoir.billing.models import Category, Invoice, Kind
from comptoir.ledger.models import Account, JournalEntry, OpenItem
from comptoir.ledger.services import OpenItemSpec, Posting, accounts_get, journal_entry_post

P = Account.Purpose
ZERO = Decimal("0.00")


def invoice_post(*, invoice: Invoice) -> JournalEntry:
    """Invoice: debit buyer receivable incl. VAT; credit revenue excl. VAT and VAT collected.
    Credit note: the same lines on the opposite sides, and a negative open item."""
    revenue = P.OPERATOR_COMMISSION if invoice.category == Category.COMMISSION else P.SELLER_REVENUE
    buyer, seller = invoice.recipient_id, invoice.issuer_id
    accounts = accounts_get(
        wanted=[(buyer, P.RECEIVABLE), (seller, revenue), (seller, P.VAT_COLLECTED)]
    )
    receivable = accounts[(buyer, P.RECEIVABLE)]
    credit_note = invoice.kind == Kind.CREDIT_NOTE
    amounts = [
        (receivable, invoice.total_incl_vat, True),
        (accounts[(seller, revenue)], invoice.total_excl_vat, False),
        (accounts[(seller, P.VAT_COLLECTED)], invoice.total_vat, False),
    ]
    lines = []
    for account, amount, is_debit in amounts:
        if amount == 0:
            continue
        if is_debit != credit_note:
            lines.append(Posting(account=account, debit=amount))
        else:
            lines.append(Posting(account=account, credit=amount))
    sign = Decimal(-1) if credit_note else Decimal(1)
    title = "Avoir" if credit_note else "Facture"
    label = f"{title} {invoice.number} {invoice.recipient_snapshot['name']}"
    return journal_entry_post(
        date=invoice.issue_date,
        label=label,
        reference=invoice.number or "",
        journal="VE",
        lines=lines,
        open_items=[
            OpenItemSpec(
                account=receivable,
                party_id=buyer,
                counterparty_id=seller,
                reference=invoice.number or "",
                kind=OpenItem.Kind.CREDIT_NOTE if credit_note else OpenItem.Kind.INVOICE,
                amount=sign * invoice.total_incl_vat,
                due_date=invoice.due_date or invoice.issue_date,
            )
        ]
        if invoice.total_incl_vat
        else [],
    )
