"""Ledger postings of payments: money in, interest and costs charged, reopened debts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import (
    EntrySpec,
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entries_post,
)

P = Account.Purpose


@dataclass(frozen=True)
class Charge:
    """An amount the buyer owes the seller under its terms: interest or a cost (outside VAT)."""

    buyer_id: int
    seller_id: int
    kind: str  # OpenItem.Kind.INTEREST or FEE
    amount: Decimal
    reference: str
    label: str
    on: date


def charges_post(charges: Sequence[Charge]) -> list[int]:
    """Post each charge: debit the buyer's receivable, credit the seller's revenue; one open item
    each, due at once. Returns the open item ids, in order."""
    charges = [c for c in charges if c.amount > 0]
    if not charges:
        return []
    wanted = {(c.buyer_id, P.RECEIVABLE) for c in charges} | {
        (c.seller_id, P.SELLER_REVENUE) for c in charges
    }
    accounts = accounts_get(wanted=wanted)
    entries = journal_entries_post(
        entries=[
            EntrySpec(
                date=c.on,
                label=c.label,
                reference=c.reference,
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
    ids = dict(
        OpenItem.objects.filter(entry__in=entries).values_list("entry_id", "pk")  # one per entry
    )
    return [ids[e.pk] for e in entries]


def money_in_post(
    *, buyer_id: int, seller_id: int, amount: Decimal, on: date, reference: str, held: bool
) -> int:
    """A payment: debit the seller's bank (or, on a marketplace, the operator's account of funds
    held for sellers, PT14), credit the buyer's receivable; returns the (negative) open item."""
    cash = (None, P.FUNDS_HELD_FOR_SELLERS) if held else (seller_id, P.BANK)
    accounts = accounts_get(wanted=[(buyer_id, P.RECEIVABLE), cash])
    receivable = accounts[(buyer_id, P.RECEIVABLE)]
    entry = journal_entries_post(
        entries=[
            EntrySpec(
                date=on,
                label=f"Règlement {reference}"[:200],
                reference=reference[:64],
                journal="BQ",
                lines=[
                    Posting(account=accounts[cash], debit=amount),
                    Posting(account=receivable, credit=amount),
                ],
                open_items=[
                    OpenItemSpec(
                        account=receivable,
                        party_id=buyer_id,
                        counterparty_id=seller_id,
                        reference=reference[:64],
                        kind=OpenItem.Kind.PAYMENT,
                        amount=-amount,
                        due_date=on,
                    )
                ],
            )
        ]
    )[0]
    return OpenItem.objects.values_list("pk", flat=True).get(entry=entry)


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
    cash = (None, P.FUNDS_HELD_FOR_SELLERS) if held else (seller_id, P.BANK)
    accounts = accounts_get(wanted=[(buyer_id, P.RECEIVABLE), cash])
    receivable = accounts[(buyer_id, P.RECEIVABLE)]
    entry = journal_entries_post(
        entries=[
            EntrySpec(
                date=on,
                label=f"Rejet / annulation {reference}"[:200],
                reference=reference[:64],
                journal="BQ",
                lines=[
                    Posting(account=receivable, debit=amount),
                    Posting(account=accounts[cash], credit=amount),
                ],
                open_items=[
                    OpenItemSpec(
                        account=receivable,
                        party_id=buyer_id,
                        counterparty_id=seller_id,
                        reference=reference[:64],
                        kind=OpenItem.Kind.INVOICE,
                        amount=amount,
                        due_date=due_date,
                    )
                ],
            )
        ]
    )[0]
    return OpenItem.objects.values_list("pk", flat=True).get(entry=entry)
