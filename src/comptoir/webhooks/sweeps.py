"""Sweeps of webhooks: re-enqueue the deliveries whose next attempt has come.

The schedule lives on each row (`next_attempt_at`), so retries survive restarts and a late run
sends what is due. Enqueuing one twice is harmless: the task claims a delivery under a row lock
and skips one that is no longer pending or not yet due.
"""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.webhooks.queries import due_deliveries
from comptoir.webhooks.tasks import deliver_webhook


@register("webhooks.retry_deliveries", order=900)
def retry_deliveries(*, until: datetime) -> int:
    due = due_deliveries(until=until)
    for delivery_id in due:
        deliver_webhook.enqueue(delivery_id)
    return len(due)
