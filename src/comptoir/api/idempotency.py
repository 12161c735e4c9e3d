"""Replaying a creation retried with the same `Idempotency-Key` header.

As `place_order` and `record_prepayment` do through their services: the same key with the same
request answers what the first call created, and creates nothing; the same key with another
request is refused (`idempotency_key_reused`, 422). For the services that keep no key of their
own, the API records the key beside the creation, in its transaction; a unique constraint per
organization makes two concurrent calls with one key create once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Header

from comptoir.api.models import IdempotencyKey
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.parties.models import Organization

#: The header of the creations a double click would duplicate (required, 1 to 80 characters).
IdempotencyHeader = Annotated[
    str, Header(..., alias="Idempotency-Key", min_length=1, max_length=80)
]


def fingerprint(operation: str, data: Any, files: Iterable[UploadedFile] = ()) -> str:
    """SHA-256 of the operation, its input (path parameters and body) and the files' contents."""
    digest = hashlib.sha256()
    digest.update(json.dumps([operation, data], sort_keys=True, default=str).encode())
    for f in files:
        f.seek(0)
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        digest.update(f"|{f.name}|{f.size}|".encode())
    return digest.hexdigest()


def _replayed(found: IdempotencyKey, operation: str, print_: str) -> int:
    if found.operation != operation or found.fingerprint != print_:
        raise DomainError(
            "idempotency_key_reused",
            _("This idempotency key was already used for a different request."),
            field="Idempotency-Key",
        )
    return found.object_id


def _found(organization: Organization, key: str) -> IdempotencyKey | None:
    return IdempotencyKey.objects.filter(organization=organization, key=key).first()


def once(
    *,
    organization: Organization,
    key: str,
    operation: str,
    inputs: Any,
    files: Iterable[UploadedFile] = (),
    create: Callable[[], int],
) -> int:
    """The id `create()` returns, created once per (organization, key): a replay of the same
    `operation` with the same `inputs` (its path parameters and body, and the `files`) returns
    the first id without calling `create`; another request with the key is refused. A
    DomainError of `create` records nothing (the call may be retried as is)."""
    print_ = fingerprint(operation, inputs, files)
    key = key.strip()
    if not key:
        raise DomainError(
            "invalid_idempotency_key",
            _("An idempotency key of 1 to 80 characters is required."),
            field="Idempotency-Key",
        )
    found = _found(organization, key)
    if found is not None:
        return _replayed(found, operation, print_)
    try:
        with transaction.atomic():
            object_id = create()
            IdempotencyKey.objects.create(
                organization=organization,
                key=key,
                operation=operation,
                fingerprint=print_,
                object_id=object_id,
                created_at=clock.now(),
            )
    except (IntegrityError, DomainError):
        found = _found(organization, key)  # a concurrent call with the key created it
        if found is None:
            raise
        return _replayed(found, operation, print_)
    return object_id
