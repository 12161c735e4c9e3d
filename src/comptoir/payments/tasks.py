"""Background tasks of payments."""

from __future__ import annotations

from django_tasks import task

from comptoir.payments.services.notices import notice_mail


@task()
def mail_formal_notice(notice_id: int) -> bool:
    """Enqueued when the collection sweep decides a formal notice: render the letter and send it
    (N1); a notice already mailed is not sent again."""
    return notice_mail(notice_id=notice_id)


@task()
def refund_credit_note_on_card(credit_note_id: int) -> str:
    """Enqueued after commit when a credit note of a card-paid order is issued (I5, O12): refund
    on the card what it leaves to the buyer. Running twice, or beside the retry sweep, refunds
    once (`card_refund_for_credit_note` is idempotent under the card payment's row lock). Returns
    the refund's status, or "none" when it is no card matter."""
    from comptoir.billing.models import Invoice
    from comptoir.payments.services.card import card_refund_for_credit_note

    refund = card_refund_for_credit_note(credit_note=Invoice(pk=credit_note_id))
    return refund.status if refund is not None else "none"
