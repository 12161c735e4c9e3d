"""Retrying the EDI answers that could not be issued when their event came (O14).

A failed ORDRSP, DESADV or INVOIC is kept as an `OutboundRetry` (see `outbound.record_failure`);
the sweep `edi.retry_outbound` takes those due by `until`, locked (skip locked on PostgreSQL),
and issues them again. It is idempotent: a message is stored once per source, a retry found
issued is marked so, and a retry not yet due or no longer pending is not touched.

`outbound_retry_now` is the seller's "retry now" (page `/edi/`, API): one attempt at once, by
the same per-row function as the sweep, on a pending or a given-up retry of the acting company."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
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
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission

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


def _attempt(retry: OutboundRetry, at: datetime, *, actor: Any = None) -> EdiMessage | None:
    """One attempt at `retry` (locked by the caller): the message stored and the retry marked
    `issued`, or the failure counted (`outbound.record_failure`: next attempt planned, or given
    up) and None. A given-up retry that fails again stays given up, with its attempt counted."""
    try:
        with transaction.atomic():
            message = _reissue(retry)
    except Exception as error:  # noqa: BLE001 - counted, then given up
        if retry.status == RetryStatus.PENDING:
            record_failure(retry.source, retry.order, error, at)
        else:  # given up: the seller tried by hand, the sweep does not take it again
            retry.attempts += 1
            retry.last_error = f"{type(error).__name__}: {error}"[:300]
            retry.updated_at = at
            retry.save(update_fields=["attempts", "last_error", "updated_at"])
        retry.refresh_from_db(
            fields=["status", "attempts", "next_attempt_at", "last_error", "updated_at"]
        )
        return None
    retry.status = RetryStatus.ISSUED
    retry.message = message
    retry.next_attempt_at = None
    retry.updated_at = at
    retry.save(update_fields=["status", "message", "next_attempt_at", "updated_at"])
    audit_record(
        actor=actor,
        organization_id=retry.order.seller_id,
        action="edi.out.retried",
        obj_type="edi.OutboundRetry",
        obj_id=str(retry.pk),
        data={"source": retry.source, "attempts": retry.attempts, "message": message.pk},
    )
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
            _attempt(retry, until)
    return tried


def outbound_retry_now(
    actor: Any, retry_id: int, *, organization: Organization | int
) -> OutboundRetry:
    """The seller retries one of its failed EDI answers at once (O14), pending or given up.

    Needs `place_orders` in `organization` (P4, as the seller's actions on orders and the EDI
    upload); another company's retry is NotFound. The row is locked (waiting for a sweep that
    holds it), so two clicks make one message. An issued retry answers `already_issued`.
    Returns the retry after the attempt: `issued` with its message, or still `pending` /
    `failed` with the attempt counted and its error (a failure is recorded, not raised)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    require_permission(actor, org_id, Permission.PLACE_ORDERS)
    at = clock.now()
    with transaction.atomic():
        query = OutboundRetry.objects.filter(pk=retry_id, order__seller_id=org_id).select_related(
            "order__seller", "order__buyer"
        )
        if connection.features.has_select_for_update_of:
            query = query.select_for_update(of=("self",))
        else:
            query = query.select_for_update()
        retry = query.first()
        if retry is None:
            raise NotFound(_("EDI message to retry"))
        if retry.status == RetryStatus.ISSUED:
            raise DomainError(
                "already_issued",
                _("This EDI message has already been issued: nothing to retry."),
                rule="O14",
            )
        was = retry.status
        message = _attempt(retry, at, actor=actor)
        audit_record(
            actor=actor,
            organization_id=org_id,
            action="edi.out.retry_now",
            obj_type="edi.OutboundRetry",
            obj_id=str(retry.pk),
            data={
                "source": retry.source,
                "order": retry.order.number,
                "was": was,
                "status": retry.status,
                "attempts": retry.attempts,
                "message": message.pk if message else None,
                "error": "" if message else retry.last_error,
            },
        )
    return retry


__all__ = ["outbound_retry_due", "outbound_retry_now"]
