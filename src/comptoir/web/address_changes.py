"""Delivery-address change requests on the order page (F6 [001 §8; 003 §3]): the buyer asks in
writing to be delivered elsewhere before the order ships; the seller approves (the order's
delivery address and country change) or refuses, with a note.

The section is a partial of the order page (`web/address_changes/_panel.html`), fed by
`panel()`; its two forms post here and come back to the order page with a message. Reading
follows the order page (view_orders, the order's buyer or seller only, 404 for other
companies); posting needs place_orders (P4); the services check which side acts and when.

Decisions:

- When. The buyer's form is offered, and the seller's approval, only while the order is in
  `ordering.rules.OPEN_STATES` (the service's `_still_open`: submitted, held, modified,
  accepted, in progress, suspended) and, for the form, no request waits (the service allows one
  at a time). A request still waiting when the order ships can only be refused (the service
  refuses an approval then, not a refusal).
- Reads. While the order is open the section reads the order's requests in one query (with who
  asked and who decided), and the buyer's saved addresses only when its form is shown. Once the
  order is no longer open its address cannot change any more: the section reads nothing, shows
  the address the goods go to, and links to the requests page (`web:address_changes`), which
  lists them all and where a request left waiting can still be refused.
- Saved addresses offered: the buyer's delivery addresses and its registered office (the address
  on file [003 §3]), copied as checkout copies them into the order, the company's legal name as
  the recipient; the address's label is not kept (the service's address has no such field).
- Typed addresses are parsed as the API's `AddressIn` (lengths, the three required fields, a
  two-letter country code, FR by default): a clear message on the field, nothing sent.
- Double clicks: no idempotency key. The API's `once()` lives in `comptoir.api`, which this
  layer may not import (lint-imports), and the request model keeps no key; the service already
  accepts one waiting request per order, checked under the order's row lock and backed by a
  unique constraint, so nothing is made twice. When the waiting request is the same user's,
  for the same address, the second click is told "already sent" rather than refused
  (`_repeated`); another address, or another user's request, is refused as waiting. The
  seller's decision names its request in the URL, so a stale page never decides a newer one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import AddressChangeRequest, RequestStatus
from comptoir.ordering import queries
from comptoir.ordering.models import Order
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import OPEN_STATES
from comptoir.parties.models import Address, AddressKind, Membership, Organization, Permission
from comptoir.parties.queries import addresses_of
from comptoir.web.ordering import _error, page

OFFERED_KINDS = (AddressKind.DELIVERY, AddressKind.REGISTERED)
"""The saved addresses the buyer may ask for: where goods go (checkout's choice)."""

# read on every open order's page the buyer may change (core.compiled)
_OFFERED = CompiledRead(
    lambda org_id: addresses_of(org_id).filter(kind__in=OFFERED_KINDS), org_id=int
)

LIMITS = {"name": 200, "line1": 200, "line2": 200, "postcode": 20, "city": 100}
"""The lengths of a typed address, as the API's AddressIn."""
REQUIRED = ("line1", "postcode", "city")
NOTE_LIMIT = 2000
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Characters no text of these forms holds (tab and line breaks are allowed in the note)."""
LINE_BREAK = re.compile(r"[\t\n\r]")

FIELD_LABELS = {
    "source": gettext_lazy("Address"),
    "address": gettext_lazy("Delivery address"),
    "address_id": gettext_lazy("One of your addresses"),
    "address.name": gettext_lazy("Recipient"),
    "address.line1": gettext_lazy("Address line 1"),
    "address.line2": gettext_lazy("Address line 2"),
    "address.postcode": gettext_lazy("Postcode"),
    "address.city": gettext_lazy("City"),
    "address.country": gettext_lazy("Country"),
    "decision": gettext_lazy("Decision"),
    "note": gettext_lazy("Note to the buyer"),
    "request": gettext_lazy("Request"),
    "order": gettext_lazy("Order"),
}

SERVICE_MESSAGES = {
    "request_pending": gettext_lazy("A request is already waiting for the seller."),
    "too_late": gettext_lazy("The address can only change before the order ships."),
    "already_decided": gettext_lazy("This request was already decided."),
}
"""The services' refusals of F6 as the page says them, in the reader's language."""


def _refusal(request: HttpRequest, error: DomainError) -> None:
    text = SERVICE_MESSAGES.get(error.code)
    if text is not None:
        error = DomainError(error.code, str(text), error.field, error.rule)
    _error(request, error, FIELD_LABELS)


def _is_open(order: Order) -> bool:
    """Whether the order's delivery address may still change (the service's `_still_open`)."""
    return order.state in OPEN_STATES


def _back(order: Order) -> HttpResponse:
    """The page the forms were on: the order page while the order is open, else the list of
    its requests (where a request left waiting is refused)."""
    if _is_open(order):
        return redirect(reverse("web:order_detail", args=[order.number]) + "#address-changes")
    return redirect(reverse("web:address_changes", args=[order.number]) + "#address-changes")


def _one_line(address: Mapping[str, Any]) -> str:
    lines = [address.get("name"), address.get("line1"), address.get("line2")]
    place = f"{address.get('postcode', '')} {address.get('city', '')}".strip()
    text = ", ".join(str(part) for part in (*lines, place) if part)
    return f"{text} ({address.get('country', 'FR')})"


def _clause(order: Order) -> str:
    """The terms' own words on another delivery address, when they have some (F6)."""
    flag = ordering_policy(order.terms_version).document.fulfilment.delivery_address_change
    if flag is None or not flag.enabled or flag.clause is None:
        return ""
    return str(flag.clause)


def _current(order: Order) -> dict[str, Any]:
    """The address the order is delivered to; empty when none was given (the address on file)."""
    address = dict(order.delivery_address or {})
    if address:
        address["country"] = address.get("country") or order.delivery_country
    return address


def _order_copy(org: Organization, address: Address) -> dict[str, str]:
    """A saved address as the order keeps it (web/checkout.py `_address_dict`), in the fields
    the service takes."""
    copy = {
        "name": org.legal_name,
        "line1": address.line1,
        "line2": address.line2,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }
    return {key: value for key, value in copy.items() if value}


def _requests(order: Order) -> list[AddressChangeRequest]:
    """The order's requests, oldest first, with who asked and who decided: one query."""
    return list(
        AddressChangeRequest.objects.filter(order=order)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )


def panel(membership: Membership, order: Order, *, every: bool = False) -> dict[str, Any]:
    """The context of the order page's F6 section; `every`: the requests page, which reads the
    requests whatever the order's state."""
    org = membership.organization
    may_act = Permission.PLACE_ORDERS in membership.effective_permissions
    as_buyer, as_seller = order.buyer_id == org.pk, order.seller_id == org.pk
    is_open = _is_open(order)
    context: dict[str, Any] = {
        "shown": True,
        "open": is_open,
        "current": _current(order),
        "clause": _clause(order),
        "as_buyer": as_buyer,
        "as_seller": as_seller,
        "no_right": False,
        "requests_read": False,
        "pending": None,
        "history": [],
        "may_request": False,
        "may_decide": False,
        "may_approve": False,
        "addresses": [],
        "recipient": org.legal_name,
        "limits": LIMITS,
    }
    if not (is_open or every):
        return context  # nothing read: the address no longer changes (see the docstring)
    found = _requests(order) if fulfilment_queries.has_rows(order, "address_changes") else []
    pending = next((r for r in found if r.status == RequestStatus.PENDING), None)
    may_request = as_buyer and may_act and is_open and pending is None
    context.update(
        requests_read=True,
        pending=pending,
        history=[r for r in reversed(found) if r.status != RequestStatus.PENDING],
        may_request=may_request,
        may_decide=as_seller and may_act and pending is not None,
        may_approve=as_seller and may_act and pending is not None and is_open,
        # P4: an employee who follows the order sees why it cannot act on it
        no_right=not may_act and (pending is not None or (as_buyer and is_open)),
    )
    if may_request:
        context["addresses"] = _OFFERED(org_id=org.pk)
    return context


# --- parsing ---------------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int, *, multiline: bool = False) -> str:
    text = (value or "").strip()
    if CONTROL.search(text) or (not multiline and LINE_BREAK.search(text)):
        raise DomainError(
            "invalid_text", _("This text holds a character that is not allowed."), field, "F6"
        )
    if len(text) > limit:
        raise DomainError(
            "too_long", _("At most %(limit)s characters.") % {"limit": limit}, field, "F6"
        )
    return text


def _typed_address(post: Mapping[str, Any]) -> dict[str, str]:
    address: dict[str, str] = {}
    for key, limit in LIMITS.items():
        value = _text(post.get(key), f"address.{key}", limit)
        if value:
            address[key] = value
        elif key in REQUIRED:
            raise DomainError(
                "invalid_address", _("This field is required."), f"address.{key}", "F6"
            )
    country = _text(post.get("country"), "address.country", 2) or "FR"
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise DomainError(
            "invalid_address",
            _("Give the country as its two-letter code (ISO 3166), e.g. FR."),
            "address.country",
            "F6",
        )
    address["country"] = country.upper()
    return address


def _saved_address(post: Mapping[str, Any], org: Organization) -> dict[str, str]:
    """One of the buyer's own saved addresses; another company's is not found, as a missing one."""
    raw = str(post.get("address_id") or "").strip()
    found = None
    if re.fullmatch(r"[0-9]{1,18}", raw):
        found = addresses_of(org).filter(pk=int(raw), kind__in=OFFERED_KINDS).first()
    if found is None:
        raise DomainError(
            "invalid_address", _("Choose one of your saved addresses."), "address_id", "F6"
        )
    return _order_copy(org, found)


def _posted_address(post: Mapping[str, Any], org: Organization) -> dict[str, str]:
    source = post.get("source", "")
    if source == "saved":
        return _saved_address(post, org)
    if source == "new":
        return _typed_address(post)
    raise DomainError(
        "invalid_address", _("Choose a saved address or type a new one."), "source", "F6"
    )


# --- views -----------------------------------------------------------------------------------


def _repeated(request: HttpRequest, order: Order, org: Organization) -> bool:
    """Whether the waiting request is this user's, for the address just posted (a double
    click, or the form sent again): one query, read only after the service refused."""
    try:
        posted = _posted_address(request.POST, org)
    except DomainError:
        return False
    waiting = AddressChangeRequest.objects.filter(
        order=order, status=RequestStatus.PENDING, requested_by_id=request.user.pk
    ).first()
    if waiting is None:
        return False
    posted = {k: v for k, v in posted.items() if v}
    posted["country"] = posted.get("country", "FR").upper()
    return waiting.requested_address == posted


@require_POST
@page(Permission.PLACE_ORDERS)
def address_change_request(
    request: HttpRequest, membership: Membership, number: str
) -> HttpResponse:
    """The buyer asks in writing to be delivered to another address (F6)."""
    order = queries.order_for(membership.organization, number)
    try:
        if order.buyer_id != membership.organization_id:
            raise PermissionDenied(_("Only the buyer asks for another delivery address."), "F6")
        address = _posted_address(request.POST, membership.organization)
        made = fulfilment.address_change_request(
            actor=request.user, order_id=order.pk, address=address
        )
    except DomainError as error:
        if error.code == "request_pending" and _repeated(request, order, membership.organization):
            messages.info(request, _("This request was already sent: it waits for the seller."))
        else:
            _refusal(request, error)
        return _back(order)
    messages.success(
        request,
        _("Request sent: the seller is asked to approve delivery to %(address)s.")
        % {"address": _one_line(made.requested_address)},
    )
    return _back(order)


@require_POST
@page(Permission.PLACE_ORDERS)
def address_change_decide(
    request: HttpRequest, membership: Membership, number: str, request_id: int
) -> HttpResponse:
    """The seller approves the request (the order's delivery address changes) or refuses it,
    with an optional note (F6)."""
    order = queries.order_for(membership.organization, number)
    found = AddressChangeRequest.objects.filter(order=order, pk=request_id).first()
    if found is None:
        raise Http404("Address change request")
    decision = request.POST.get("decision", "")
    try:
        if order.seller_id != membership.organization_id:
            raise PermissionDenied(
                _("Only the seller approves or refuses an address change."), "F6"
            )
        if decision not in ("approve", "refuse"):
            raise DomainError(
                "invalid_decision", _("Approve or refuse the request."), "decision", "F6"
            )
        note = _text(request.POST.get("note"), "note", NOTE_LIMIT, multiline=True)
        decided = fulfilment.address_change_decide(
            actor=request.user, request_id=found.pk, approve=decision == "approve", note=note
        )
    except DomainError as error:
        _refusal(request, error)
        return _back(order)
    if decided.status == RequestStatus.APPROVED:
        text = _("Address change approved: the order is now delivered to %(address)s.")
    else:
        text = _("Address change refused: the order keeps its delivery address.")
    messages.success(request, text % {"address": _one_line(decided.requested_address)})
    return _back(order)


@page(Permission.VIEW_ORDERS)
def address_changes_page(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """Every address change request of the order, whatever its state (F6)."""
    order = queries.order_for(membership.organization, number)
    return render(
        request,
        "web/address_changes/requests.html",
        {"order": order, "address_changes": panel(membership, order, every=True)},
    )
