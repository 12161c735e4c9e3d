"""A marketplace seller's own payouts through the API (PT14): what the operator collected for it,
minus the commission incl. its VAT, and where each transfer stands (pending, sent to the bank,
paid), with the totals of the selection.

Reading needs the P4 right view_invoices, as the seller's receivables. Each company sees its own
payouts only; a company that is not a marketplace seller has none (an empty list, as
`/receivables` answers a buyer)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from comptoir.api.auth import MEMBER, member
from comptoir.parties.models import Permission
from comptoir.payments.models import Payout
from comptoir.payments.queries import seller_payouts

router = Router(tags=["payouts"])


class PayoutFilter(Schema):
    model_config = ConfigDict(populate_by_name=True)

    status: str | None = Field(
        None,
        pattern="^(" + "|".join(Payout.Status.values) + ")$",
        description="pending, exported (sent to the bank) or paid",
    )
    since: date | None = Field(
        None, alias="from", description="created on or after this day (Paris time)"
    )
    until: date | None = Field(
        None, alias="to", description="created on or before this day (Paris time)"
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class PayoutOut(Schema):
    id: int
    created_at: datetime
    payment_id: int
    payment_reference: str
    transfer_reference: str = Field(description="the EndToEndId of the credit transfer")
    gross: Decimal = Field(description="collected incl. VAT")
    commission: Decimal = Field(description="the commission incl. its VAT")
    net: Decimal = Field(description="paid out: gross minus commission")
    status: str
    exported_at: datetime | None = Field(description="sent to the bank (pain.001)")
    paid_at: datetime | None
    commission_invoice: str | None = Field(description="number of the commission invoice (I8)")
    commission_invoice_issuer_id: int | None


class PayoutTotalsOut(Schema):
    count: int
    gross: Decimal
    commission: Decimal
    net: Decimal


class PayoutPageOut(Schema):
    items: list[PayoutOut]
    count: int
    offset: int
    limit: int
    totals: PayoutTotalsOut


def _out(payout: Payout) -> dict:
    invoice = payout.commission_invoice
    return {
        "id": payout.pk,
        "created_at": payout.created_at,
        "payment_id": payout.payment_id,
        "payment_reference": payout.payment.reference,
        "transfer_reference": payout.end_to_end_id,
        "gross": payout.gross,
        "commission": payout.commission,
        "net": payout.net,
        "status": payout.status,
        "exported_at": payout.exported_at,
        "paid_at": payout.paid_at,
        "commission_invoice": invoice.number if invoice else None,
        "commission_invoice_issuer_id": invoice.issuer_id if invoice else None,
    }


@router.get("/payouts", response=PayoutPageOut, auth=MEMBER)
def list_payouts(request: HttpRequest, filters: Query[PayoutFilter]):
    """The company's payouts as a marketplace seller, newest first, with the totals of the whole
    selection (PT14). A period ending before it starts is refused (`invalid_period`)."""
    membership = member(request, Permission.VIEW_INVOICES)
    found = seller_payouts(
        seller=membership.organization,
        status=filters.status,
        since=filters.since,
        until=filters.until,
    )
    rows = found.rows[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_out(payout) for payout in rows],
        "count": found.totals.count,
        "offset": filters.offset,
        "limit": filters.limit,
        "totals": found.totals.__dict__,
    }
