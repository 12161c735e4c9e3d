"""Webhooks use cases: register and delete endpoints (owner or manage_users, P4), turn published
events into deliveries, and attempt one delivery with its retry schedule.

A delivery is claimed under a row lock before the HTTP call (its attempt counted, its next
attempt pushed past the call's timeout), sent outside any transaction, then its outcome saved:
two workers never send the same attempt, a crash mid-call is retried by the sweep, and a
delivered one is never sent again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.events import EVENTS
from comptoir.core.services import audit_record
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.webhooks import rules, sending
from comptoir.webhooks.models import (
    ENDPOINT_DELETED,
    ENDPOINT_DISABLED,
    Delivery,
    DeliveryStatus,
    Endpoint,
)

#: An organization's live endpoints, at most.
MAX_ENDPOINTS = 20
#: How long a claimed attempt keeps others off (longer than the HTTP timeout).
CLAIM = timedelta(minutes=2)


def _org_id(organization: Organization | int) -> int:
    return organization if isinstance(organization, int) else int(organization.pk)


def _clean_events(events: Iterable[str]) -> list[str]:
    wanted = {(e or "").strip() for e in events} - {""}
    unknown = sorted(wanted - set(EVENTS))
    if unknown:
        raise DomainError(
            "unknown_event",
            ngettext("Unknown event: %(events)s.", "Unknown events: %(events)s.", len(unknown))
            % {"events": ", ".join(unknown)},
            "events",
        )
    if not wanted:
        raise DomainError("events_required", _("Subscribe to at least one event."), "events")
    return [e for e in EVENTS if e in wanted]


def _audit(actor: Any, endpoint: Endpoint, action: str, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organization_id=endpoint.organization_id,
        action=action,
        obj_type="webhooks.endpoint",
        obj_id=endpoint.pk,
        data=data,
    )


@transaction.atomic
def endpoint_create(
    *, actor: Any, organization: Organization | int, url: str, events: Iterable[str]
) -> tuple[Endpoint, str]:
    """Register an endpoint; returns it with its signing secret, to show once."""
    org_id = _org_id(organization)
    require_permission(actor, org_id, Permission.MANAGE_USERS)
    url = (url or "").strip()
    problem = rules.url_problem(
        url, allow_local_http=getattr(settings, "COMPTOIR_WEBHOOKS_ALLOW_LOCAL_HTTP", False)
    )
    if problem:
        raise DomainError("invalid_url", problem, "url")
    subscribed = _clean_events(events)
    # one registration at a time per organization, so the limit holds under concurrency
    Organization.objects.select_for_update().filter(pk=org_id).values_list("pk").first()
    live = Endpoint.objects.filter(organization_id=org_id, deleted_at__isnull=True)
    if live.count() >= MAX_ENDPOINTS:
        raise DomainError(
            "too_many_endpoints",
            ngettext(
                "At most %(n)s endpoint per organization.",
                "At most %(n)s endpoints per organization.",
                MAX_ENDPOINTS,
            )
            % {"n": MAX_ENDPOINTS},
            "url",
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = Endpoint.objects.create(
        organization_id=org_id,
        url=url,
        secret=secret,
        events=subscribed,
        is_active=True,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )
    _audit(actor, endpoint, "webhook.endpoint_create", {"url": url, "events": subscribed})
    return endpoint, secret


@transaction.atomic
def endpoint_delete(*, actor: Any, organization: Organization | int, endpoint_id: int) -> None:
    """Delete an endpoint of the organization: nothing more is sent to it, its pending
    deliveries fail, its log stays. 404 for another company's endpoint."""
    org_id = _org_id(organization)
    require_permission(actor, org_id, Permission.MANAGE_USERS)
    endpoint = (
        Endpoint.objects.select_for_update()
        .filter(pk=endpoint_id, organization_id=org_id, deleted_at__isnull=True)
        .first()
    )
    if endpoint is None:
        raise NotFound(_("Webhook endpoint"))
    endpoint.deleted_at = clock.now()
    endpoint.is_active = False
    endpoint.save(update_fields=["deleted_at", "is_active"])
    endpoint.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=ENDPOINT_DELETED
    )
    _audit(actor, endpoint, "webhook.endpoint_delete", {"url": endpoint.url})


def deliveries_create(event: str, items: list[tuple[list[int], dict[str, Any]]]) -> list[int]:
    """The subscriber of `core.events`: for each published item, one pending delivery per live
    endpoint of the organizations concerned that subscribed to `event`, each enqueued once they
    are saved. One query for the endpoints and one insert, whatever the number of items."""
    from comptoir.webhooks.tasks import deliver_webhook

    concerned = {i for ids, _data in items for i in ids}
    by_organization: dict[int, list[Endpoint]] = {}
    for e in Endpoint.objects.filter(
        organization_id__in=concerned, is_active=True, deleted_at__isnull=True
    ).order_by("pk"):
        if event in e.events:
            by_organization.setdefault(e.organization_id, []).append(e)
    if not by_organization:
        return []
    now = clock.now()
    deliveries = [
        Delivery(
            endpoint=e,
            event=event,
            payload={
                "event": event,
                "created_at": now.isoformat(),
                "organization_id": e.organization_id,
                "data": data,
            },
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            created_at=now,
        )
        for ids, data in items
        for organization_id in ids
        for e in by_organization.get(organization_id, [])
    ]
    with transaction.atomic():
        rows = Delivery.objects.bulk_create(deliveries, batch_size=500)
        ids = [int(row.pk) for row in rows]
        transaction.on_commit(lambda: [deliver_webhook.enqueue(pk) for pk in ids])
    return ids


def _claim(delivery_id: int) -> Delivery | None:
    """Lock the delivery and count one attempt when it is pending and due; None otherwise."""
    now = clock.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active or endpoint.deleted_at is not None:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = ENDPOINT_DISABLED
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + CLAIM
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def delivery_attempt(*, delivery_id: int) -> str:
    """Send a pending, due delivery once and record the outcome: delivered on a 2xx answer;
    otherwise retried after 1 min, 5 min, 30 min, 2 h, 12 h, then failed. Returns the status
    (or "skipped" when it was not pending or not due)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    payload = rules.body({"id": delivery.pk, **delivery.payload})
    timestamp = int(clock.now().timestamp())
    outcome = sending.post(
        endpoint.url,
        payload,
        {
            "Comptoir-Event": delivery.event,
            "Comptoir-Delivery": str(delivery.pk),
            "Comptoir-Signature": rules.signature(endpoint.secret, timestamp, payload),
        },
        # outside development and tests, never call the platform's own network (SSRF)
        allow_local=getattr(settings, "COMPTOIR_WEBHOOKS_ALLOW_LOCAL_HTTP", False),
    )
    now = clock.now()
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status != DeliveryStatus.PENDING:  # e.g. its endpoint was deleted meanwhile
            return str(delivery.status)
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        else:
            delay = rules.retry_delay(delivery.attempts)
            if delay is None:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = now + delay
        delivery.save(
            update_fields=[
                "status",
                "last_status_code",
                "last_error",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    return str(delivery.status)
