"""`api.purge_idempotency_keys`: an `Idempotency-Key` is kept `KEY_KEPT` after the creation it
recorded, long enough for any client to retry a call it lost the answer of; then it is deleted,
so the table does not grow for ever. A retry after that would create again: clients retry within
minutes, and a key kept a month covers a client that was down for weeks. Idempotent: it selects
by the stored instant against `until`."""

from __future__ import annotations

from datetime import datetime, timedelta

from comptoir.api.models import IdempotencyKey
from comptoir.core.sweeps import register

KEY_KEPT = timedelta(days=30)
BATCH = 5_000


@register("api.purge_idempotency_keys", order=900)
def purge_idempotency_keys(*, until: datetime) -> int:
    """Delete the keys recorded more than 30 days before `until`, by batches; the count."""
    old = IdempotencyKey.objects.filter(created_at__lte=until - KEY_KEPT)
    purged = 0
    while ids := list(old.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        purged += IdempotencyKey.objects.filter(pk__in=ids).delete()[0]
    return purged
