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
    the refund's status, or "none" when it is no card matter.

    A credit note on a consumer's invoice not paid by card takes the same task: what it leaves
    is owed back by transfer (O17, `credit_note_transfer_refund`, one refund per credit note);
    the answer is then "transfer:<status>" ("none" when nothing is left to refund)."""
    from comptoir.billing.models import Invoice
    from comptoir.payments.services.card import card_refund_for_credit_note
    from comptoir.payments.services.refunds import credit_note_transfer_refund

    refund = card_refund_for_credit_note(credit_note=Invoice(pk=credit_note_id))
    if refund is not None:
        return refund.status
    owed = credit_note_transfer_refund(credit_note=credit_note_id)
    return f"transfer:{owed.status}" if owed is not None else "none"
