"""Time-driven steps of payments (N2): debits collected on their day, then collection (PT11)."""

from __future__ import annotations

from datetime import datetime

from comptoir.core import clock
from comptoir.core.sweeps import register
from comptoir.payments.services import collection_run_parallel, debits_collect, rebates_settle
from comptoir.payments.services.card import card_refunds_retry
from comptoir.payments.services.refunds import credit_note_refunds_missed


@register("payments.collect_direct_debits", order=80)
def collect_direct_debits(*, until: datetime) -> int:
    """Debits sent to the bank are paid on their collection day (PT4)."""
    return debits_collect(on=until.astimezone(clock.PARIS).date())


@register("payments.collection", order=90)
def collection(*, until: datetime) -> int:
    """Interest, indemnities, reminders, formal notices and their consequences (PT11, N1), split
    by buyer over COMPTOIR_SWEEP_WORKERS processes on PostgreSQL."""
    return collection_run_parallel(on=until.astimezone(clock.PARIS).date()).changes


@register("payments.rebates", order=95)
def rebates(*, until: datetime) -> int:
    """Quarterly rebates settled once their quarter is over and can be judged (PT13)."""
    return rebates_settle(on=until.astimezone(clock.PARIS).date())


@register("payments.card_refunds", order=85)
def card_refunds(*, until: datetime) -> int:
    """Card refunds of credit notes that failed (once their next retry has come), or that no
    task has made yet, are tried (I5, O12)."""
    return card_refunds_retry(until=until)


@register("payments.credit_note_refunds", order=86)
def credit_note_refunds(*, until: datetime) -> int:
    """A consumer's credit note whose refund task was lost is owed back all the same (O17)."""
    return credit_note_refunds_missed(until=until)
