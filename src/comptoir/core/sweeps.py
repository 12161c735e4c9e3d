"""Sweeps: the idempotent functions that apply whatever has fallen due by a given instant.

Each bounded context registers its sweeps in its own `sweeps.py`:

    @register("ordering.lapse_unanswered_orders")
    def lapse_unanswered_orders(*, until: datetime) -> int:
        ...  # returns how many rows it changed

A sweep must give the same result however late it runs and however often: it selects rows whose
stored `*_due_at` is <= `until` and that are still in the state the transition starts from, locks
them (skip locked on PostgreSQL), and applies the transition once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger("comptoir.sweeps")

SweepFunction = Callable[..., int]


@dataclass(frozen=True)
class Sweep:
    name: str
    function: SweepFunction
    order: int


_REGISTRY: dict[str, Sweep] = {}


def register(name: str, *, order: int = 100) -> Callable[[SweepFunction], SweepFunction]:
    """Register a sweep; lower `order` runs first (e.g. lapse before batch before collection)."""

    def decorator(function: SweepFunction) -> SweepFunction:
        _REGISTRY[name] = Sweep(name=name, function=function, order=order)
        return function

    return decorator


def registered() -> list[Sweep]:
    autodiscover_modules("sweeps")
    import_module("comptoir.core.job_sweeps")  # the kernel's own (this module is the registry)
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def run_all(*, until: datetime) -> dict[str, int]:
    """Run every registered sweep up to `until`; returns the count of changes per sweep."""
    results: dict[str, int] = {}
    for sweep in registered():
        changed = sweep.function(until=until)
        results[sweep.name] = changed
        if changed:
            logger.info("sweep %s applied %s change(s) up to %s", sweep.name, changed, until)
    return results
