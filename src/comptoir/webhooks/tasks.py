"""Background tasks of webhooks."""

from __future__ import annotations

from django_tasks import task

from comptoir.webhooks.services import delivery_attempt


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Enqueued when a delivery is created, and again by the retry sweep when it falls due."""
    return delivery_attempt(delivery_id=delivery_id)
