"""The one clock of Comptoir.

Everything that needs the time calls `now()` (an aware datetime) or `today()` (the date in Paris).
Tests and `comptoir sweep --until` move it with `frozen(at)`; production reads the system clock.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_frozen_at: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "comptoir_frozen_at", default=None
)
_global_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant, aware (UTC unless frozen at another zone)."""
    at = _frozen_at.get() or _global_frozen_at
    if at is not None:
        return at
    return datetime.now(tz=ZoneInfo("UTC"))


def today() -> date:
    """Today's date in France, where every deadline of the terms is counted."""
    return now().astimezone(PARIS).date()


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        return at.replace(tzinfo=PARIS)
    return at


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Freeze the clock at `at` (naive datetimes are read as Paris time) within the block."""
    token = _frozen_at.set(_aware(at))
    try:
        yield _aware(at)
    finally:
        _frozen_at.reset(token)


def freeze(at: datetime | None) -> None:
    """Freeze (or with None, release) the clock for the whole process: for commands and tests."""
    global _global_frozen_at
    _global_frozen_at = None if at is None else _aware(at)
