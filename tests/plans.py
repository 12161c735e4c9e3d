"""The plan the database would run a read with, as text, to check that a page walks an index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def query_plan(sql: str, params: Sequence[Any] = ()) -> str:
    """PostgreSQL's EXPLAIN or SQLite's EXPLAIN QUERY PLAN. The tests' tables are small, so on
    PostgreSQL the sequential and bitmap scans are turned off for the transaction: the plan then
    shows how the read would walk a large table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())
