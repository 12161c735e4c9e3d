"""Webhooks through the API: list, register and delete the company's endpoints, read their
delivery log. Managing webhooks is an owner's or a user manager's act (P4 right manage_users;
for an API key, the scope manage_users). Other companies' endpoints answer 404."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.core.events import EVENTS
from comptoir.parties.models import Permission
from comptoir.webhooks import queries, services
from comptoir.webhooks.models import Endpoint

router = Router(tags=["webhooks"])


class EndpointIn(Schema):
    url: str = Field(min_length=1, max_length=500, description="https:// URL that receives events")
    events: list[str] = Field(
        min_length=1, max_length=len(EVENTS), description="among: " + ", ".join(EVENTS)
    )


class EndpointOut(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="the signing secret, shown only in this answer")


class DeliveryOut(Schema):
    id: int
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPageOut(Schema):
    items: list[DeliveryOut]
    count: int
    offset: int
    limit: int


class PageIn(Schema):
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _endpoint(endpoint: Endpoint) -> dict:
    return {f: getattr(endpoint, f) for f in EndpointOut.model_fields}


#: an id as the path gives it: within the database's integer range
EndpointId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/webhooks", response=list[EndpointOut], auth=MEMBER)
def list_webhooks(request: HttpRequest):
    """The company's webhook endpoints, newest first (secrets are never shown again)."""
    return list(queries.endpoints_for(member(request, Permission.MANAGE_USERS).organization))


@router.post("/webhooks", response={201: EndpointCreatedOut}, auth=MEMBER)
def create_webhook(request: HttpRequest, payload: EndpointIn):
    """Register an endpoint for some events; the answer carries its signing secret, once."""
    membership = member(request, Permission.MANAGE_USERS)
    endpoint, secret = services.endpoint_create(
        actor=request.user,
        organization=membership.organization,
        url=payload.url,
        events=payload.events,
    )
    return Status(201, {**_endpoint(endpoint), "secret": secret})


@router.delete("/webhooks/{endpoint_id}", response={204: None}, auth=MEMBER)
def delete_webhook(request: HttpRequest, endpoint_id: EndpointId):
    """Delete an endpoint: nothing more is sent to it, its pending deliveries fail."""
    membership = member(request, Permission.MANAGE_USERS)
    services.endpoint_delete(
        actor=request.user, organization=membership.organization, endpoint_id=endpoint_id
    )
    return Status(204, None)


@router.get("/webhooks/{endpoint_id}/deliveries", response=DeliveryPageOut, auth=MEMBER)
def webhook_deliveries(request: HttpRequest, endpoint_id: EndpointId, page: Query[PageIn]):
    """The endpoint's delivery log, newest first: status, attempts, next attempt, last answer."""
    organization = member(request, Permission.MANAGE_USERS).organization
    endpoint = queries.endpoint_for(organization, endpoint_id)
    found = queries.deliveries_for(organization, endpoint.pk)
    return {
        "items": list(found[page.offset : page.offset + page.limit]),
        "count": found.count(),
        "offset": page.offset,
        "limit": page.limit,
    }
