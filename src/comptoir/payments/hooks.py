"""What payments asks of, and tells, the layers above it about orders (O10).

Payments sits below ordering and fulfilment and may not import them. A bank statement line
naming an order awaiting its prepayment is still recorded as that order's prepayment: the layer
that knows which orders await one registers a resolver here from its `AppConfig.ready()`, and
payments calls it with the order numbers of a statement. It may also register a listener told of
the prepayments recorded that way (inside the same transaction), to note them on the order.
Without a resolver no order is found and such lines wait in the review queue, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OrderRef:
    """An order awaiting its prepayment: who pays whom, and what is still due (incl. VAT)."""

    number: str
    buyer_id: int
    seller_id: int
    amount_due: Decimal


@dataclass(frozen=True, slots=True)
class PrepaymentReceived:
    """A payment recorded as an order's prepayment from a bank statement line (O10)."""

    number: str
    buyer_id: int
    seller_id: int
    payment_id: int
    amount: Decimal
    source: str
    """"statement" (matched at import) or "review" (assigned from the review queue)."""


OrderReferenceResolver = Callable[[set[int], set[str]], Mapping[str, OrderRef]]
"""fn(seller_ids, order numbers) -> {number: OrderRef} for the orders of those sellers still
awaiting their prepayment; every other number is left out. Called once per statement."""
PrepaymentListener = Callable[[list[PrepaymentReceived]], object]

_RESOLVERS: list[OrderReferenceResolver] = []
_LISTENERS: list[PrepaymentListener] = []


def register_order_reference_resolver(fn: OrderReferenceResolver) -> None:
    """Register a resolver; registering the same one twice is a no-op."""
    if fn not in _RESOLVERS:
        _RESOLVERS.append(fn)


def register_prepayment_listener(fn: PrepaymentListener) -> None:
    """Register a listener of the prepayments recorded from statements; twice is a no-op."""
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def orders_awaiting_prepayment(seller_ids: set[int], numbers: Iterable[str]) -> dict[str, OrderRef]:
    """The orders of `seller_ids` among `numbers` that await their prepayment (O10)."""
    wanted = set(numbers)
    if not seller_ids or not wanted:
        return {}
    found: dict[str, OrderRef] = {}
    for resolver in list(_RESOLVERS):
        for number, ref in resolver(set(seller_ids), wanted).items():
            if number in wanted and ref.seller_id in seller_ids:
                found.setdefault(number, ref)
    return found


def prepayments_received(received: list[PrepaymentReceived]) -> None:
    """Tell the listeners, inside the caller's transaction, of the prepayments just recorded."""
    if not received:
        return
    for listener in list(_LISTENERS):
        listener(list(received))


__all__ = [
    "OrderRef",
    "OrderReferenceResolver",
    "PrepaymentListener",
    "PrepaymentReceived",
    "orders_awaiting_prepayment",
    "prepayments_received",
    "register_order_reference_resolver",
    "register_prepayment_listener",
]
