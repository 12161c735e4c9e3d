"""The audit chain's arithmetic: canonical JSON and SHA-256 hashes (rule P8 Evidence).

Pure Python (no Django). Each audit entry stores `previous_hash` (the hash of the entry before it,
`GENESIS_HASH` for the first) and `hash` = SHA-256 of the canonical JSON of its own fields plus
`previous_hash`. Changing, inserting or deleting an entry breaks the chain from that point on,
which `comptoir audit verify` reports.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["GENESIS_HASH", "VerifyResult", "canonical_json", "entry_hash", "jsonable"]

GENESIS_HASH = "0" * 64

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def jsonable(value: Any) -> JsonValue:
    """`value` as plain JSON data that survives a round trip through any JSON column unchanged.

    Decimals become strings ("12.50"), dates and datetimes ISO strings, UUIDs strings, tuples and
    lists lists, sets sorted lists, mapping keys strings. Floats are refused (`TypeError`): their
    text form is not stable across databases, and money is never float.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        raise TypeError(f"audit data must not contain floats (use Decimal or str): {value!r}")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    raise TypeError(f"audit data cannot hold a {type(value).__name__}: {value!r}")


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    organization_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    data: JsonValue,
    previous_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields and the previous entry's hash."""
    payload = {
        "seq": seq,
        "at": _instant(at),
        "actor_id": actor_id,
        "organization_id": organization_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
        "previous_hash": previous_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain: `ok`, how many entries were checked, the head hash, and
    for a broken chain the first entry at fault and why."""

    ok: bool
    checked: int
    head_hash: str
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    reason: str | None = None

    def message(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.checked} entries, head {self.head_hash}."
        return (
            f"Audit chain broken at entry id={self.first_bad_id} (seq {self.first_bad_seq}): "
            f"{self.reason} ({self.checked} entries checked before it)."
        )
