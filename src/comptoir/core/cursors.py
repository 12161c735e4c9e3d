"""Keyset cursors for the pages of long lists: the sort key of a page's last row, written into
the "next page" link as URL-safe text, and read back. A cursor the platform did not write reads
as none (the list starts again from its first page)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.db.models import Q


def encode_cursor(key: list[Any]) -> str:
    raw = json.dumps(key, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any] | None:
    """The key of `size` values, or None when `cursor` is not one."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(key, list) or len(key) != size:
        return None
    if any(isinstance(value, str) and "\x00" in value for value in key):
        return None  # no text the platform stores holds a NUL
    return key


def after_key(field: str, value: Any, pk: Any, *, descending: bool = False) -> Q:
    """The rows after the key (value, pk) in the order (field, pk), both ascending or both
    descending. Written `field >= value AND (field > value OR (field = value AND pk > pk))`:
    the first test starts the index's range scan at the key, where the OR alone is only a
    filter, so each page would read again every row before it."""
    op = "lt" if descending else "gt"
    bound = "lte" if descending else "gte"
    return Q(**{f"{field}__{bound}": value}) & (
        Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk})
    )
