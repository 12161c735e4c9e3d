"""Many plain transfers recorded at once (statement import): same result as `payment_record`
for each, in a handful of queries for the whole batch.

"Plain" means nothing but allocation happens: the seller's terms grant no cash discount, it is
not a marketplace seller (no payout), and the buyer owes nothing overdue on the value date (no
interest to claim first). Every other transfer goes through `payment_record` one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection

from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, Matching, OpenItem
from comptoir.ledger.services import (
    accounts_get,
    journal_entries_post,
)
from comptoir.payments import rules
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


def transfers_record(
    transfers: list[Transfer], debts: dict[tuple[int, int], list[OpenItem]], actor: Any = None
) -> list[Payment]:
    """Record plain transfers (see the module's docstring) and allocate them in PT7 order,
    within the caller's transaction; returns the payments in the same order."""
    if not transfers:
        return []
    now, today = clock.now(), clock.today()
    payments = Payment.objects.bulk_create(
        [
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
                recorded_at=now,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
            for t in transfers
        ]
    )
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
        )
        for t in transfers
    ]
    entries = journal_entries_post(entries=[cash_entry(m, accounts, False) for m in moves])
    credit_of = dict(
        OpenItem.objects.filter(entry__in=[e.pk for e in entries]).values_list("entry_id", "pk")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Payment._meta.db_table} SET open_item_id = %s WHERE id = %s",  # noqa: S608
            [(credit_of[e.pk], p.pk) for e, p in zip(entries, payments, strict=True)],
        )
    policies: dict[int, Any] = {}
    changed: dict[int, Decimal] = {}
    matchings: list[Matching] = []
    settled: list[int] = []
    for t, payment, entry in zip(transfers, payments, entries, strict=True):
        payment.open_item_id = credit_of[entry.pk]
        if t.seller_id not in policies:
            policies[t.seller_id] = payment_policy(t.seller_id, t.value_date)
        order = policies[t.seller_id].allocation if policies[t.seller_id] else None
        pair = debts.get((t.buyer_id, t.seller_id), [])
        plan = rules.allocate(
            t.amount,
            [Debt(d.pk, d.kind, d.reference, d.due_date, d.open_amount) for d in pair],
            order,
            t.reference,
        )
        by_id = {d.pk: d for d in pair}
        used = Decimal("0.00")
        for debt_id, amount in plan:
            debt = by_id[debt_id]
            debt.open_amount -= amount
            changed[debt_id] = debt.open_amount
            used += amount
            matchings.append(
                Matching(item_a_id=debt_id, item_b_id=payment.open_item_id, amount=amount, at=now)
            )
            if debt.open_amount == 0:
                settled.append(debt_id)
        if used:
            changed[payment.open_item_id] = -(t.amount - used)
    Matching.objects.bulk_create(matchings, batch_size=1000)
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
