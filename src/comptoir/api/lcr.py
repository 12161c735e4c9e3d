"""A seller's LCR returned unpaid through the API (PT4): the bank sent back a remitted LCR (effet
impayé); the payment counted for it is reversed and the invoice is owed again from its due date.

Needs the P4 right view_invoices, as the seller's LCR page. Another company's LCR, or none,
answers 404; an LCR never remitted or a bad reason or day, 422. Returning the same LCR again
answers the first return, unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.core.errors import PermissionDenied
from comptoir.parties.models import Membership, Permission
from comptoir.payments.models import LcrReturn
from comptoir.payments.services.lcr import REASONS, lcr_return

router = Router(tags=["payments"])


def _member(request: HttpRequest) -> Membership:
    membership = member(request, Permission.VIEW_INVOICES)
    if not membership.is_owner:  # it cancels a payment, which only an owner records
        raise PermissionDenied(_("Only the organization's owner records an unpaid LCR."))
    return membership


class LcrReturnIn(Schema):
    reason: str = Field(
        ...,
        min_length=1,
        max_length=40,
        description="one of " + ", ".join(REASONS) + "; any other short text is an 'other' reason",
    )
    detail: str = Field("", max_length=80, description="the bank's own wording")
    on: date | None = Field(None, description="the day the bank returned it (default today)")


class LcrReturnOut(Schema):
    id: int
    lcr_id: int
    invoice: str
    reason: str
    detail: str
    returned_on: date
    amount: Decimal
    payment_reversed_id: int | None = Field(description="the payment cancelled, if one was")
    reversed_amount: Decimal
    fee: Decimal = Field(description="charged to the buyer: none while the terms set none")


def _out(done: LcrReturn) -> dict:
    return {
        "id": done.pk,
        "lcr_id": done.lcr_id,
        "invoice": done.lcr.invoice_item.reference,
        "reason": done.reason,
        "detail": done.detail,
        "returned_on": done.returned_on,
        "amount": done.amount,
        "payment_reversed_id": done.reversed_payment_id,
        "reversed_amount": done.reversed_amount,
        "fee": done.fee,
    }


@router.post("/lcr/{lcr_id}/return", response=LcrReturnOut, auth=MEMBER)
def return_lcr(request: HttpRequest, lcr_id: int, payload: LcrReturnIn):
    """The bank returned this remitted LCR unpaid (PT4): the payment counted when its funds were
    deemed available is reversed, the invoice is owed again from its due date. Idempotent."""
    membership = _member(request)
    done = lcr_return(
        seller=membership.organization,
        lcr=lcr_id,
        reason=payload.reason,
        detail=payload.detail,
        on=payload.on,
        actor=request.user,
    )
    return _out(done)
