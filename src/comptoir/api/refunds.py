"""A seller's refunds by transfer through the API (O12, O17, I5): what it owes back to buyers
for money received otherwise than by card, marking one paid once its bank has executed it,
refunding a buyer's credit on request (with an `Idempotency-Key`), cancelling one not paid, and
releasing one the export held back because the buyer's credit no longer covered it (I5).

Needs the P4 right view_invoices, as the seller's refunds page. Each company sees its own
refunds only (a buyer's company has none: an empty list); another company's refund answers 404;
a refund already paid, 422 (`refund_already_paid`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.api.idempotency import IdempotencyHeader, once
from comptoir.core import clock
from comptoir.core.errors import NotFound
from comptoir.parties.models import Permission
from comptoir.payments.models import Refund
from comptoir.payments.services.refunds import (
    credit_refund_create,
    held_reason_text,
    is_late,
    refund_cancel,
    refund_mark_paid,
    refund_release,
    refunds_of,
)

router = Router(tags=["payments"])


class RefundFilter(Schema):
    status: str | None = Field(
        None,
        pattern="^(" + "|".join(Refund.Status.values) + ")$",
        description="due, held (at export: the buyer's credit no longer covers it), exported "
        "(sent to the bank), paid or cancelled",
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class RefundOut(Schema):
    id: int
    buyer_id: int
    buyer: str
    reference: str = Field(description="the order number")
    amount: Decimal
    rule: str = Field(
        description="O12 (order not gone ahead), O17 (consumer's withdrawal or credit note) or "
        "I5 (a credit refunded on request)"
    )
    reason: str
    method: str
    creditor_iban: str = Field(description="blank when unknown: paid by hand")
    due_on: date
    late: bool = Field(description="still due after its due day")
    status: str
    transfer_reference: str = Field(description="the EndToEndId of the credit transfer")
    created_at: datetime
    exported_at: datetime | None
    paid_on: date | None
    cancelled_at: datetime | None
    cancel_reason: str
    held_at: datetime | None = Field(description="when the export held it back")
    held_reason: str = Field(
        description="why it is held (code): credit_short, the buyer's credit no longer covers it"
    )
    held_credit: Decimal | None = Field(
        description="what the buyer's credit still covered for it when it was held"
    )
    held_message: str = Field(description="the reason for people, with its rule; blank if not held")
    beyond_credit: Decimal = Field(
        description="paid beyond the buyer's credit at that moment: what the buyer owes back"
    )


class RefundPageOut(Schema):
    items: list[RefundOut]
    count: int
    offset: int
    limit: int


class RefundPaidIn(Schema):
    on: date | None = Field(None, description="the day the bank paid it (default today)")


class RefundCreateIn(Schema):
    buyer_id: int = Field(description="the buyer whose credit is refunded")
    amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="default: all of its credit"
    )
    reason: str = Field("", max_length=300)


class RefundCancelIn(Schema):
    reason: str = Field(..., max_length=300, description="why the refund is not paid")


def _out(refund: Refund, today: date) -> dict:
    return {
        "id": refund.pk,
        "buyer_id": refund.buyer_id,
        "buyer": refund.buyer.display_name,
        "reference": refund.reference,
        "amount": refund.amount,
        "rule": refund.rule,
        "reason": refund.reason,
        "method": refund.method,
        "creditor_iban": refund.creditor_iban,
        "due_on": refund.due_on,
        "late": is_late(refund, today),
        "status": refund.status,
        "transfer_reference": refund.end_to_end_id,
        "created_at": refund.created_at,
        "exported_at": refund.exported_at,
        "paid_on": refund.paid_on,
        "cancelled_at": refund.cancelled_at,
        "cancel_reason": refund.cancel_reason,
        "held_at": refund.held_at,
        "held_reason": refund.held_reason,
        "held_credit": refund.held_credit,
        "held_message": held_reason_text(refund),
        "beyond_credit": refund.beyond_credit,
    }


@router.get("/refunds", response=RefundPageOut, auth=MEMBER)
def list_refunds(request: HttpRequest, filters: Query[RefundFilter]):
    """The refunds by transfer the company owes as a seller, latest due first (O12, O17)."""
    membership = member(request, Permission.VIEW_INVOICES)
    rows = refunds_of(seller_id=membership.organization_id, status=filters.status)
    today = clock.today()
    return {
        "items": [_out(r, today) for r in rows[filters.offset : filters.offset + filters.limit]],
        "count": rows.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.post("/refunds/{refund_id}/paid", response=RefundOut, auth=MEMBER)
def mark_refund_paid(request: HttpRequest, refund_id: int, payload: RefundPaidIn | None = None):
    """The company's bank paid this refund: the money going out is posted and set against the
    buyer's credit (O12, O17). Paid already: refused (`refund_already_paid`)."""
    membership = member(request, Permission.VIEW_INVOICES)
    refund = refund_mark_paid(
        seller=membership.organization,
        refund=refund_id,
        on=payload.on if payload is not None else None,
        actor=request.user,
    )
    return _out(refund, clock.today())


@router.post("/refunds", response={201: RefundOut}, auth=MEMBER)
def create_refund(
    request: HttpRequest, idempotency_key: IdempotencyHeader, payload: RefundCreateIn
):
    """Refund a buyer's credit with the company by transfer instead of deducting it from the
    next invoice (I5): all of it, or `amount` (never more: `amount_above_credit`). While one
    such refund to the buyer is owed, another is refused (`credit_refund_pending`); the same
    `Idempotency-Key` again answers the first refund. A buyer with no account at the company:
    404."""
    membership = member(request, Permission.VIEW_INVOICES)
    seller = membership.organization
    if not seller.is_seller:
        raise NotFound(_("Buyer"), field="buyer_id")
    refund_id = once(
        organization=seller,
        key=idempotency_key,
        operation="refund_credit",
        inputs=payload.dict(),
        create=lambda: (
            credit_refund_create(
                seller=seller,
                buyer=payload.buyer_id,
                actor=request.user,
                amount=payload.amount,
                reason=payload.reason,
            ).pk
        ),
    )
    refund = Refund.objects.select_related("buyer").get(pk=refund_id, seller=seller)
    return Status(201, _out(refund, clock.today()))


@router.post("/refunds/{refund_id}/cancel", response=RefundOut, auth=MEMBER)
def cancel_refund(request: HttpRequest, refund_id: int, payload: RefundCancelIn):
    """The company will not pay this refund (due or sent to the bank): cancelled with its
    `reason` (required); the buyer's credit stays on its account. Paid already: refused
    (`refund_already_paid`); cancelled already: `refund_cancelled`."""
    membership = member(request, Permission.VIEW_INVOICES)
    refund = refund_cancel(
        seller=membership.organization,
        refund=refund_id,
        actor=request.user,
        reason=payload.reason,
    )
    return _out(refund, clock.today())


@router.post("/refunds/{refund_id}/release", response=RefundOut, auth=MEMBER)
def release_refund(request: HttpRequest, refund_id: int):
    """Release a refund the export held back because the buyer's credit no longer covered it
    (I5): it is due again, and the next export checks the buyer's credit again. Not held:
    refused (`refund_not_held`)."""
    membership = member(request, Permission.VIEW_INVOICES)
    refund = refund_release(seller=membership.organization, refund=refund_id, actor=request.user)
    return _out(refund, clock.today())
