"""Claims through the API (A5, F4): an order's claims with their threads, the buyer's claim, the
replies of both sides with attachments, closing.

As on the pages, reading and writing in a thread needs the P4 right view_orders; only the order's
buyer opens a claim, either side replies and closes. Other companies' orders and claims answer 404.
Opening and replying take `multipart/form-data` (the text fields and up to five `attachments`:
PDF, JPEG or PNG of at most 10 MB each, checked by the service) and an `Idempotency-Key` header:
the same key again returns the claim without a second message."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Path, Router, Schema, Status, UploadedFile
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.api.idempotency import IdempotencyHeader, once
from comptoir.core.downloads import attachment_response
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import Claim
from comptoir.fulfilment.rules import MAX_ATTACHMENT_BYTES
from comptoir.ordering import queries as ordering_queries
from comptoir.parties.models import Membership, Permission

router = Router(tags=["claims"])

SEE = Permission.VIEW_ORDERS
MAX_FILES = 5
MAX_REQUEST = MAX_FILES * MAX_ATTACHMENT_BYTES + 256 * 1024  # the files and the text around them

ClaimId = Annotated[int, Path(ge=1, le=2**62)]
Subject = Annotated[str, Form(..., min_length=1, max_length=200)]
Body = Annotated[str, Form(..., min_length=1, max_length=10_000)]
Attachments = Annotated[
    list[UploadedFile] | None, File(None, description="PDF, JPEG or PNG, 10 MB each, at most 5")
]


class AttachmentOut(Schema):
    id: int
    file_name: str
    content_type: str
    size: int
    url: str = Field(description="the file, downloaded (never shown inline)")


class MessageOut(Schema):
    id: int
    organization_id: int
    side: str = Field(description="buyer or seller")
    body: str
    created_at: datetime
    attachments: list[AttachmentOut]


class ClaimOut(Schema):
    id: int
    order: str
    subject: str
    status: str = Field(description="open, answered or closed")
    opened_by_side: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    messages: list[MessageOut]


class ClaimPageOut(Schema):
    items: list[ClaimOut]
    count: int


def _side(claim: Claim, org_id: int) -> str:
    return "buyer" if org_id == claim.order.buyer_id else "seller"


def _out(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "order": claim.order.number or "",
        "subject": claim.subject,
        "status": claim.status,
        "opened_by_side": _side(claim, claim.opened_by_organization_id),
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "closed_at": claim.closed_at,
        "messages": [
            {
                "id": message.pk,
                "organization_id": message.organization_id,
                "side": _side(claim, message.organization_id),
                "body": message.body,
                "created_at": message.created_at,
                "attachments": [
                    {
                        "id": a.pk,
                        "file_name": a.file_name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "url": reverse("api:claim_attachment", args=[claim.pk, a.pk]),
                    }
                    for a in message.attachments.all()
                ],
            }
            for message in claim.messages.all()
        ],
    }


def _files(request: HttpRequest, attachments: list[UploadedFile] | None) -> list[UploadedFile]:
    """The files sent, refused as a whole when too many or too large (A5)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST:
        raise DomainError(
            "attachments_too_large",
            _("The files sent are too large: at most 10 MB each."),
            field="attachments",
            rule="A5",
        )
    files = list(attachments or [])
    if len(files) > MAX_FILES:
        raise DomainError(
            "too_many_attachments",
            ngettext(
                "At most %(n)s file per message.", "At most %(n)s files per message.", MAX_FILES
            )
            % {"n": MAX_FILES},
            field="attachments",
            rule="A5",
        )
    return files


def _claim(membership: Membership, claim_id: int) -> Claim:
    return fulfilment_queries.claim_for(membership.organization, claim_id)


@router.get("/orders/{number}/claims", response=ClaimPageOut, auth=MEMBER)
def list_order_claims(request: HttpRequest, number: str):
    """The order's claims, newest activity first, each with its thread and attachments."""
    membership = member(request, SEE)
    order = ordering_queries.order_for(membership.organization, number)
    found = fulfilment_queries.claims_for(membership.organization).filter(order=order)
    items = [_out(claim) for claim in found[:200]]
    return {"items": items, "count": found.count()}


@router.get("/claims/{claim_id}", response=ClaimOut, auth=MEMBER)
def get_claim(request: HttpRequest, claim_id: ClaimId):
    """One claim with its thread."""
    return _out(_claim(member(request, SEE), claim_id))


@router.post("/orders/{number}/claims", response={201: ClaimOut}, auth=MEMBER)
def open_claim(
    request: HttpRequest,
    number: str,
    idempotency_key: IdempotencyHeader,
    subject: Subject,
    body: Body,
    attachments: Attachments = None,
):
    """The order's buyer opens a claim (non-receipt, non-conformity) with its first message and
    files (A5, F4); the seller is told. The same `Idempotency-Key` again returns the claim."""
    membership = member(request, SEE)
    org = membership.organization
    order = ordering_queries.order_for(org, number)
    if order.buyer_id != org.pk:
        raise PermissionDenied(_("Only the order's buyer opens a claim (A5)."), rule="A5")
    files = _files(request, attachments)
    claim_id = once(
        organization=org,
        key=idempotency_key,
        operation="claim_open",
        inputs=[order.pk, subject, body],
        files=files,
        create=lambda: (
            fulfilment.claim_open(
                actor=request.user, order_id=order.pk, subject=subject, body=body, attachments=files
            ).pk
        ),
    )
    return Status(201, _out(_claim(membership, claim_id)))


@router.post("/claims/{claim_id}/messages", response={201: ClaimOut}, auth=MEMBER)
def reply_claim(
    request: HttpRequest,
    claim_id: ClaimId,
    idempotency_key: IdempotencyHeader,
    body: Body,
    attachments: Attachments = None,
):
    """A message in the thread, with files: from the other side it answers the claim, from the
    side that opened it the claim is open again (A5). Answers the claim with its thread; the
    same `Idempotency-Key` again adds no message."""
    membership = member(request, SEE)
    claim = _claim(membership, claim_id)
    files = _files(request, attachments)
    once(
        organization=membership.organization,
        key=idempotency_key,
        operation="claim_reply",
        inputs=[claim.pk, body],
        files=files,
        create=lambda: (
            fulfilment.claim_reply(
                actor=request.user, claim_id=claim.pk, body=body, attachments=files
            ).pk
        ),
    )
    return Status(201, _out(_claim(membership, claim.pk)))


@router.post("/claims/{claim_id}/close", response=ClaimOut, auth=MEMBER)
def close_claim(request: HttpRequest, claim_id: ClaimId):
    """Either side closes the claim (A5); closing a closed claim changes nothing."""
    membership = member(request, SEE)
    claim = _claim(membership, claim_id)
    fulfilment.claim_close(actor=request.user, claim_id=claim.pk)
    return _out(_claim(membership, claim.pk))


@router.get("/claims/{claim_id}/attachments/{attachment_id}", auth=MEMBER)
def claim_attachment(
    request: HttpRequest, claim_id: ClaimId, attachment_id: Annotated[int, Path(ge=1, le=2**62)]
):
    """A file of the thread, for the order's two parties only, as a download."""
    membership = member(request, SEE)
    found = fulfilment_queries.claim_attachment_for(
        membership.organization, claim_id, attachment_id
    )
    return attachment_response(
        found.file, filename=found.file_name, content_type=found.content_type
    )
