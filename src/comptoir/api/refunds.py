"""A seller's refunds by transfer through the API (O12, O17): what it owes back to buyers for
money received otherwise than by card, and marking one paid once its bank has executed it.

Needs the P4 right view_invoices, as the seller's refunds page. Each company sees its own
refunds only (a buyer's company has none: an empty list); another company's refund answers 404;
a refund already paid, 422 (`refund_already_paid`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.auth import MEMBER
from comptoir.core import clock
from comptoir.core.errors import PermissionDenied
from comptoir.parties.acting import acting_membership
from comptoir.parties.models import Membership, Permission
from comptoir.payments.models import Refund
from comptoir.payments.services.refunds import is_late, refund_mark_paid, refunds_of

router = Router(tags=["payments"])


def _member(request: HttpRequest) -> Membership:
    membership = acting_membership(request)
    if membership is None:
        raise PermissionDenied("Log in as a member of an organization.")
    if Permission.VIEW_INVOICES not in membership.effective_permissions:
        raise PermissionDenied(f"Permission {Permission.VIEW_INVOICES} required (P4).")
    return membership


class RefundFilter(Schema):
    status: str | None = Field(
        None,
        pattern="^(" + "|".join(Refund.Status.values) + ")$",
        description="due, exported (sent to the bank), paid or cancelled",
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class RefundOut(Schema):
    id: int
    buyer_id: int
    buyer: str
    reference: str = Field(description="the order number")
    amount: Decimal
    rule: str = Field(description="O12 (order not gone ahead) or O17 (consumer's withdrawal)")
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


class RefundPageOut(Schema):
    items: list[RefundOut]
    count: int
    offset: int
    limit: int


class RefundPaidIn(Schema):
    on: date | None = Field(None, description="the day the bank paid it (default today)")


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
    }


@router.get("/refunds", response=RefundPageOut, auth=MEMBER)
def list_refunds(request: HttpRequest, filters: Query[RefundFilter]):
    """The refunds by transfer the company owes as a seller, latest due first (O12, O17)."""
    membership = _member(request)
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
    membership = _member(request)
    refund = refund_mark_paid(
        seller=membership.organization,
        refund=refund_id,
        on=payload.on if payload is not None else None,
        actor=request.user,
    )
    return _out(refund, clock.today())
