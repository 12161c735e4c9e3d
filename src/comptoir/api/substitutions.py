"""Replacement proposals through the API (C6 [002 §4.6]): the proposals of an order, the
seller's proposal for a line it cannot supply, the buyer's answer.

As for the other order endpoints (P4): reading needs view_orders, proposing and answering need
place_orders, and the prices of a proposal are given only with view_prices (null otherwise).
Other companies' orders and proposals answer 404; the services answer 403 to the wrong side
(the buyer proposing, the seller answering)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.core.errors import DomainError
from comptoir.ordering import queries
from comptoir.ordering.models import SubstitutionProposal, SubstitutionStatus
from comptoir.ordering.services.substitutions import (
    order_substitution_answer,
    order_substitution_propose,
)
from comptoir.parties.models import Membership, Permission

router = Router(tags=["substitutions"])

#: an id as the path gives it: within the database's integer range
ProposalId = Annotated[int, Path(ge=1, le=2**62)]


class SubstitutionIn(Schema):
    line_sku: str = Field(
        min_length=1, max_length=64, description="the SKU of the order line to replace"
    )
    product_id: int | None = Field(
        None, ge=1, le=2**62, description="the replacement, a product of the seller"
    )
    sku: str | None = Field(
        None, min_length=1, max_length=64, description="or the replacement's SKU"
    )
    quantity: int = Field(ge=1, le=1_000_000, description="adjusted to the pack size (O4)")
    note: str = Field("", max_length=2000, description="why, for the buyer")


class AnswerIn(Schema):
    accept: bool = Field(description="true: replace the line; false: the line leaves the order")


class SubstitutionOut(Schema):
    id: int
    order: str
    order_state: str
    original_sku: str
    original_title: str
    original_quantity: int
    product_id: int
    sku: str
    title: str
    quantity: int
    unit_price: Decimal | None = Field(description="excl. VAT; null without view_prices (P4)")
    vat_rate: Decimal
    net_amount: Decimal | None = Field(description="excl. VAT; null without view_prices (P4)")
    note: str
    status: str = Field(description="pending, accepted, declined or lapsed")
    status_label: str
    proposed_at: datetime
    answered_at: datetime | None


def _out(proposal: SubstitutionProposal, *, prices: bool, order_state: str) -> dict:
    return {
        "id": proposal.pk,
        "order": proposal.order.number,
        "order_state": order_state,
        "original_sku": proposal.original_sku,
        "original_title": proposal.original_title,
        "original_quantity": proposal.original_quantity,
        "product_id": proposal.product_id,
        "sku": proposal.sku,
        "title": proposal.title,
        "quantity": proposal.quantity,
        "unit_price": proposal.unit_price if prices else None,
        "vat_rate": proposal.vat_rate,
        "net_amount": proposal.net_amount if prices else None,
        "note": proposal.note,
        "status": proposal.status,
        "status_label": str(SubstitutionStatus(proposal.status).label),
        "proposed_at": proposal.proposed_at,
        "answered_at": proposal.answered_at,
    }


def _prices(membership: Membership) -> bool:
    return Permission.VIEW_PRICES in membership.effective_permissions


@router.get("/orders/{number}/substitutions", response=list[SubstitutionOut], auth=MEMBER)
def list_substitutions(request: HttpRequest, number: str):
    """The replacement proposals of the order, oldest first, for its buyer and its seller."""
    membership = member(request, Permission.VIEW_ORDERS)
    order = queries.order_for(membership.organization, number)
    prices = _prices(membership)
    return [
        _out(p, prices=prices, order_state=order.state) for p in queries.substitutions_for(order)
    ]


@router.post("/orders/{number}/substitutions", response={201: SubstitutionOut}, auth=MEMBER)
def propose_substitution(request: HttpRequest, number: str, payload: SubstitutionIn):
    """The seller proposes a replacement for a line it cannot supply (C6), by `product_id` or
    `sku`; the buyer is told by e-mail and answers with /substitutions/{id}/answer."""
    membership = member(request, Permission.PLACE_ORDERS)
    order = queries.order_for(membership.organization, number)
    line = order.lines.filter(sku=payload.line_sku).first()
    if line is None:
        raise DomainError(
            "unknown_line", _("Not a line of this order."), field="line_sku", rule="C6"
        )
    proposal = order_substitution_propose(
        actor=request.user,
        order_id=order.pk,
        line_id=line.pk,
        product_id=payload.product_id,
        sku=payload.sku or "",
        quantity=payload.quantity,
        note=payload.note,
    )
    return Status(201, _out(proposal, prices=_prices(membership), order_state=proposal.order.state))


@router.post("/substitutions/{proposal_id}/answer", response=SubstitutionOut, auth=MEMBER)
def answer_substitution(request: HttpRequest, proposal_id: ProposalId, payload: AnswerIn):
    """The buyer accepts (the line is replaced, the order re-quoted) or declines (the line
    leaves the order; the last line declined cancels it) one proposal (C6)."""
    membership = member(request, Permission.PLACE_ORDERS)
    found = queries.substitution_for(membership.organization, proposal_id)
    proposal = order_substitution_answer(
        actor=request.user, proposal_id=found.pk, accept=payload.accept
    )
    order = proposal.order  # read after the answer: cancelled when the last line was declined
    return _out(proposal, prices=_prices(membership), order_state=order.state)
