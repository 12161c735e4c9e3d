"""Ledger postings of payments: money in, interest and costs charged, reopened debts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    EntrySpec,
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entries_insert,
    journal_entries_post,
)
from comptoir.payments import labels

P = Account.Purpose


@dataclass(frozen=True)
class Charge:
    """An amount the buyer owes the seller under its terms: interest or a cost (outside VAT)."""

    buyer_id: int
    seller_id: int
    kind: str  # OpenItem.Kind.INTEREST or FEE
    amount: Decimal
    reference: str
    label: str  # as stored, in French (the accounting record)
    on: date
    data: Mapping[str, Any] | None = None  # what the label says (payments.labels.facts)


def charges_post(charges: Sequence[Charge]) -> int:
    """Post each charge: debit the buyer's receivable, credit the seller's revenue; one open item
    each, due at once. Returns the number of entries posted."""
    charges = [c for c in charges if c.amount > 0]
    if not charges:
        return 0
    wanted = {(c.buyer_id, P.RECEIVABLE) for c in charges} | {
        (c.seller_id, P.SELLER_REVENUE) for c in charges
    }
    accounts = accounts_get(wanted=wanted)
    entries = journal_entries_insert(
        entries=[
            EntrySpec(
                date=c.on,
                label=c.label,
                reference=c.reference,
                data=c.data,
                lines=[
                    Posting(account=accounts[(c.buyer_id, P.RECEIVABLE)], debit=c.amount),
                    Posting(account=accounts[(c.seller_id, P.SELLER_REVENUE)], credit=c.amount),
                ],
                open_items=[
                    OpenItemSpec(
                        account=accounts[(c.buyer_id, P.RECEIVABLE)],
                        party_id=c.buyer_id,
                        counterparty_id=c.seller_id,
                        reference=c.reference,
                        kind=c.kind,
                        amount=c.amount,
                        due_date=c.on,
                    )
                ],
            )
            for c in charges
        ]
    )
    return len(entries)


@dataclass(frozen=True)
class CashMove:
    """Money in (a payment) or out (a refund, a returned debit) between a buyer and the seller's
    bank — or, on a marketplace, the operator's account of funds held for sellers (PT14)."""

    buyer_id: int
    seller_id: int
    amount: Decimal
    on: date
    reference: str
    label: str
    incoming: bool
    item_kind: str = OpenItem.Kind.PAYMENT
    due_date: date | None = None  # the open item's (default: `on`)
    data: Mapping[str, Any] | None = None  # what the label says (payments.labels.facts)

    def cash(self, held: bool) -> tuple[int | None, str]:
        return (None, P.FUNDS_HELD_FOR_SELLERS) if held else (self.seller_id, P.BANK)


def cash_entry(move: CashMove, accounts: dict, held: bool) -> EntrySpec:
    """The balanced entry of `move` and its open item on the buyer's receivable: negative for
    money in (a credit of the buyer), positive for money out."""
    receivable = accounts[(move.buyer_id, P.RECEIVABLE)]
    cash = accounts[move.cash(held)]
    side = [
        Posting(account=cash, debit=move.amount),
        Posting(account=receivable, credit=move.amount),
    ]
    if not move.incoming:
        side = [
            Posting(account=receivable, debit=move.amount),
            Posting(account=cash, credit=move.amount),
        ]
    return EntrySpec(
        date=move.on,
        label=move.label[:200],
        reference=move.reference[:64],
        journal="BQ",
        lines=side,
        data=move.data,
        open_items=[
            OpenItemSpec(
                account=receivable,
                party_id=move.buyer_id,
                counterparty_id=move.seller_id,
                reference=move.reference[:64],
                kind=move.item_kind,
                amount=-move.amount if move.incoming else move.amount,
                due_date=move.due_date or move.on,
            )
        ],
    )


def cash_post(move: CashMove, *, held: bool) -> int:
    """Post one cash move; returns its open item."""
    accounts = accounts_get(wanted=[(move.buyer_id, P.RECEIVABLE), move.cash(held)])
    [entry] = journal_entries_post(entries=[cash_entry(move, accounts, held)])
    return OpenItem.objects.values_list("pk", flat=True).get(entry=entry)


def money_in_post(
    *,
    buyer_id: int,
    seller_id: int,
    amount: Decimal,
    on: date,
    reference: str,
    held: bool,
    data: Mapping[str, Any] | None = None,
) -> int:
    """A payment received; returns its (negative) open item. `data`: what its label says, when
    it is not a plain payment (the deposit set off)."""
    move = CashMove(
        buyer_id,
        seller_id,
        amount,
        on,
        reference,
        f"Règlement {reference}",
        True,
        data=data or labels.facts(labels.PAYMENT, reference=reference),
    )
    return cash_post(move, held=held)


def money_back_post(
    *,
    buyer_id: int,
    seller_id: int,
    amount: Decimal,
    on: date,
    reference: str,
    due_date: date,
    held: bool,
) -> int:
    """A returned debit or a reversed payment: the money leaves the bank again and the debt it
    had settled is owed anew, from its original due date (a new open item, the ledger being
    insert-only). Returns the new open item."""
    move = CashMove(
        buyer_id,
        seller_id,
        amount,
        on,
        reference,
        f"Rejet / annulation {reference}",
        False,
        item_kind=OpenItem.Kind.INVOICE,
        due_date=due_date,
        data=labels.facts(labels.PAYMENT_REVERSED, reference=reference),
    )
    return cash_post(move, held=held)


def credit_note_item_locked(note: Any) -> OpenItem | None:
    """The buyer's open item of an issued credit note, locked: what it still holds as a credit
    (its negative open amount) once billing has set it against the buyer's invoices."""
    return (
        OpenItem.objects.select_for_update()
        .filter(
            party_id=note.recipient_id,
            counterparty_id=note.issuer_id,
            kind=OpenItem.Kind.CREDIT_NOTE,
            reference=note.number,
        )
        .first()
    )
