"""Retrying the EDI answers that could not be issued when their event came (O14).

A failed ORDRSP, DESADV or INVOIC is kept as an `OutboundRetry` (see `outbound.record_failure`);
the sweep `edi.retry_outbound` takes those due by `until`, locked (skip locked on PostgreSQL),
and issues them again. It is idempotent: a message is stored once per source, a retry found
issued is marked so, and a retry not yet due or no longer pending is not touched."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction

from comptoir.billing.models import Invoice
from comptoir.core.services import audit_record
from comptoir.edi.models import Direction, EdiMessage, OutboundRetry, RetryStatus
from comptoir.edi.services.outbound import (
    OutboundError,
    desadv_issue,
    invoic_issue,
    ordrsp_issue,
    record_failure,
)
from comptoir.fulfilment.models import Shipment
from comptoir.ordering.models import OrderEvent

BATCH = 200


def _take(retry_id: int, until: datetime) -> OutboundRetry | None:
    query = OutboundRetry.objects.filter(
        pk=retry_id, status=RetryStatus.PENDING, next_attempt_at__lte=until
    ).select_related("order__seller", "order__buyer")
    if connection.features.has_select_for_update_skip_locked:
        return query.select_for_update(skip_locked=True, of=("self",)).first()
    return query.select_for_update().first()


def _reissue(retry: OutboundRetry) -> EdiMessage:
    """Issue the message of `retry.source` again; the stored message (new or already there)."""
    kind, _sep, key = retry.source.partition(":")
    order = retry.order
    if kind == "ORDRSP":
        event = OrderEvent.objects.get(pk=int(key), order=order)
        ordrsp_issue(order, event)
    elif kind == "DESADV":
        desadv_issue(Shipment.objects.select_related("order").get(pk=int(key), order=order))
    elif kind == "INVOIC":
        invoic_issue(
            Invoice.objects.select_related("credited_invoice").get(
                pk=int(key), issuer_id=order.seller_id
            ),
            order,
        )
    else:
        raise OutboundError(f"unknown source {retry.source!r}")
    message = EdiMessage.objects.filter(direction=Direction.OUT, source=retry.source).first()
    if message is None:
        raise OutboundError(f"{retry.source} was not stored")
    return message


def outbound_retry_due(*, until: datetime) -> int:
    """Try again every pending retry due by `until`, one transaction each; returns how many
    were tried (issued, or failed once more)."""
    ids = list(
        OutboundRetry.objects.filter(status=RetryStatus.PENDING, next_attempt_at__lte=until)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    tried = 0
    for retry_id in ids:
        with transaction.atomic():
            retry = _take(retry_id, until)
            if retry is None:  # taken by a sweep running beside, or done meanwhile
                continue
            tried += 1
            try:
                with transaction.atomic():
                    message = _reissue(retry)
            except Exception as error:  # noqa: BLE001 - counted, then given up
                record_failure(retry.source, retry.order, error, until)
                continue
            retry.status = RetryStatus.ISSUED
            retry.message = message
            retry.next_attempt_at = None
            retry.updated_at = until
            retry.save(update_fields=["status", "message", "next_attempt_at", "updated_at"])
            audit_record(
                actor=None,
                organization_id=retry.order.seller_id,
                action="edi.out.retried",
                obj_type="edi.OutboundRetry",
                obj_id=str(retry.pk),
                data={"source": retry.source, "attempts": retry.attempts, "message": message.pk},
            )
    return tried


__all__ = ["outbound_retry_due"]
