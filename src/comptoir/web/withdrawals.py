"""A consumer's withdrawal on the order page (O17): the period, the lines still open to withdrawal,
and the form to withdraw from the order or from some of its lines.

Skeleton: filled in by the work on this section."""

from __future__ import annotations

from typing import Any

from comptoir.ordering.models import Order
from comptoir.parties.models import Membership


def panel(membership: Membership, order: Order) -> dict[str, Any]:
    """The context of the order page's section (O17)."""
    return {"shown": False}
