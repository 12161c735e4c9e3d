"""Delivery-address change requests on the order page (F6): the buyer asks in writing to be
delivered elsewhere before the order ships; the seller approves or refuses.

Skeleton: filled in by the work on this section."""

from __future__ import annotations

from typing import Any

from comptoir.ordering.models import Order
from comptoir.parties.models import Membership


def panel(membership: Membership, order: Order) -> dict[str, Any]:
    """The context of the order page's section (F6)."""
    return {"shown": False}
