"""Sweeps split over processes (core/parallel.py): a share whose process loses its database
connection is run again in the parent; any other failure is raised with its traceback."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from comptoir.core import parallel
from comptoir.core.parallel import run_parts

PARTS = [(None, 5), (5, None)]


def _lose_connection_in_a_child(part, parent: int):
    """In a forked process, the first share's backend is terminated before its query."""
    with connection.cursor() as cursor:
        if os.getpid() != parent and part[0] is None:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        cursor.execute("SELECT 1")
    return part, os.getpid() == parent


def _fail_in_a_child(part, parent: int):
    if part[0] is None:
        raise ValueError("not a connection problem")
    return part


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_share_that_lost_its_connection_runs_again_here(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "RETRY_AFTER_S", 0)
    results = run_parts(_lose_connection_in_a_child, PARTS, parent=os.getpid())
    # the first share ran again in this process; the second ran in its own
    assert results == [((None, 5), True), ((5, None), False)]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_any_other_failure_of_a_share_is_raised_with_its_traceback() -> None:
    with pytest.raises(RuntimeError, match="not a connection problem"):
        run_parts(_fail_in_a_child, PARTS, parent=os.getpid())
