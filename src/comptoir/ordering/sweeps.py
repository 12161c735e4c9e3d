"""Time-driven changes of orders (N2)."""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.ordering.services import orders_apply_deadlines


@register("ordering.apply_deadlines", order=60)
def apply_deadlines(*, until: datetime) -> int:
    """Lapse, auto-accept, batch processing and force-majeure ends that fell due (O6, O8, N4)."""
    return orders_apply_deadlines(until=until)
