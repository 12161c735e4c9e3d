"""Ledger reads: balances, overdue amounts and exposure of a buyer towards a seller.

`party` is the buyer (the organization that owes), `seller` the counterparty it owes (None: all
sellers). Both may be given as organizations or ids. Amounts are Decimals with two decimals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Max, Min, Q, QuerySet, Sum

from comptoir.core import clock
from comptoir.core.compiled import CompiledRead
from comptoir.core.money import quantize
from comptoir.ledger.models import ZERO, Account, JournalLine, OpenItem


def money(value: Decimal | None) -> Decimal:
    """A database sum as an exact amount in cents (SQLite sums decimals in floating point)."""
    return ZERO if value is None else quantize(Decimal(value))


def _id(obj: Any) -> int | None:
    return obj if obj is None or isinstance(obj, int) else obj.pk


def open_items(party: Any, seller: Any = None) -> QuerySet[OpenItem]:
    """Receivable open items of `party` (towards `seller` when given)."""
    qs = OpenItem.objects.filter(party_id=_id(party), account__purpose=Account.Purpose.RECEIVABLE)
    if seller is not None:
        qs = qs.filter(counterparty_id=_id(seller))
    return qs


def balance(party: Any, seller: Any = None) -> Decimal:
    """What `party` owes (positive) or is owed (negative): Σ open amounts of its open items."""
    return money(open_items(party, seller).aggregate(s=Sum("open_amount"))["s"])


def _overdue(party: Any, seller: Any, on: date) -> QuerySet[OpenItem]:
    return open_items(party, seller).filter(open_amount__gt=0, due_date__lt=on)


def overdue_amount(party: Any, seller: Any = None, on: date | None = None) -> Decimal:
    """Σ open amounts of debit items due before `on` (unmatched credits are not netted)."""
    return money(_overdue(party, seller, on or clock.today()).aggregate(s=Sum("open_amount"))["s"])


def _balance_and_overdue(
    party_id: int | None, seller_id: int | None, on: date
) -> QuerySet[OpenItem, Any]:
    # one row (none without items): a values query, which a compiled read can run
    return (
        open_items(party_id, seller_id)
        .order_by()
        .values("party_id")
        .annotate(
            s=Sum("open_amount"),
            o=Sum("open_amount", filter=Q(open_amount__gt=0, due_date__lt=on)),
        )
    )


# asked by every checkout and quote (O10, PT10): its SQL built once (core.compiled)
_BALANCE_AND_OVERDUE = CompiledRead(_balance_and_overdue, party_id=int, seller_id=int, on=date)


def balance_and_overdue(party: Any, seller: Any, on: date) -> tuple[Decimal, Decimal]:
    """`balance` and `overdue_amount` on `on` in one query (what a checkout asks)."""
    party_id, seller_id = _id(party), _id(seller)
    if party_id is None or seller_id is None:  # towards every seller: read the ordinary way
        rows = list(_balance_and_overdue(party_id, seller_id, on))
    else:
        rows = _BALANCE_AND_OVERDUE(party_id=party_id, seller_id=seller_id, on=on)
    if not rows:
        return ZERO, ZERO
    return money(rows[0]["s"]), money(rows[0]["o"])


def oldest_overdue_date(party: Any, seller: Any = None, on: date | None = None) -> date | None:
    return _overdue(party, seller, on or clock.today()).aggregate(d=Min("due_date"))["d"]


def exposure(party: Any, seller: Any = None, pending_orders_amount: Decimal = ZERO) -> Decimal:
    """Outstanding (the balance) plus what the caller says is ordered and not yet invoiced."""
    return balance(party, seller) + pending_orders_amount


def account_balance(account: Any) -> Decimal:
    """Σ debit − Σ credit of an account."""
    sums = JournalLine.objects.filter(account_id=_id(account) or 0).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return money(sums["d"]) - money(sums["c"])


def journal_totals() -> tuple[Decimal, Decimal]:
    sums = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return money(sums["d"]), money(sums["c"])


AGEING_BUCKETS = ((None, 0, "not_due"), (1, 30, "1-30"), (31, 60, "31-60"), (61, 90, "61-90"))


def ageing(seller: Any, on: date | None = None) -> list[tuple[str, Decimal]]:
    """What buyers owe `seller`, by days past due on `on`: not yet due, 1–30, 31–60, 61–90 and
    over 90 days (open debit items; one query)."""
    on = on or clock.today()
    rows = (
        OpenItem.objects.filter(
            counterparty_id=_id(seller),
            account__purpose=Account.Purpose.RECEIVABLE,
            open_amount__gt=0,
        )
        .values_list("due_date", "open_amount")
        .iterator()
    )
    totals = {label: ZERO for *_, label in AGEING_BUCKETS} | {"90+": ZERO}
    for due, amount in rows:
        late = (on - due).days if due is not None else 0
        label = "90+"
        for low, high, name in AGEING_BUCKETS:
            if (low is None and late <= high) or (low is not None and low <= late <= high):
                label = name
                break
        totals[label] += Decimal(amount)
    return [(label, money(total)) for label, total in totals.items()]


def on_time_rate(seller: Any, since: date, on: date | None = None) -> tuple[int, int]:
    """(settled on time, settled) for the invoices of `seller` due between `since` and `on`
    and fully settled: on time when the last settlement is on or before the due date."""
    on = on or clock.today()
    settled = (
        OpenItem.objects.filter(
            counterparty_id=_id(seller),
            kind=OpenItem.Kind.INVOICE,
            open_amount=0,
            due_date__gte=since,
            due_date__lte=on,
        )
        .annotate(last=Max("matchings_as_a__at"))
        .values_list("due_date", "last")
    )
    total = timely = 0
    for due, last in settled:
        total += 1
        if last is None or last.astimezone(clock.PARIS).date() <= due:
            timely += 1
    return timely, total
