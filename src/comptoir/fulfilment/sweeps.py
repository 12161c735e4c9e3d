"""Time-driven changes of fulfilment (N2)."""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.fulfilment.services import contestations_freeze_due


@register("fulfilment.freeze_uncontested", order=70)
def freeze_uncontested(*, until: datetime) -> int:
    """Freeze delivered orders whose contestation deadline passed without contest (F4, F5)."""
    return contestations_freeze_due(until=until)
