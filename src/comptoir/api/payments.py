"""Payments through the API (PT1–PT14): a company's statement of account with another, a
buyer's standing with a seller, a seller's receivables, and payments a seller records.

Reading needs the P4 right view_invoices; recording a payment is an owner's act (no P4 right
delegates it). The other party of a statement must have traded with the company: else 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.core import clock
from comptoir.core.errors import NotFound, PermissionDenied
from comptoir.ledger.models import OpenItem
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments import queries
from comptoir.payments.models import Method
from comptoir.payments.services import payment_record

router = Router(tags=["payments"])


def _member(request: HttpRequest, permission: str | None = Permission.VIEW_INVOICES) -> Membership:
    """`permission` None: the owner only (it records payments)."""
    membership = member(request, permission)
    if permission is None and not membership.is_owner:
        raise PermissionDenied(_("Only the organization's owner records payments."))
    return membership


def _counterparty(org: Organization, other_id: int) -> tuple[int, int]:
    """(buyer id, seller id) of `org` and `other_id` when they have traded; 404 otherwise."""
    pair = (
        OpenItem.objects.filter(
            Q(party_id=org.pk, counterparty_id=other_id)
            | Q(party_id=other_id, counterparty_id=org.pk)
        )
        .values_list("party_id", "counterparty_id")
        .first()
    )
    if pair is None or pair[1] is None:
        raise NotFound(_("Statement of account"), field="counterparty_id")
    return pair[0], pair[1]


class StatementLineOut(Schema):
    date: date
    reference: str
    kind: str
    label: str = Field(description="The entry's label as recorded in the ledger (French).")
    debit: Decimal
    credit: Decimal
    open_amount: Decimal
    due_date: date | None
    explanation: str
    description: str = Field(
        description="What the line is, in the language of the request (Accept-Language)."
    )


class StatementOut(Schema):
    buyer_id: int
    seller_id: int
    on: date
    balance: Decimal
    overdue: Decimal
    interest_accrued: Decimal
    lines: list[StatementLineOut]


class StandingOut(Schema):
    balance: Decimal
    overdue: Decimal
    oldest_overdue: date | None
    suspended: bool
    suspended_since: date | None
    terms_cut_until: date | None
    deposit_held: Decimal | None
    credit_limit: Decimal | None
    interest_accrued: Decimal


class ReceivableOut(Schema):
    buyer_id: int
    buyer: str
    balance: Decimal
    overdue: Decimal
    oldest_overdue: date | None
    interest_accrued: Decimal
    suspended: bool
    deposit_held: Decimal | None
    credit_limit: Decimal | None


class ReceivablePageOut(Schema):
    items: list[ReceivableOut]
    count: int
    offset: int
    limit: int


class PageIn(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class PaymentIn(Schema):
    buyer_id: int = Field(ge=1)
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    method: str = Field(pattern="^(" + "|".join(Method.values) + ")$")
    value_date: date
    reference: str = Field("", max_length=140)
    payer_iban: str = Field("", max_length=34)


class PaymentOut(Schema):
    id: int
    buyer_id: int
    seller_id: int
    method: str
    amount: Decimal
    value_date: date
    reference: str


@router.get("/statements/{counterparty_id}", response=StatementOut, auth=MEMBER)
def statement(request: HttpRequest, counterparty_id: int):
    """The statement of account between the company and another it traded with: every open
    item, each interest and fee line with its formula and clause (PT11)."""
    membership = _member(request)
    buyer_id, seller_id = _counterparty(membership.organization, counterparty_id)
    s = queries.statement_of_account(buyer=buyer_id, seller=seller_id)
    return {
        "buyer_id": buyer_id,
        "seller_id": seller_id,
        "on": s.on,
        "balance": s.balance,
        "overdue": s.overdue,
        "interest_accrued": s.interest_accrued,
        "lines": [line.__dict__ for line in s.lines],
    }


@router.get("/sellers/{seller_id}/standing", response=StandingOut, auth=MEMBER)
def standing(request: HttpRequest, seller_id: int):
    """The buyer's standing with a seller: overdue, suspension, terms cut, deposit, limit."""
    membership = _member(request)
    buyer_id, seller = _counterparty(membership.organization, seller_id)
    if buyer_id != membership.organization.pk:
        raise NotFound(_("Account standing"), field="seller_id")
    return queries.buyer_standing(buyer=buyer_id, seller=seller).__dict__


@router.get("/receivables", response=ReceivablePageOut, auth=MEMBER)
def receivables(request: HttpRequest, page: Query[PageIn]):
    """What each buyer owes the company as a seller, with its standing (overdue, suspension,
    deposit, credit limit), largest balance first (one query)."""
    membership = _member(request)
    rows = queries.receivables_by_buyer(seller=membership.organization, on=clock.today())
    count = len(rows)
    items = [
        {**row, "buyer_id": row["pk"], "buyer": row["name"]}
        for row in rows[page.offset : page.offset + page.limit]
    ]
    return {"items": items, "count": count, "offset": page.offset, "limit": page.limit}


@router.post("/payments", response={201: PaymentOut}, auth=MEMBER)
def record_payment(
    request: HttpRequest,
    payload: PaymentIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=80),
):
    """The seller records money received from a buyer it trades with (PT4: on the day the funds
    are available); allocated as its terms say (PT7). The same key again returns the same one."""
    membership = _member(request, None)
    buyer_id, seller_id = _counterparty(membership.organization, payload.buyer_id)
    if seller_id != membership.organization.pk:
        raise NotFound(_("Buyer"), field="buyer_id")
    payment = payment_record(
        buyer=buyer_id,
        seller=seller_id,
        amount=payload.amount,
        method=payload.method,
        value_date=payload.value_date,
        idempotency_key=idempotency_key,
        reference=payload.reference,
        payer_iban=payload.payer_iban,
        actor=request.user,
    )
    return Status(201, payment)
