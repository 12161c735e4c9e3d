"""Tenant-scoped reads of webhooks: an organization sees its own endpoints and deliveries only;
another company's endpoint answers NotFound, as a missing one."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comptoir.core.errors import NotFound
from comptoir.parties.models import Organization
from comptoir.webhooks.models import Delivery, DeliveryStatus, Endpoint


def _org_id(organization: Organization | int) -> int:
    return organization if isinstance(organization, int) else int(organization.pk)


def endpoints_for(organization: Organization | int) -> QuerySet[Endpoint]:
    """The organization's endpoints that are not deleted, newest first."""
    return Endpoint.objects.filter(
        organization_id=_org_id(organization), deleted_at__isnull=True
    ).order_by("-created_at", "-pk")


def endpoint_for(organization: Organization | int, endpoint_id: int) -> Endpoint:
    endpoint = endpoints_for(organization).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(_("Webhook endpoint"))
    return endpoint


def deliveries_for(
    organization: Organization | int, endpoint_id: int | None = None
) -> QuerySet[Delivery]:
    """The delivery log of the organization's live endpoints (or of one), newest first."""
    found = Delivery.objects.filter(
        endpoint__organization_id=_org_id(organization), endpoint__deleted_at__isnull=True
    )
    if endpoint_id is not None:
        found = found.filter(endpoint_id=endpoint_id)
    return found.select_related("endpoint").order_by("-created_at", "-pk")


def due_deliveries(*, until: datetime) -> list[int]:
    """Pending deliveries whose next attempt has come by `until` (for the retry sweep)."""
    return list(
        Delivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=until,
            endpoint__is_active=True,
            endpoint__deleted_at__isnull=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
