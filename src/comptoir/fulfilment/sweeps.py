"""Time-driven changes of fulfilment (N2): each deadline stored by the services is applied here
once it passes, idempotently (one transaction per row, skip locked on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.fulfilment.services import (
    collection_notices_expire_due,
    contestations_freeze_due,
    packaging_kept_due,
    reserve_follow_ups_lapse_due,
    standalone_documents_due,
    wrong_goods_charge_due,
)


@register("fulfilment.lapse_reserve_follow_ups", order=65)
def lapse_reserve_follow_ups(*, until: datetime) -> int:
    """Reserves not confirmed in time are no longer opposable; no carrier protest in time ends
    the action against the carrier (F4 [003 §3])."""
    return reserve_follow_ups_lapse_due(until=until)


@register("fulfilment.charge_unreturned_wrong_goods", order=66)
def charge_unreturned_wrong_goods(*, until: datetime) -> int:
    """Wrong or excess goods not returned in time are charged at the usual price (F4 [002 §9.1])."""
    return wrong_goods_charge_due(until=until)


@register("fulfilment.expire_collection_notices", order=67)
def expire_collection_notices(*, until: datetime) -> int:
    """A formal notice to collect goods unanswered for its delay: the seller may resolve (F7)."""
    return collection_notices_expire_due(until=until)


@register("fulfilment.freeze_uncontested", order=70)
def freeze_uncontested(*, until: datetime) -> int:
    """Freeze delivered orders whose contestation deadline passed without contest (F4, F5)."""
    return contestations_freeze_due(until=until)


@register("fulfilment.sell_kept_packaging", order=72)
def sell_kept_packaging(*, until: datetime) -> int:
    """Packaging not returned by its deadline is sold: its deposit is credited back at 0 % and
    invoiced with VAT (F10)."""
    return packaging_kept_due(until=until)


@register("fulfilment.issue_standalone_documents", order=75)
def issue_standalone_documents(*, until: datetime) -> int:
    """Charges, deposits and deposit refunds no next invoice took within the setting's days get a
    standalone invoice and credit notes (F7, F10, I5)."""
    return standalone_documents_due(until=until)
