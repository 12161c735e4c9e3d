"""Pages for what happens after acceptance: shipping and delivery reports by the seller (F2, F3),
validation or contest by the buyer (F4, F5), delivery notes and invoices as files (I7)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.services import invoice_render
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.pdf import delivery_note_pdf
from comptoir.ordering import queries
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page


def _back(number: str) -> HttpResponse:
    return redirect("web:order_detail", number=number)


@require_POST
@page(Permission.PLACE_ORDERS)
def order_ship(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller ships what remains of the order, with the carrier and tracking numbers (F2)."""
    order = queries.order_for(membership.organization, number)
    remaining = {
        line.pk: line.quantity - line.shipped_quantity
        for line in order.lines.all()
        if line.quantity > line.shipped_quantity
    }
    parcels = [p.strip() for p in request.POST.get("tracking", "").split(",") if p.strip()]
    try:
        fulfilment.shipment_create(
            actor=request.user,
            order_id=order.pk,
            lines=remaining,
            carrier=request.POST.get("carrier", "").strip()[:100],
            parcels=parcels[:50],
        )
        messages.success(request, _("Shipment recorded."))
    except DomainError as error:
        _error(request, error)
    return _back(order.number)


@require_POST
@page(Permission.PLACE_ORDERS)
def shipment_deliver(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller reports the signed delivery note, with a reserve if there is one (F3)."""
    order = queries.order_for(membership.organization, number)
    shipment = (
        fulfilment_queries.shipments_for(membership.organization, order)
        .filter(number=request.POST.get("shipment", ""))
        .first()
    )
    if shipment is None:
        raise NotFound("Shipment", field="shipment")
    try:
        delivered_on = date.fromisoformat(request.POST.get("delivered_on", ""))
    except ValueError:
        delivered_on = clock.today()
    reserve_kind = request.POST.get("reserve_kind", "")
    reserves = (
        [{"kind": reserve_kind, "text": request.POST.get("reserve_text", "")[:1000]}]
        if reserve_kind
        else []
    )
    try:
        fulfilment.delivery_record(
            actor=request.user,
            shipment_id=shipment.pk,
            delivered_on=delivered_on,
            signed_by=request.POST.get("signed_by", "").strip()[:200],
            reserves=reserves,
        )
        messages.success(request, _("Delivery recorded."))
    except DomainError as error:
        _error(request, error)
    return _back(order.number)


@require_POST
@page(Permission.PLACE_ORDERS)
def order_validate(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer validates conformity: the order is frozen (F5)."""
    order = queries.order_for(membership.organization, number)
    try:
        fulfilment.delivery_validate(actor=request.user, order_id=order.pk)
        messages.success(request, _("Delivery validated: the order is final."))
    except DomainError as error:
        _error(request, error)
    return _back(order.number)


@require_POST
@page(Permission.PLACE_ORDERS)
def order_contest(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer contests the delivery before the deadline (F4)."""
    order = queries.order_for(membership.organization, number)
    try:
        fulfilment.delivery_contest(
            actor=request.user, order_id=order.pk, reason=request.POST.get("reason", "")[:2000]
        )
        messages.success(request, _("Contest recorded; the seller has been told."))
    except DomainError as error:
        _error(request, error)
    return _back(order.number)


@page(Permission.VIEW_ORDERS)
def delivery_note(
    request: HttpRequest, membership: Membership, number: str, shipment: str
) -> HttpResponse:
    order = queries.order_for(membership.organization, number)
    found = (
        fulfilment_queries.shipments_for(membership.organization, order)
        .filter(number=shipment)
        .first()
    )
    if found is None:
        raise NotFound("Shipment", field="shipment")
    response = HttpResponse(delivery_note_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="BL-{found.number}.pdf"'
    return response


def _invoice(membership: Membership, number: str):  # type: ignore[no-untyped-def]
    order = queries.order_for(membership.organization, number)
    if order.invoice is None:
        raise NotFound("Invoice", field="invoice")
    return order.invoice


@page(Permission.VIEW_INVOICES)
def order_invoice_pdf(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The invoice as issued: PDF/A-3 with its Factur-X XML embedded (I7)."""
    invoice = _invoice(membership, number)
    document = invoice_render(invoice_id=invoice.pk)
    with document.pdf.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@page(Permission.VIEW_INVOICES)
def order_invoice_xml(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The structured e-invoice alone (Factur-X / EN 16931 CII XML)."""
    invoice = _invoice(membership, number)
    response = HttpResponse(invoice_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response
