"""Kernel use cases that change state: appending to the audit log (rule P8)."""

from __future__ import annotations

import zlib
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.core.audit import GENESIS_HASH, entry_hash, jsonable
from comptoir.core.models import AuditEntry

__all__ = ["AUDIT_LOCK_KEY", "audit_record"]

#: Key of the PostgreSQL transaction-level advisory lock that serializes audit appends.
AUDIT_LOCK_KEY = zlib.crc32(b"comptoir.core.audit_chain")


def _lock_chain() -> None:
    """Serialize writers of the chain until the end of the current transaction.

    PostgreSQL: a transaction-level advisory lock (there may be no row yet to lock). SQLite: the
    project opens every transaction with BEGIN IMMEDIATE (settings `transaction_mode`), which
    already holds the database's single write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


def _actor_id(actor: Any) -> int | None:
    if actor is None or getattr(actor, "is_anonymous", False):
        return None
    if not isinstance(actor, get_user_model()):
        raise TypeError(f"audit actor must be a user or None, not {type(actor).__name__}")
    if actor.pk is None:
        raise ValueError("audit actor must be a saved user")
    return int(actor.pk)


def audit_record(
    *,
    actor: Any,
    organization_id: int | None,
    action: str,
    obj_type: str,
    obj_id: Any,
    data: Any = None,
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    Call it inside the use case's transaction, so the entry commits with the change it records.
    `actor` is the acting user (None for the system), `organization_id` the tenant concerned,
    `action` a dotted verb ("invoice.issue"), `obj_type`/`obj_id` the object ("billing.invoice",
    42), `data` JSON-like details (Decimal, date, set allowed; float refused). The previous hash is
    read under a lock (`_lock_chain`) so concurrent writers still form a single chain; the lock is
    held until the surrounding transaction ends.
    """
    payload = jsonable(data if data is not None else {})
    actor_id = _actor_id(actor)
    object_id = "" if obj_id is None else str(obj_id)
    organization_id = None if organization_id is None else int(organization_id)
    for name, value, limit in (("action", action, 100), ("obj_type", obj_type, 100)):
        if not value or len(value) > limit:
            raise ValueError(f"audit {name} must be 1 to {limit} characters: {value!r}")
    if len(object_id) > 64:
        raise ValueError(f"audit obj_id must be at most 64 characters: {object_id!r}")
    # no savepoint of its own: the entry lives and dies with the caller's transaction
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        seq = last["seq"] + 1 if last else 1
        previous_hash = last["hash"] if last else GENESIS_HASH
        at = clock.now()
        entry = AuditEntry(
            seq=seq,
            at=at,
            actor_id=actor_id,
            organization_id=organization_id,
            action=action,
            object_type=obj_type,
            object_id=object_id,
            data=payload,
            previous_hash=previous_hash,
            hash=entry_hash(
                seq=seq,
                at=at,
                actor_id=actor_id,
                organization_id=organization_id,
                action=action,
                object_type=obj_type,
                object_id=object_id,
                data=payload,
                previous_hash=previous_hash,
            ),
        )
        entry.save()
    return entry
