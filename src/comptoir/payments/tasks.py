"""Background tasks of payments."""

from __future__ import annotations

from django_tasks import task

from comptoir.payments.services.notices import notice_mail


@task()
def mail_formal_notice(notice_id: int) -> bool:
    """Enqueued when the collection sweep decides a formal notice: render the letter and send it
    (N1); a notice already mailed is not sent again."""
    return notice_mail(notice_id=notice_id)
