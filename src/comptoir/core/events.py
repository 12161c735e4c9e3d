"""Domain events published to the outside world (webhooks).

A service that changes state calls `emit(event, organization_ids, data)` inside its transaction.
Nothing happens unless the transaction commits: the event is handed to the subscribers from
`transaction.on_commit`. Core sits below every context, so any service may publish; the apps that
listen (the webhooks app) register a subscriber in their `AppConfig.ready()`, which keeps core free
of any import from above.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction

from comptoir.core.audit import jsonable

logger = logging.getLogger("comptoir.events")

#: Every event the platform publishes, in the order the documentation lists them.
EVENTS: tuple[str, ...] = (
    "order.placed",
    "order.accepted",
    "order.modified",
    "order.refused",
    "order.modification_confirmed",
    "order.lapsed",
    "order.cancelled",
    "order.shipped",
    "order.frozen",
    "invoice.issued",
    "payment.received",
)

#: One published item: the organizations concerned and the event's data.
Item = tuple[list[int], dict[str, Any]]
#: A subscriber gets every item of one publication at once (one item per `emit`, many per
#: `emit_many`), so it can serve a batch of 10,000 invoices with a handful of queries.
Subscriber = Callable[[str, list[Item]], object]

_SUBSCRIBERS: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Register `subscriber(event, items)`; registering twice is a no-op."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _SUBSCRIBERS:
        _SUBSCRIBERS.remove(subscriber)


@dataclass(frozen=True)
class Publication:
    """Events waiting for their transaction to commit: the callback `emit` hands to on_commit."""

    event: str
    items: tuple[tuple[tuple[int, ...], dict[str, Any]], ...]

    @property
    def organization_ids(self) -> tuple[int, ...]:
        return tuple(sorted({i for ids, _ in self.items for i in ids}))

    def __call__(self) -> None:
        items = [(list(ids), dict(data)) for ids, data in self.items]
        for subscriber in list(_SUBSCRIBERS):
            try:
                subscriber(self.event, items)
            except Exception:  # one listener's failure must not silence the others
                logger.exception("subscriber %r failed on %s", subscriber, self.event)


def _item(
    organization_ids: Iterable[int | None], data: Mapping[str, Any]
) -> tuple[tuple[int, ...], dict[str, Any]]:
    ids = tuple(sorted({int(i) for i in organization_ids if i is not None}))
    return ids, cast(dict[str, Any], jsonable(dict(data)))


def emit(
    event: str | None, organization_ids: Iterable[int | None], data: Mapping[str, Any]
) -> None:
    """Publish `event` to the organizations concerned once the current transaction commits.

    `data` is copied now as plain JSON (Decimal and dates become strings). `event=None` publishes
    nothing, so a caller can map its own actions with `dict.get` in a single call. A subscriber
    that fails is logged and never undoes or interrupts the committed change.
    """
    if event is None:
        return
    emit_many(event, [(organization_ids, data)])


def emit_many(
    event: str | None, items: Iterable[tuple[Iterable[int | None], Mapping[str, Any]]]
) -> None:
    """Publish `event` once per item (organizations, data), handed to the subscribers in one
    call after commit: what a batch use case (the monthly invoices) uses."""
    if event is None:
        return
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    published = tuple(item for item in (_item(ids, data) for ids, data in items) if item[0])
    if published:
        transaction.on_commit(Publication(event, published), robust=True)
