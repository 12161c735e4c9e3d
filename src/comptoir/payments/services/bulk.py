"""Many plain transfers recorded at once (statement import): same result as `payment_record`
for each, in a handful of queries for the whole batch.

"Plain" means nothing but allocation happens: the seller's terms grant no cash discount, it is
not a marketplace seller (no payout), and the buyer owes nothing overdue on the value date (no
interest to claim first). Every other transfer goes through `payment_record` one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_returning, insert_rows, prepared
from comptoir.ledger.models import Account, Matching, OpenItem
from comptoir.ledger.services import (
    accounts_get,
    journal_entries_post,
)
from comptoir.payments import labels, rules
from comptoir.payments.models import LateCase, Payment
from comptoir.payments.policy import payment_policy
from comptoir.payments.rules import Debt
from comptoir.payments.services._posting import CashMove, cash_entry

P = Account.Purpose
DEBT_KINDS = (OpenItem.Kind.INVOICE, OpenItem.Kind.INTEREST, OpenItem.Kind.FEE)


@dataclass(frozen=True)
class Transfer:
    buyer_id: int
    seller_id: int
    amount: Decimal
    value_date: date
    reference: str
    payer_iban: str
    idempotency_key: str


def debts_of(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[OpenItem]]:
    """Open debit items of each (buyer, seller) pair, locked, oldest first (one query)."""
    out: dict[tuple[int, int], list[OpenItem]] = defaultdict(list)
    if not pairs:
        return out
    rows = (
        OpenItem.objects.select_for_update()
        .filter(
            party_id__in={b for b, _ in pairs},
            counterparty_id__in={s for _, s in pairs},
            account__purpose=P.RECEIVABLE,
            kind__in=DEBT_KINDS,
            open_amount__gt=0,
        )
        .order_by("due_date", "pk")
    )
    for item in rows:
        key = (item.party_id, item.counterparty_id or 0)
        if key in pairs:
            out[key].append(item)
    return out


def is_plain(seller_id: int, on: date, debts: list[OpenItem], cache: dict[int, Any]) -> bool:
    if seller_id not in cache:
        cache[seller_id] = payment_policy(seller_id, on)
    policy = cache[seller_id]
    if policy is None or policy.is_marketplace or policy.document.payment.cash_discount:
        return False
    return not any(d.due_date is not None and d.due_date < on for d in debts)


def _save_open_amounts(items: dict[int, Decimal]) -> None:
    table = OpenItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET open_amount = %s WHERE id = %s",  # noqa: S608
            [(connection.ops.adapt_decimalfield_value(v, 14, 2), pk) for pk, v in items.items()],
        )


PAYMENT_FIELDS = (
    "buyer",
    "seller",
    "method",
    "source",
    "amount",
    "value_date",
    "reference",
    "payer_iban",
    "idempotency_key",
    "open_item",
    "recorded_at",
    "recorded_by",
    "reversed_at",
    "reversal_reason",
)


def _payments_insert(transfers: list[Transfer], items: list[int], actor: Any) -> list[Payment]:
    """The payments of `transfers`, each with its ledger open item, inserted in one go."""
    now = clock.now()
    by = actor if getattr(actor, "pk", None) else None
    payments = [
        Payment(
            buyer_id=t.buyer_id,
            seller_id=t.seller_id,
            method="transfer",
            source=Payment.Source.STATEMENT,
            amount=t.amount,
            value_date=t.value_date,
            reference=t.reference[:140],
            payer_iban=t.payer_iban,
            idempotency_key=t.idempotency_key,
            open_item_id=item,
            recorded_at=now,
            recorded_by=by,
        )
        for t, item in zip(transfers, items, strict=True)
    ]
    stamp = prepared(Payment, "recorded_at", now)
    ids = insert_returning(
        Payment,
        PAYMENT_FIELDS,
        [
            (
                p.buyer_id,
                p.seller_id,
                p.method,
                p.source,
                p.amount,
                p.value_date,
                p.reference,
                p.payer_iban,
                p.idempotency_key,
                p.open_item_id,
                stamp,
                p.recorded_by_id,
                None,
                "",
            )
            for p in payments
        ],
    )
    for payment, pk in zip(payments, ids, strict=True):
        payment.pk = pk
        payment._state.adding = False
        payment._state.db = connection.alias
    return payments


def transfers_record(
    transfers: list[Transfer], debts: dict[tuple[int, int], list[OpenItem]], actor: Any = None
) -> list[Payment]:
    """Record plain transfers (see the module's docstring) and allocate them in PT7 order,
    within the caller's transaction; returns the payments in the same order."""
    if not transfers:
        return []
    now, today = clock.now(), clock.today()
    wanted = {(t.buyer_id, P.RECEIVABLE) for t in transfers} | {
        (t.seller_id, P.BANK) for t in transfers
    }
    accounts = accounts_get(wanted=wanted)
    moves = [
        CashMove(
            t.buyer_id,
            t.seller_id,
            t.amount,
            t.value_date,
            t.reference,
            f"Règlement {t.reference}",
            True,
            data=labels.facts(labels.PAYMENT, reference=t.reference),
        )
        for t in transfers
    ]
    entries = journal_entries_post(entries=[cash_entry(m, accounts, False) for m in moves])
    credit_of = dict(
        OpenItem.objects.filter(entry__in=[e.pk for e in entries]).values_list("entry_id", "pk")
    )
    payments = _payments_insert(transfers, [credit_of[e.pk] for e in entries], actor)
    policies: dict[int, Any] = {}
    changed: dict[int, Decimal] = {}
    matchings: list[tuple[int, int | None, Decimal, Any]] = []
    settled: list[int] = []
    at = prepared(Matching, "at", now)
    # per pair, its debts still open, as the allocation sees them (settled ones take nothing)
    live: dict[tuple[int, int], dict[int, Debt]] = {}
    for t, payment in zip(transfers, payments, strict=True):
        if t.seller_id not in policies:
            policies[t.seller_id] = payment_policy(t.seller_id, t.value_date)
        order = policies[t.seller_id].allocation if policies[t.seller_id] else None
        key = (t.buyer_id, t.seller_id)
        if key not in live:
            live[key] = {
                d.pk: Debt(d.pk, d.kind, d.reference, d.due_date, d.open_amount)
                for d in debts.get(key, [])
                if d.open_amount > 0
            }
        open_debts = live[key]
        plan = rules.allocate(t.amount, list(open_debts.values()), order, t.reference)
        used = Decimal("0.00")
        for debt_id, amount in plan:
            debt = open_debts[debt_id]
            left = debt.open_amount - amount
            changed[debt_id] = left
            used += amount
            matchings.append((debt_id, payment.open_item_id, amount, at))
            if left == 0:
                settled.append(debt_id)
                del open_debts[debt_id]
            else:
                open_debts[debt_id] = replace(debt, open_amount=left)
        if used and payment.open_item_id is not None:
            changed[payment.open_item_id] = -(t.amount - used)
    for items in debts.values():  # the callers' objects follow, as before
        for item in items:
            if item.pk in changed:
                item.open_amount = changed[item.pk]
    insert_rows(Matching, ["item_a", "item_b", "amount", "at"], matchings)
    _save_open_amounts(changed)
    if settled:
        LateCase.objects.filter(open_item_id__in=settled).exclude(
            stage__in=[LateCase.Stage.SETTLED, LateCase.Stage.RESOLVED]
        ).update(stage=LateCase.Stage.SETTLED, settled_on=today)
    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        organization_id=transfers[0].seller_id
        if len({t.seller_id for t in transfers}) == 1
        else None,
        action="payments.payments_recorded",
        obj_type="payments.payment",
        obj_id=f"{payments[0].pk}-{payments[-1].pk}",
        data={
            "count": len(payments),
            "total": sum((t.amount for t in transfers), Decimal(0)),
            "allocated": len(matchings),
            "rule": "PT7",
        },
    )
    return payments
