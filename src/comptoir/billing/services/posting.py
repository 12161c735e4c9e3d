"""Posting an issued document to the ledger: journal entry and open item, same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from comptoir.billing.models import Category, Invoice, Kind
from comptoir.ledger.models import Account, JournalEntry, OpenItem
from comptoir.ledger.services import (
    EntrySpec,
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entries_post,
)

P = Account.Purpose
Accounts = dict[tuple[int | None, str], Account]


def _revenue(invoice: Invoice) -> str:
    return P.OPERATOR_COMMISSION if invoice.category == Category.COMMISSION else P.SELLER_REVENUE


def _wanted(invoice: Invoice) -> list[tuple[int | None, str]]:
    seller = invoice.issuer_id
    return [
        (invoice.recipient_id, P.RECEIVABLE),
        (seller, _revenue(invoice)),
        (seller, P.VAT_COLLECTED),
    ]


def entry_spec(invoice: Invoice, accounts: Accounts) -> EntrySpec:
    """Invoice: debit buyer receivable incl. VAT; credit revenue excl. VAT and VAT collected.
    Credit note: the same lines on the opposite sides, and a negative open item."""
    buyer, seller = invoice.recipient_id, invoice.issuer_id
    receivable = accounts[(buyer, P.RECEIVABLE)]
    credit_note = invoice.kind == Kind.CREDIT_NOTE
    amounts = [
        (receivable, invoice.total_incl_vat, True),
        (accounts[(seller, _revenue(invoice))], invoice.total_excl_vat, False),
        (accounts[(seller, P.VAT_COLLECTED)], invoice.total_vat, False),
    ]
    lines = [
        Posting(account=account, debit=amount)
        if is_debit != credit_note
        else Posting(account=account, credit=amount)
        for account, amount, is_debit in amounts
        if amount
    ]
    sign = Decimal(-1) if credit_note else Decimal(1)
    title = "Avoir" if credit_note else "Facture"
    items = [
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
    if invoice.issue_date is None:
        raise ValueError("only issued documents are posted")
    return EntrySpec(
        date=invoice.issue_date,
        label=f"{title} {invoice.number} {invoice.recipient_snapshot['name']}",
        reference=invoice.number or "",
        journal="VE",
        lines=lines,
        open_items=items if invoice.total_incl_vat else [],
    )


def invoices_post(*, invoices: Sequence[Invoice]) -> list[JournalEntry]:
    """Post issued documents (one entry and one open item each) in the caller's transaction."""
    accounts = accounts_get(wanted={key for inv in invoices for key in _wanted(inv)})
    return journal_entries_post(entries=[entry_spec(inv, accounts) for inv in invoices])


def invoice_post(*, invoice: Invoice) -> JournalEntry:
    return invoices_post(invoices=[invoice])[0]
