"""Changing an order's lines from the order page: the buyer's edit while the terms allow it (O6,
O7), the seller's modification sent back to the buyer (O8), the seller's change after acceptance
with the buyer's written consent (O11); the seller's force-majeure suspension and its resumption
(N4).

Skeleton: filled in by the work on this section."""

from __future__ import annotations

from typing import Any

from comptoir.ordering.models import Order
from comptoir.parties.models import Membership


def panel(membership: Membership, order: Order) -> dict[str, Any]:
    """The context of the order page's section (O6, O8, O11, N4)."""
    return {"shown": False}
