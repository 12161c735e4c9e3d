"""Ledger services: the only code that writes the journal, open items and matchings.

These services open a *nestable* transaction (`transaction.atomic()`): they are called inside the
use case of a higher context (issuing an invoice, recording a payment), which owns the durable
transaction, so that the document and its posting commit or roll back together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_returning, insert_rows, prepared
from comptoir.ledger.models import ZERO, Account, JournalEntry, JournalLine, Matching, OpenItem

CENT = Decimal("0.01")
BATCH = 500
Purpose = Account.Purpose


@dataclass(frozen=True)
class Posting:
    """One line to post: exactly one of debit and credit is positive."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO


@dataclass(frozen=True)
class OpenItemSpec:
    account: Account
    party_id: int
    counterparty_id: int | None
    reference: str
    kind: str
    amount: Decimal
    due_date: date | None = None


def accounts_get(
    *, wanted: Iterable[tuple[int | None, str]]
) -> dict[tuple[int | None, str], Account]:
    """The accounts for (party id, purpose) pairs, created when missing (race-safe)."""
    keys = set(wanted)
    found: dict[tuple[int | None, str], Account] = {}
    party_ids = {p for p, _purpose in keys if p is not None}
    purposes = {purpose for _party, purpose in keys}
    query = Account.objects.filter(purpose__in=purposes)
    rows = list(query.filter(party_id__in=party_ids)) if party_ids else []
    if any(p is None for p, _purpose in keys):
        rows += list(query.filter(party__isnull=True))
    for account in rows:
        found[(account.party_id, account.purpose)] = account
    for key in keys - found.keys():
        party_id, purpose = key
        if purpose not in Purpose.values:
            raise DomainError(
                code="invalid_account_purpose",
                message=_("Unknown purpose %(purpose)s.") % {"purpose": purpose},
            )
        try:
            with transaction.atomic():
                found[key] = Account.objects.create(party_id=party_id, purpose=purpose)
        except IntegrityError:  # created meanwhile by a concurrent transaction
            found[key] = Account.objects.get(party_id=party_id, purpose=purpose)
    return {k: found[k] for k in keys}


def account_get(*, party_id: int | None, purpose: str) -> Account:
    return accounts_get(wanted=[(party_id, purpose)])[(party_id, purpose)]


def _check_lines(lines: Sequence[Posting]) -> None:
    if len(lines) < 2:
        raise DomainError(code="entry_too_short", message=_("An entry needs at least two lines."))
    debit = credit = ZERO
    for i, line in enumerate(lines):
        for amount in (line.debit, line.credit):
            if amount < 0 or amount != amount.quantize(CENT):
                raise DomainError(
                    code="invalid_line_amount",
                    message=_("Line amounts are positive with at most two decimals."),
                    field=f"lines.{i}",
                )
        if (line.debit > 0) == (line.credit > 0):
            raise DomainError(
                code="invalid_line_side",
                message=_("Each line has exactly one positive side."),
                field=f"lines.{i}",
            )
        debit += line.debit
        credit += line.credit
    if debit != credit:
        raise DomainError(
            code="unbalanced_entry",
            message=_("Entry does not balance: debit %(debit)s ≠ credit %(credit)s.")
            % {"debit": debit, "credit": credit},
            field="lines",
            details={"debit": str(debit), "credit": str(credit)},
        )


@dataclass(frozen=True)
class EntrySpec:
    """An entry to post: its lines must balance; its open items are created with it. `data`:
    the facts its label states, as JSON values (`JournalEntry.data`), or None."""

    date: date
    label: str
    lines: Sequence[Posting]
    reference: str = ""
    journal: str = "OD"
    open_items: Sequence[OpenItemSpec] = ()
    data: Mapping[str, Any] | None = None


def _data(spec: EntrySpec) -> str | None:
    """`spec.data` as the JSON text the column takes (both databases parse it on insert)."""
    return None if spec.data is None else json.dumps(dict(spec.data), ensure_ascii=False)


def journal_entries_post(*, entries: Sequence[EntrySpec]) -> list[JournalEntry]:
    """Post several balanced entries at once (batch issuing); all or none are posted."""
    at = clock.now()
    ids = journal_entries_insert(entries=entries, at=at)
    alias = connection.alias
    rows = []
    for spec, pk in zip(entries, ids, strict=True):
        row = JournalEntry(
            pk=pk,
            journal=spec.journal,
            date=spec.date,
            label=spec.label[:200],
            reference=spec.reference,
            created_at=at,
            data=dict(spec.data) if spec.data is not None else None,
        )
        row._state.adding = False
        row._state.db = alias
        rows.append(row)
    return rows


def journal_entries_insert(
    *, entries: Sequence[EntrySpec], at: datetime | None = None
) -> list[int]:
    """`journal_entries_post` answering only the new entries' ids, in order: no model is built
    (the collection sweep posts 70,000 charges at a time)."""
    for spec in entries:
        _check_lines(spec.lines)
    at = at or clock.now()
    with transaction.atomic():
        # rows as plain tuples, without the ORM's per-value preparation (bulk.py)
        fields = ["journal", "date", "label", "reference", "created_at", "data"]
        stamp = prepared(JournalEntry, "created_at", at)
        ids = insert_returning(
            JournalEntry,
            fields,
            [(e.journal, e.date, e.label[:200], e.reference, stamp, _data(e)) for e in entries],
        )
        insert_rows(
            JournalLine,
            ["entry", "account", "debit", "credit"],
            [
                (pk, line.account.pk, line.debit, line.credit)
                for pk, spec in zip(ids, entries, strict=True)
                for line in spec.lines
            ],
        )
        created_at = OpenItem._meta.get_field("created_at").get_db_prep_save(at, connection)
        insert_rows(
            OpenItem,
            [
                "account",
                "party",
                "counterparty",
                "entry",
                "reference",
                "kind",
                "amount",
                "open_amount",
                "due_date",
                "created_at",
            ],
            [
                (
                    item.account.pk,
                    item.party_id,
                    item.counterparty_id,
                    pk,
                    item.reference,
                    item.kind,
                    item.amount,
                    item.amount,
                    item.due_date,
                    created_at,
                )
                for pk, spec in zip(ids, entries, strict=True)
                for item in spec.open_items
            ],
        )
    return ids


def journal_entry_post(
    *,
    date: date,
    label: str,
    reference: str = "",
    lines: Sequence[Posting],
    journal: str = "OD",
    open_items: Sequence[OpenItemSpec] = (),
    data: Mapping[str, Any] | None = None,
) -> JournalEntry:
    """Post a balanced entry (Σ debit = Σ credit, refused otherwise) and its open items."""
    spec = EntrySpec(
        date=date,
        label=label,
        lines=lines,
        reference=reference,
        journal=journal,
        open_items=open_items,
        data=data,
    )
    return journal_entries_post(entries=[spec])[0]


def matching_create(
    *,
    item_a_id: int,
    item_b_id: int,
    amount: Decimal,
    at: datetime | None = None,
    actor: Any = None,
) -> Matching:
    """Lettrage: settle `amount` of debit item A (open > 0) with credit item B (open < 0).

    Partial matchings are allowed; the amount never exceeds what either item still has open."""
    if amount <= 0 or amount != amount.quantize(CENT):
        raise DomainError(
            code="invalid_amount", message=_("A matching amount is positive."), field="amount"
        )
    with transaction.atomic():
        items = {
            i.pk: i
            for i in OpenItem.objects.select_for_update().filter(pk__in=[item_a_id, item_b_id])
        }
        if item_a_id not in items or item_b_id not in items or item_a_id == item_b_id:
            raise DomainError(code="not_found", message=_("Open item not found."))
        a, b = items[item_a_id], items[item_b_id]
        if a.account_id != b.account_id or a.party_id != b.party_id:
            raise DomainError(
                code="matching_mismatch",
                message=_("Matched items must be on the same account and party."),
            )
        if a.counterparty_id != b.counterparty_id:
            raise DomainError(
                code="matching_mismatch",
                message=_("Matched items must concern the same seller."),
            )
        if a.open_amount < amount or -b.open_amount < amount:
            raise DomainError(
                code="matching_exceeds_open",
                message=_("Cannot match %(amount)s: A has %(open_a)s, B has %(open_b)s.")
                % {"amount": amount, "open_a": a.open_amount, "open_b": b.open_amount},
                field="amount",
            )
        a.open_amount -= amount
        b.open_amount += amount
        a.save(update_fields=["open_amount"])
        b.save(update_fields=["open_amount"])
        matching = Matching.objects.create(item_a=a, item_b=b, amount=amount, at=at or clock.now())
        audit_record(
            actor=actor,
            organization_id=a.counterparty_id,
            action="ledger.matching_created",
            obj_type="ledger.matching",
            obj_id=matching.pk,
            data={"item_a": a.reference, "item_b": b.reference, "amount": str(amount)},
        )
        return matching
