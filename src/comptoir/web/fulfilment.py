"""Pages for what happens after acceptance: shipping and delivery reports by the seller (F2, F3),
validation or contest by the buyer (F4, F5), the deadlines after reception (F4), refused and
uncollected deliveries (F7), keys sent by e-mail (F11), delivery notes and invoices as files (I7).
The order page shows the fulfilment panel through the `fulfilment_panel` template tag."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.billing.facturx_xml import invoice_xml
from comptoir.billing.services import invoice_render
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.pdf import collection_notice_pdf, delivery_note_pdf
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
        raise NotFound(_("Shipment"), field="shipment")
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
        raise NotFound(_("Shipment"), field="shipment")
    response = HttpResponse(delivery_note_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="BL-{found.number}.pdf"'
    return response


@page(Permission.VIEW_ORDERS)
def collection_notice_pdf_view(
    request: HttpRequest, membership: Membership, number: str, shipment: str
) -> HttpResponse:
    """The registered letter of a formal notice to collect, for the order's buyer and seller
    (F7, N1)."""
    order = queries.order_for(membership.organization, number)
    notice = fulfilment_queries.collection_notice_for(membership.organization, order, shipment)
    response = HttpResponse(collection_notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mise-en-demeure-{shipment}.pdf"'
    return response


def _invoice(membership: Membership, number: str):  # type: ignore[no-untyped-def]
    order = queries.order_for(membership.organization, number)
    if order.invoice is None:
        raise NotFound(_("Invoice"), field="invoice")
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


# --- reception deadlines, refusals, uncollected goods, keys (F4, F7, F11) ----------------------


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return clock.today()


def _amount(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _order_shipment(request: HttpRequest, membership: Membership, number: str):  # type: ignore[no-untyped-def]
    """The order and the shipment named in the form, both the acting company's (else 404)."""
    order = queries.order_for(membership.organization, number)
    shipment = (
        fulfilment_queries.shipments_for(membership.organization, order)
        .filter(number=request.POST.get("shipment", ""))
        .first()
    )
    if shipment is None:
        raise NotFound(_("Shipment"), field="shipment")
    return order, shipment


def _run(
    request: HttpRequest, number: str, done: str, action: Callable[[], object]
) -> HttpResponse:
    try:
        action()
        messages.success(request, done)
    except DomainError as error:
        _error(request, error)
    return _back(number)


@require_POST
@page(Permission.PLACE_ORDERS)
def shipment_refuse(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller reports a refused delivery; without a valid reason the terms' fee and the
    transport given are charged on the buyer's next invoice (F7)."""
    order, shipment = _order_shipment(request, membership, number)
    return _run(
        request,
        order.number,
        _("Refusal recorded."),
        lambda: fulfilment.delivery_refuse(
            actor=request.user,
            shipment_id=shipment.pk,
            reason=request.POST.get("reason", "")[:2000],
            valid_reason=request.POST.get("valid_reason") == "on",
            transport_cost=_amount(request.POST.get("transport_cost", "")),
        ),
    )


def _posted(request: HttpRequest, pending: Iterable[Any], field: str, kind: str) -> Any:
    """The pending row the form names in `field`, among the order's own; 404 otherwise."""
    wanted = request.POST.get(field, "")
    found = next((row for row in pending if str(row.pk) == wanted), None)
    if found is None:
        raise NotFound(kind, field=field)
    return found


@require_POST
@page(Permission.PLACE_ORDERS)
def follow_up_record(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer records that it confirmed its reserves or protested to the carrier (F4)."""
    order = queries.order_for(membership.organization, number)
    pending = fulfilment_queries.pending_for(membership.organization, order)
    found = _posted(request, pending.follow_ups, "follow_up", _("Reserve follow-up"))
    return _run(
        request,
        order.number,
        _("Recorded within the deadline."),
        lambda: fulfilment.reserve_follow_up_record(
            actor=request.user,
            follow_up_id=found.pk,
            done_on=_date(request.POST.get("done_on", "")),
            reference=request.POST.get("reference", "")[:120],
        ),
    )


def _quantity(text: str) -> int:
    """A quantity typed in a form; 0 (refused by the service, with its field) when not a number."""
    try:
        return int(text)
    except ValueError:
        return 0


@require_POST
@page(Permission.PLACE_ORDERS)
def wrong_goods_report(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer or the seller reports wrong or excess goods delivered (F4)."""
    order = queries.order_for(membership.organization, number)
    quantity = _quantity(request.POST.get("quantity", ""))
    return _run(
        request,
        order.number,
        _("Recorded: return them before the deadline or they are charged."),
        lambda: fulfilment.wrong_goods_report(
            actor=request.user,
            order_id=order.pk,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", "")[:300],
            quantity=quantity,
            sku=request.POST.get("sku", "")[:64],
            unit_price=_amount(request.POST.get("unit_price", "")),
        ),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def wrong_goods_return(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer records the return of wrong or excess goods (F4)."""
    order = queries.order_for(membership.organization, number)
    pending = fulfilment_queries.pending_for(membership.organization, order)
    found = _posted(request, pending.wrong_goods, "wrong_goods", _("Wrong goods"))
    return _run(
        request,
        order.number,
        _("Return recorded."),
        lambda: fulfilment.wrong_goods_return(
            actor=request.user,
            wrong_goods_id=found.pk,
            returned_on=_date(request.POST.get("returned_on", "")),
            reference=request.POST.get("reference", "")[:120],
        ),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def collection_notice(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller gives formal notice to collect goods left uncollected (F7, N1)."""
    order, shipment = _order_shipment(request, membership, number)
    return _run(
        request,
        order.number,
        _("Formal notice recorded."),
        lambda: fulfilment.collection_notice_send(
            actor=request.user,
            shipment_id=shipment.pk,
            letter_reference=request.POST.get("reference", "")[:120],
        ),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def order_resolve(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller resolves the order once the formal notice stayed unanswered (F7)."""
    order, shipment = _order_shipment(request, membership, number)
    return _run(
        request,
        order.number,
        _("The order is resolved."),
        lambda: fulfilment.order_resolve_uncollected(
            actor=request.user,
            shipment_id=shipment.pk,
            return_cost=_amount(request.POST.get("return_cost", "")),
        ),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def keys_send(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller sends the product keys by e-mail: the digital lines are delivered (F11)."""
    order = queries.order_for(membership.organization, number)
    return _run(
        request,
        order.number,
        _("Keys sent."),
        lambda: fulfilment.digital_delivery_send(order_id=order.pk, actor=request.user),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def packaging_deposit(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller charges the deposit on returnable packaging sent with the order: the item of
    its terms, how many, and the unit deposit of its tariff when the terms set none (F10)."""
    order = queries.order_for(membership.organization, number)
    quantity = _quantity(request.POST.get("quantity", ""))
    return _run(
        request,
        order.number,
        _("Deposit recorded: it is billed on the order's invoice or the next one (F10)."),
        lambda: fulfilment.packaging_deposit_record(
            actor=request.user,
            order_id=order.pk,
            item=request.POST.get("item", "")[:100],
            quantity=quantity,
            unit_deposit=_amount(request.POST.get("unit_deposit", "")),
        ),
    )


def _returned_on(text: str) -> date:
    """The day the packaging came back: today when left empty, never after today (F10)."""
    text = text.strip()
    if not text:
        return clock.today()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "invalid_date", _("Give the date as on a calendar."), field="returned_on", rule="F10"
        ) from None
    if day > clock.today():
        raise DomainError(
            "future_date",
            _("Packaging is recorded once it is back: the date cannot be after today."),
            field="returned_on",
            rule="F10",
        )
    return day


@require_POST
@page(Permission.PLACE_ORDERS)
def packaging_return(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller records the order's buyer's empty packaging taken back, clean or not, and
    what it owes back (F10). The form's key makes a double submit record one return."""
    order = queries.order_for(membership.organization, number)
    post = request.POST

    def record() -> object:
        if order.seller_id != membership.organization_id:
            raise PermissionDenied(_("Only the seller records packaging it took back."), "F10")
        return fulfilment.packaging_return_record(
            actor=request.user,
            buyer_id=order.buyer_id,
            seller_id=order.seller_id,
            item=post.get("item", "")[:100],
            quantity=_quantity(post.get("quantity", "")),
            returned_on=_returned_on(post.get("returned_on", "")),
            clean=post.get("clean") == "yes",
            request_key=post.get("request_key", "")[:80],
        )

    return _run(
        request,
        order.number,
        _("Return recorded: what is owed back is credited on the buyer's next invoice (F10)."),
        record,
    )
