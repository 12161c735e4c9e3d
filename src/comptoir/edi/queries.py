"""Tenant-scoped reads of EDI messages (O14): an organization sees the messages it sent or
received as buyer or seller, and nobody else's."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound
from comptoir.edi.models import Direction, EdiMessage, OutboundRetry, RetryStatus
from comptoir.parties.models import Organization


def _org_id(org: Organization | int | None) -> int | None:
    if org is None:
        return None
    return org if isinstance(org, int) else org.pk


def messages_for(
    org: Organization | int | None,
    *,
    message_type: str | None = None,
    direction: str | None = None,
) -> QuerySet[EdiMessage]:
    """The organization's messages, newest first, as buyer or seller."""
    org_id = _org_id(org)
    if org_id is None:
        return EdiMessage.objects.none()
    found = EdiMessage.objects.filter(Q(buyer_id=org_id) | Q(seller_id=org_id))
    if message_type:
        found = found.filter(message_type=message_type)
    if direction:
        found = found.filter(direction=direction)
    return found.select_related("buyer", "seller", "order").order_by("-created_at", "-id")


def message_for(org: Organization | int | None, message_id: int) -> EdiMessage:
    """One message of the organization, or NotFound (another company's looks missing)."""
    message = messages_for(org).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("EDI message"))
    return message


def pending_exports(seller: Organization | int) -> QuerySet[EdiMessage]:
    """Messages the seller issued that `comptoir edi export` has not written yet, oldest first."""
    return (
        EdiMessage.objects.filter(
            seller_id=_org_id(seller), direction=Direction.OUT, exports__isnull=True
        )
        .select_related("order")
        .order_by("created_at", "id")
    )


def inbound_order_message(order_id: int) -> EdiMessage | None:
    """The accepted ORDERS message that gave the order its lines: the original (BGM 9) or the
    last replacement (BGM 5), not a cancellation."""
    return (
        EdiMessage.objects.filter(
            order_id=order_id,
            direction=Direction.IN,
            status="accepted",
            function_code__in=("9", "5"),
        )
        .order_by("-created_at", "-id")
        .first()
    )


def outbound_retries(seller: Organization | int) -> QuerySet[OutboundRetry]:
    """The seller's EDI answers that failed (pending a new attempt or given up), oldest first."""
    return (
        OutboundRetry.objects.filter(order__seller_id=_org_id(seller))
        .exclude(status=RetryStatus.ISSUED)
        .select_related("order")
        .order_by("created_at", "id")
    )
