"""A large sweep split over several processes, each on its own share of the rows.

A sweep that accepts `part` works only on the rows of that share (a range of buyers, say); the
shares are disjoint, so the processes never wait for one another's locks and each consequence is
applied once. `run_parts` forks one process per share, each with its own database connection,
and returns their results in the order of the shares.

It runs in this process, as one share covering everything (`part=None`), when splitting would not
help or is not safe: one share, a database other than PostgreSQL (SQLite has one writer at a
time), or a transaction already open (a forked process could not see its uncommitted rows).

A share whose process lost its database connection (the server restarted, a network cut) is run
again once, in this process, on a new connection: the sweeps given to `run_parts` are idempotent,
so the second run applies what the first left undone. Its result counts what the second run did.
Any other failure is raised, with the share's traceback.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections

log = logging.getLogger(__name__)
RETRY_AFTER_S = 1.0  # time for a restarting server to accept connections again


def sweep_workers() -> int:
    """How many processes a large sweep may use (`COMPTOIR_SWEEP_WORKERS`, default 1)."""
    return max(1, int(getattr(settings, "COMPTOIR_SWEEP_WORKERS", 1)))


def can_split(workers: int) -> bool:
    """Whether `run_parts` would fork for `workers` shares here."""
    return workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block


def cut(weights: Sequence[tuple[int, int]], shares: int) -> list[tuple[int | None, int | None]]:
    """Contiguous ranges [low, high) of keys, `shares` of them at most, each with about the same
    total weight; `weights` are (key, weight) sorted by key. The first range is open below and
    the last open above, so a key that appears meanwhile still falls in exactly one range."""
    total = sum(w for _, w in weights)
    bounds: list[int] = []
    running = 0
    for key, weight in weights:
        if running >= total * (len(bounds) + 1) / shares and len(bounds) < shares - 1:
            bounds.append(key)
        running += weight
    edges: list[int | None] = [None, *bounds, None]
    return list(zip(edges, edges[1:], strict=False))


def _share(function: Callable[..., Any], part: Any, kwargs: dict[str, Any]) -> tuple[str, Any]:
    """("ok", result), ("lost", traceback) when the connection was lost, else ("failed", …)."""
    try:
        return "ok", function(part=part, **kwargs)
    except (OperationalError, InterfaceError):  # the connection, not the data: worth a new try
        return "lost", traceback.format_exc()
    except Exception:  # reported to the parent, which raises it
        return "failed", traceback.format_exc()
    finally:
        connections.close_all()


def run_parts(function: Callable[..., Any], parts: Sequence[Any], **kwargs: Any) -> list[Any]:
    """`function(part=p, **kwargs)` for every share `p`, in one process each, all at once."""
    if not can_split(len(parts)):
        return [function(part=None, **kwargs)]
    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(len(parts)) as pool:
        outcomes = pool.starmap(_share, [(function, p, kwargs) for p in parts])
    failed = [detail for status, detail in outcomes if status == "failed"]
    if failed:
        raise RuntimeError("a share of the sweep failed:\n" + "\n".join(failed))
    results = []
    for part, (status, detail) in zip(parts, outcomes, strict=True):
        if status == "lost":
            log.warning("share %s lost its database connection; run again here:\n%s", part, detail)
            time.sleep(RETRY_AFTER_S)
            detail = function(part=part, **kwargs)
        results.append(detail)
    return results
