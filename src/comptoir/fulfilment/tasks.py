"""Background tasks of fulfilment."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django_tasks import task

from comptoir.fulfilment.models import CollectionNotice
from comptoir.fulfilment.pdf import collection_notice_pdf

SUBJECT = "Mise en demeure de prendre livraison — commande {order}, expédition {shipment}"


def mail_collection_notice(notice_id: int) -> bool:
    """E-mail a copy of the formal notice to collect (F7, N1) to the buyer, PDF attached. The
    registered letter itself goes by post; this copy only makes it known at once. False when the
    buyer has no address to write to."""
    notice = CollectionNotice.objects.select_related(
        "order__buyer", "order__seller", "order__placed_by", "shipment"
    ).get(pk=notice_id)
    order = notice.order
    placed_by = order.placed_by
    to = [a for a in {order.buyer.email, getattr(placed_by, "email", "")} if a]
    if not to:
        return False
    message = EmailMessage(
        subject=SUBJECT.format(order=order.number, shipment=notice.shipment.number),
        body=notice.letter,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted(to),
    )
    message.attach(
        f"mise-en-demeure-{notice.shipment.number}.pdf",
        collection_notice_pdf(notice),
        "application/pdf",
    )
    message.send()
    return True


@task()
def send_collection_notice(notice_id: int) -> None:
    """Enqueued on commit of a formal notice to collect."""
    mail_collection_notice(notice_id)
