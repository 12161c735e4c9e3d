"""EDI endpoints of the API (EDIFACT messages in and out, O14).

A buyer posts an interchange of ORDERS in its own name (the UNB sender and NAD+BY must be its
GLN: another company's name answers 403); each message is answered with its status, its order
or its problems. Both parties list their messages and download each one's text; another
company's message answers 404. A seller lists the answers that could not be issued (pending a
new attempt or given up) and retries one at once (`place_orders`)."""

from __future__ import annotations

import json
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.core.errors import DomainError
from comptoir.edi import queries
from comptoir.edi.models import EdiMessage, OutboundRetry
from comptoir.edi.services import edi_import, outbound_retry_now
from comptoir.edi.services.inbound import MAX_INTERCHANGE_BYTES
from comptoir.parties.models import Permission

router = Router(tags=["edi"])


class EdiErrorOut(Schema):
    code: str
    message: str
    rule: str | None = None
    segment: int | None = None
    tag: str = ""
    line: int | None = None


class EdiMessageOut(Schema):
    id: int
    direction: str
    message_type: str
    status: str
    interchange_ref: str
    message_ref: str
    document_number: str
    function_code: str
    sender_gln: str
    recipient_gln: str
    seller_id: int | None
    buyer_id: int | None
    order: str | None
    errors: list[EdiErrorOut]
    created_at: datetime


class ImportOutcomeOut(EdiMessageOut):
    duplicate: bool


class ImportOut(Schema):
    interchange_ref: str
    sender_gln: str
    accepted: int
    refused: int
    messages: list[ImportOutcomeOut]


class EdiPageOut(Schema):
    items: list[EdiMessageOut]
    count: int
    offset: int
    limit: int


class EdiFilter(Schema):
    type: str | None = Field(None, pattern="^(ORDERS|ORDRSP|DESADV|INVOIC)$")
    direction: str | None = Field(None, pattern="^(in|out)$")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _out(message: EdiMessage) -> dict:
    return {
        **{f: getattr(message, f) for f in EdiMessageOut.model_fields if f not in ("order",)},
        "order": message.order.number if message.order_id and message.order else None,
    }


def _text(request: HttpRequest) -> str:
    """The interchange: the body as text, or {"text": …} in JSON."""
    if len(request.body) > MAX_INTERCHANGE_BYTES:
        raise DomainError(
            "interchange_too_large",
            _("An interchange is at most %(n)s MB.") % {"n": MAX_INTERCHANGE_BYTES // 1024**2},
            field="text",
            rule="O14",
        )
    content_type = request.headers.get("Content-Type", "")
    charset = "utf-8" if "utf-8" in content_type.lower() or "json" in content_type else "latin-1"
    raw = request.body.decode(charset, errors="replace")
    if content_type.startswith("application/json"):
        try:
            data = json.loads(raw or "{}")
        except json.JSONDecodeError as exc:
            raise DomainError("malformed_body", _("The body is not JSON."), field="text") from exc
        text = data.get("text") if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise DomainError("text_required", _('Send {"text": <interchange>}.'), field="text")
        return text
    return raw


@router.post(
    "/edi/interchanges",
    response={200: ImportOut},
    auth=MEMBER,
    openapi_extra={
        "requestBody": {
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}},
                        "required": ["text"],
                    }
                },
            }
        }
    },
)
def edi_import_interchange(request: HttpRequest):
    """Import an EDIFACT interchange of ORDERS (EANCOM D.96A) sent by your organization: each
    message is placed as an order or refused with its problems (segment, line, code, rule).
    The same interchange again creates nothing and answers the same outcome."""
    membership = member(request, Permission.PLACE_ORDERS)
    text = _text(request)
    if not text.strip():
        raise DomainError("text_required", _("The interchange is empty."), field="text", rule="O14")
    result = edi_import(
        actor=request.user, text=text, organization=membership.organization, channel="api"
    )
    return {
        "interchange_ref": result.interchange_ref,
        "sender_gln": result.sender_gln,
        "accepted": result.accepted,
        "refused": result.refused,
        "messages": [{**_out(o.message), "duplicate": o.duplicate} for o in result.outcomes],
    }


@router.get("/edi/messages", response=EdiPageOut, auth=MEMBER)
def edi_messages(request: HttpRequest, filters: Query[EdiFilter]):
    """The organization's EDI messages, newest first (received and issued)."""
    membership = member(request, Permission.VIEW_ORDERS)
    found = queries.messages_for(
        membership.organization, message_type=filters.type, direction=filters.direction
    )
    return {
        "items": [_out(m) for m in found[filters.offset : filters.offset + filters.limit]],
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.get("/edi/messages/{message_id}/raw", auth=MEMBER)
def edi_message_raw(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message's EDIFACT text, as received or issued."""
    membership = member(request, Permission.VIEW_ORDERS)
    message = queries.message_for(membership.organization, message_id)
    response = HttpResponse(message.raw, content_type="application/edifact; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{message.filename}"'
    return response


class OutboundRetryOut(Schema):
    id: int
    source: str
    message_type: str
    order: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    message_id: int | None
    created_at: datetime
    updated_at: datetime


class OutboundRetryPageOut(Schema):
    items: list[OutboundRetryOut]
    count: int
    offset: int
    limit: int


class PageFilter(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _retry_out(retry: OutboundRetry) -> dict:
    return {
        **{f: getattr(retry, f) for f in OutboundRetryOut.model_fields if f != "order"},
        "order": retry.order.number,
    }


@router.get("/edi/outbound-retries", response=OutboundRetryPageOut, auth=MEMBER)
def edi_outbound_retries(request: HttpRequest, filters: Query[PageFilter]):
    """The EDI answers (ORDRSP, DESADV, INVOIC) your company could not issue as a seller:
    `pending` (tried again automatically) or `failed` (given up after 8 attempts), oldest
    first (O14)."""
    membership = member(request, Permission.VIEW_ORDERS)
    found = queries.outbound_retries(membership.organization)
    return {
        "items": [_retry_out(r) for r in found[filters.offset : filters.offset + filters.limit]],
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.post("/edi/outbound-retries/{retry_id}/retry", response=OutboundRetryOut, auth=MEMBER)
def edi_outbound_retry(request: HttpRequest, retry_id: int):
    """Try one of them again now: `status` is `issued` (with `message_id`) or, still failing,
    `pending` / `failed` with the attempt counted and `last_error`. An issued one answers 422
    `already_issued` (O14)."""
    membership = member(request, Permission.PLACE_ORDERS)
    retry = outbound_retry_now(request.user, retry_id, organization=membership.organization)
    return _retry_out(retry)
