"""Background tasks of ordering."""

from __future__ import annotations

from django_tasks import task

from comptoir.ordering.notifications import notify


@task()
def send_order_mail(order_id: int, action: str, note: str = "") -> None:
    """Enqueued on commit of each order step: the e-mail of that step (notifications)."""
    notify(order_id, action, note)
