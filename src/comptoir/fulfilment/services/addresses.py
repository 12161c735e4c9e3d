"""Requests to deliver an order to another address, approved by the seller (F6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment.models import AddressChangeRequest, RequestStatus
from comptoir.fulfilment.services._common import (
    audit,
    locked_order,
    require_buyer,
    require_seller,
)
from comptoir.ordering.models import Order
from comptoir.ordering.rules import OPEN_STATES

ADDRESS_FIELDS = ("name", "line1", "line2", "postcode", "city", "country")
REQUIRED = ("line1", "postcode", "city")
ALREADY_DECIDED: dict[str, Promise] = {
    RequestStatus.APPROVED: gettext_lazy("Request already approved."),
    RequestStatus.REFUSED: gettext_lazy("Request already refused."),
}


def _address(address: Mapping[str, Any]) -> dict[str, str]:
    unknown = set(address) - set(ADDRESS_FIELDS)
    if unknown:
        raise DomainError(
            "invalid_address",
            ngettext("Unknown field: %(fields)s.", "Unknown fields: %(fields)s.", len(unknown))
            % {"fields": ", ".join(sorted(unknown))},
            "address",
            "F6",
        )
    clean = {k: str(address.get(k) or "").strip() for k in ADDRESS_FIELDS if address.get(k)}
    for name in REQUIRED:
        if not clean.get(name):
            raise DomainError(
                "invalid_address",
                _("%(name)s is required.") % {"name": name},
                f"address.{name}",
                "F6",
            )
    clean["country"] = clean.get("country", "FR").upper()
    if len(clean["country"]) != 2:
        raise DomainError("invalid_address", _("ISO country code."), "address.country", "F6")
    return clean


def _still_open(order: Order) -> None:
    if order.state not in OPEN_STATES:
        raise DomainError(
            "too_late",
            _("The address can only change before the order ships."),
            field="order",
            rule="F6",
        )


@transaction.atomic
def address_change_request(
    *, actor: Any, order_id: int, address: Mapping[str, Any]
) -> AddressChangeRequest:
    """The buyer's written request to be delivered elsewhere (F6); one pending at a time."""
    order = locked_order(order_id)
    require_buyer(actor, order)
    _still_open(order)
    if AddressChangeRequest.objects.filter(order=order, status=RequestStatus.PENDING).exists():
        raise DomainError(
            "request_pending", _("A request is already waiting for the seller."), "order", "F6"
        )
    request = AddressChangeRequest.objects.create(
        order=order,
        requested_address=_address(address),
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=clock.now(),
    )
    audit(actor, order, "address_change.request", request, {"address": request.requested_address})
    return request


@transaction.atomic
def address_change_decide(
    *, actor: Any, request_id: int, approve: bool, note: str = ""
) -> AddressChangeRequest:
    """The seller approves (the order's delivery address changes) or refuses the request (F6)."""
    request = AddressChangeRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("Address change request"), field="request")
    order = locked_order(request.order_id)
    require_seller(actor, order)
    if request.status != RequestStatus.PENDING:
        raise DomainError("already_decided", str(ALREADY_DECIDED[request.status]), "request", "F6")
    if approve:
        _still_open(order)
        order.delivery_address = request.requested_address
        order.delivery_country = request.requested_address.get("country", "FR")
        order.save(update_fields=["delivery_address", "delivery_country"])
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by = actor if getattr(actor, "pk", None) else None
    request.decided_at = clock.now()
    request.note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    audit(
        actor,
        order,
        "address_change.decide",
        request,
        {"status": request.status, "note": note},
    )
    return request
