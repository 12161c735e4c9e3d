"""Account pages for programs: the company's API keys and webhook endpoints, with the last
deliveries. Managing them is an owner's or a user manager's act (P4 right manage_users: 403 for
anybody else). A new key or signing secret is shown once, in the answer to its creation, which no
cache may keep; afterwards only its prefix (key) or nothing (secret) is shown."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.core.events import EVENTS
from comptoir.parties import services as parties
from comptoir.parties.models import Membership, Permission
from comptoir.parties.queries import api_keys_for
from comptoir.web.ordering import _error, page
from comptoir.webhooks import queries as webhooks_queries
from comptoir.webhooks import services as webhooks
from comptoir.webhooks.models import DeliveryStatus

MANAGE = Permission.MANAGE_USERS
LAST_DELIVERIES = 50


# --- API keys ----------------------------------------------------------------------------------


def _api_keys_page(
    request: HttpRequest, membership: Membership, new_key: str | None = None
) -> HttpResponse:
    labels = dict(Permission.choices)
    keys = list(api_keys_for(membership.organization))
    for key in keys:
        key.scope_labels = [labels.get(s, s) for s in key.scopes]  # type: ignore[attr-defined]
    grantable = [(p, labels[p]) for p in Permission.values if p in membership.effective_permissions]
    return render(
        request,
        "web/account/api_keys.html",
        {
            "organization": membership.organization,
            "keys": keys,
            "grantable": grantable,
            "new_key": new_key,
        },
    )


@never_cache
@page(MANAGE)
def api_keys(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's API keys and the form to create one."""
    return _api_keys_page(request, membership)


@never_cache
@require_POST
@page(MANAGE)
def api_key_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Create a key with the rights ticked (within the user's own); the key is shown once."""
    try:
        key, token = parties.api_key_create(
            actor=request.user,
            organization=membership.organization,
            name=request.POST.get("name", "")[:200],
            scopes=request.POST.getlist("scopes"),
        )
    except DomainError as error:
        _error(request, error)
        return redirect("web:api_keys")
    messages.success(request, _("API key “%(name)s” created.") % {"name": key.name})
    return _api_keys_page(request, membership, new_key=token)


@require_POST
@page(MANAGE)
def api_key_revoke(request: HttpRequest, membership: Membership, key_id: int) -> HttpResponse:
    """Revoke one of the company's keys: calls with it answer 401 from now on."""
    key = parties.api_key_revoke(
        actor=request.user, key_id=key_id, organization=membership.organization
    )
    messages.success(request, _("API key “%(name)s” revoked.") % {"name": key.name})
    return redirect("web:api_keys")


# --- webhooks ----------------------------------------------------------------------------------


def _statuses() -> dict[str, str]:
    return {
        DeliveryStatus.PENDING: _("Pending"),
        DeliveryStatus.DELIVERED: _("Delivered"),
        DeliveryStatus.FAILED: _("Failed"),
    }


def _webhooks_page(
    request: HttpRequest, membership: Membership, new_secret: str | None = None
) -> HttpResponse:
    organization = membership.organization
    statuses = _statuses()
    deliveries = list(webhooks_queries.deliveries_for(organization)[:LAST_DELIVERIES])
    for delivery in deliveries:
        delivery.status_label = statuses.get(delivery.status, delivery.status)  # type: ignore[attr-defined]
    return render(
        request,
        "web/account/webhooks.html",
        {
            "organization": organization,
            "endpoints": list(webhooks_queries.endpoints_for(organization)),
            "deliveries": deliveries,
            "events": EVENTS,
            "new_secret": new_secret,
        },
    )


@never_cache
@page(MANAGE)
def webhooks_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's webhook endpoints, the form to add one, and the last deliveries."""
    return _webhooks_page(request, membership)


@never_cache
@require_POST
@page(MANAGE)
def webhook_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Register an endpoint for the events ticked; its signing secret is shown once."""
    try:
        endpoint, secret = webhooks.endpoint_create(
            actor=request.user,
            organization=membership.organization,
            url=request.POST.get("url", "")[:600],
            events=request.POST.getlist("events"),
        )
    except DomainError as error:
        _error(request, error)
        return redirect("web:webhooks")
    messages.success(request, _("Endpoint %(url)s added.") % {"url": endpoint.url})
    return _webhooks_page(request, membership, new_secret=secret)


@require_POST
@page(MANAGE)
def webhook_delete(request: HttpRequest, membership: Membership, endpoint_id: int) -> HttpResponse:
    """Delete an endpoint: nothing more is sent to it; its log stays with the operator."""
    webhooks.endpoint_delete(
        actor=request.user, organization=membership.organization, endpoint_id=endpoint_id
    )
    messages.success(request, _("Webhook endpoint deleted."))
    return redirect("web:webhooks")
