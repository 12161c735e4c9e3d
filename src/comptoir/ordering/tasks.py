"""Background tasks of ordering."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from comptoir.ordering.notifications import notify


@task()
def send_order_mail(
    order_id: int, action: str, note: str = "", parts: list[dict[str, Any]] | None = None
) -> None:
    """Enqueued on commit of each order step: the e-mail of that step (notifications), its
    reason in each recipient's language when the note has parts."""
    notify(order_id, action, note, parts)
