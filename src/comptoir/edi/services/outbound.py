"""Issuing ORDRSP, DESADV and INVOIC for orders received by EDI (O14).

`outbound_on_event` listens to the published events (after their transaction commits): the
seller's answer (`order.accepted`, `order.modified`, `order.refused`), the buyer's confirmation of
a modification (`order.modification_confirmed`), the end of an order that will not go ahead
(`order.lapsed`, `order.cancelled`), a shipment (`order.shipped`) and an issued invoice or credit
note (`invoice.issued`). Only orders placed through the EDI channel get messages: the order
events carry the order's `channel`, so other orders cost no query. Each message is stored once
per source (the order's timeline entry, the shipment, the invoice), so a repeated event writes
nothing new. A message that cannot be built or stored is kept for `edi.retry_outbound`
(`OutboundRetry`). An INVOIC is a business copy: the legal invoice is the Factur-X document
issued by billing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone

from comptoir.billing.models import Invoice, Kind
from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.edi import edifact, rules
from comptoir.edi.models import (
    Direction,
    EdiMessage,
    InterchangeCounter,
    MessageStatus,
    MessageType,
    OutboundRetry,
    RetryStatus,
)
from comptoir.edi.queries import inbound_order_message
from comptoir.fulfilment.models import Shipment
from comptoir.ordering.models import Order, OrderEvent
from comptoir.parties.models import Address, AddressKind, Organization

logger = logging.getLogger("comptoir.edi")

ORDER_ACTIONS = {
    "order.accepted": ("accept", "auto_accept"),
    "order.modified": ("modify",),
    "order.refused": ("refuse",),
    "order.modification_confirmed": ("confirm_modification",),
    "order.lapsed": ("lapse",),
    "order.cancelled": ("cancel", "decline_modification"),
}
#: the timeline actions after which the order will not go ahead: ORDRSP "not accepted" (27)
ENDED = frozenset({"refuse", "lapse", "cancel", "decline_modification"})


# --- parties and lines -------------------------------------------------------------------------


def _party(org: Organization) -> rules.PartyOut:
    address = (
        Address.objects.filter(organization=org, kind=AddressKind.REGISTERED).order_by("pk").first()
    )
    return rules.PartyOut(
        gln=org.gln,
        name=org.legal_name,
        street=address.line1 if address else "",
        city=address.city if address else "",
        postcode=address.postcode if address else "",
        country=address.country if address else "FR",
        vat_number=org.vat_number,
        siren=org.siren,
    )


def _snapshot_party(snapshot: dict[str, Any], org: Organization) -> rules.PartyOut:
    """A party as the invoice names it (its snapshot at issue), with its GLN."""
    address = snapshot.get("address") or {}
    return rules.PartyOut(
        gln=org.gln,
        name=str(snapshot.get("name") or org.legal_name),
        street=str(address.get("line1", "")),
        city=str(address.get("city", "")),
        postcode=str(address.get("postcode", "")),
        country=str(address.get("country_code", "FR")),
        vat_number=str(snapshot.get("vat_number", "")),
        siren=str(snapshot.get("siren", "")),
    )


def _buyer_lines(inbound: EdiMessage | None) -> list[int]:
    """The LIN numbers of the buyer's order, in order (the order's lines follow them)."""
    if inbound is None:
        return []
    found = edifact.read_interchange(inbound.raw)
    if not found.messages:
        return []
    orders, _problems = rules.read_orders(found.messages[0])
    return [line.line for line in orders.lines]


class _Lines:
    """The buyer's LIN number and the GTIN of each SKU of the order."""

    def __init__(self, order: Order, inbound: EdiMessage | None) -> None:
        numbers = _buyer_lines(inbound)
        self.by_sku: dict[str, tuple[int, str]] = {}
        for line in order.lines.select_related("product").order_by("position"):
            n = numbers[line.position - 1] if line.position <= len(numbers) else line.position
            self.by_sku[line.sku] = (n, line.product.gtin)
        self.next = max([n for n, _g in self.by_sku.values()] + [0]) + 1

    def of(self, sku: str) -> tuple[int, str]:
        if sku not in self.by_sku:
            self.by_sku[sku] = (self.next, "")
            self.next += 1
        return self.by_sku[sku]


# --- storing -----------------------------------------------------------------------------------


class OutboundError(Exception):
    """A message that cannot be built now (kept for a retry)."""


def _highest_reference(sender: str) -> int:
    """The highest numeric reference the sender issued (seeds its counter, once)."""
    references = (
        EdiMessage.objects.filter(direction=Direction.OUT, sender_gln=sender)
        .order_by(Length("interchange_ref").desc(), "-interchange_ref")
        .values_list("interchange_ref", flat=True)
    )
    for reference in references[:20]:
        if reference.isdigit():
            return int(reference)
    return 0


def _next_reference(sender: str) -> str:
    """The sender's next UNB control reference. Call inside the transaction that stores the
    message: the counter row stays locked until it ends, so concurrent issuers of one sender
    queue there (one short lock, no count); a rollback gives the number back."""
    counters = InterchangeCounter.objects.select_for_update()
    counter = counters.filter(sender_gln=sender).first()
    if counter is None:  # the sender's first message since counters exist (a race is handled)
        counter, _created = counters.get_or_create(
            sender_gln=sender, defaults={"last": _highest_reference(sender)}
        )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{counter.last:08d}"


def _resync_counter(sender: str) -> None:
    """Move the counter past every stored reference (one was stored another way)."""
    with transaction.atomic():
        counter = InterchangeCounter.objects.select_for_update().filter(sender_gln=sender).first()
        if counter is not None:
            counter.last = max(counter.last, _highest_reference(sender))
            counter.save(update_fields=["last"])


def _issue(
    *,
    source: str,
    message_type: str,
    identifier: tuple[str, ...],
    order: Order,
    document_number: str,
    function_code: str,
    build: Callable[[], list[Any]],
) -> EdiMessage | None:
    """Store the message of `source` once; None when it exists already. Raises when it cannot
    be built (`OutboundError`, or whatever building or storing raised)."""
    if EdiMessage.objects.filter(direction=Direction.OUT, source=source).exists():
        return None
    seller, buyer = order.seller, order.buyer
    if not seller.gln or not buyer.gln:
        raise OutboundError(f"no GLN for the seller or the buyer of order {order.number}")
    segments = build()
    for _attempt in range(3):
        prepared_at = clock.now().astimezone(clock.PARIS)
        try:
            with transaction.atomic():
                reference = _next_reference(seller.gln)
                envelope = edifact.Envelope(seller.gln, buyer.gln, reference, prepared_at)
                message = EdiMessage(
                    direction=Direction.OUT,
                    message_type=message_type,
                    status=MessageStatus.ISSUED,
                    interchange_ref=reference,
                    message_ref="1",
                    document_number=document_number[:35],
                    function_code=function_code,
                    sender_gln=seller.gln,
                    recipient_gln=buyer.gln,
                    seller=seller,
                    buyer=buyer,
                    order=order,
                    raw=edifact.interchange_text(envelope, identifier, segments),
                    source=source,
                )
                message.save()
                audit_record(
                    actor=None,
                    organization_id=seller.pk,
                    action="edi.out.issued",
                    obj_type="edi.EdiMessage",
                    obj_id=str(message.pk),
                    data={"type": message_type, "order": order.number, "source": source},
                )
                return message
        except IntegrityError:
            if EdiMessage.objects.filter(direction=Direction.OUT, source=source).exists():
                return None  # issued concurrently
            _resync_counter(seller.gln)  # a reference stored outside the counter
    raise OutboundError(f"no free interchange reference for {seller.gln}")


# --- ORDRSP ------------------------------------------------------------------------------------


def _response_lines(order: Order, event: OrderEvent, lines: _Lines) -> list[rules.ResponseLine]:
    out: list[rules.ResponseLine] = []
    if event.action == "modify":
        before = {d["sku"]: int(d["quantity"]) for d in (event.data or {}).get("before", [])}
        after = {d["sku"]: int(d["quantity"]) for d in (event.data or {}).get("after", [])}
        for sku, quantity in after.items():
            n, gtin = lines.of(sku)
            if sku not in before:
                action = rules.LINE_ADDED
            else:
                action = rules.LINE_ACCEPTED if before[sku] == quantity else rules.LINE_CHANGED
            out.append(rules.ResponseLine(n, gtin, sku, action, quantity))
        for sku in before.keys() - after.keys():
            n, gtin = lines.of(sku)
            out.append(rules.ResponseLine(n, gtin, sku, rules.LINE_REFUSED, 0))
        return sorted(out, key=lambda line: line.line)
    for line in order.lines.order_by("position"):
        n, gtin = lines.of(line.sku)
        if event.action == "refuse":
            action, quantity = rules.LINE_REFUSED, line.requested_quantity
        elif event.action in ENDED:  # lapsed or cancelled: the order as it stood
            action, quantity = rules.LINE_REFUSED, line.quantity
        elif event.action == "confirm_modification":  # O8: concluded on the modified lines
            action, quantity = rules.LINE_ACCEPTED, line.quantity
        elif line.quantity != line.requested_quantity:  # O4: adjusted under the seller's terms
            action, quantity = rules.LINE_CHANGED, line.quantity
        else:
            action, quantity = rules.LINE_ACCEPTED, line.quantity
        out.append(rules.ResponseLine(n, gtin, line.sku, action, quantity))
    return out


def ordrsp_issue(order: Order, event: OrderEvent) -> EdiMessage | None:
    """The ORDRSP of one timeline entry: acceptance 29 (4 when the terms adjusted a line, O4),
    modification 4 (O8), refusal, lapse and cancellation 27 (O8, O10, O12) with the reason,
    the buyer's confirmation of a modification 29 on the modified lines."""
    inbound = inbound_order_message(order.pk)
    lines = _response_lines(order, event, _Lines(order, inbound))
    if event.action in ENDED:
        function = rules.NOT_ACCEPTED
    elif event.action == "modify" or any(line.action != rules.LINE_ACCEPTED for line in lines):
        function = rules.CHANGED
    else:
        function = rules.ACCEPTED
    number = f"{order.number}-R{event.pk}"
    response = rules.OrderResponse(
        number=number,
        function=function,
        issued_on=clock.today(),
        buyer_order=inbound.document_number if inbound else order.number or "",
        seller_order=order.number or "",
        seller=_party(order.seller),
        buyer=_party(order.buyer),
        lines=tuple(lines),
        delivery_on=order.estimated_delivery_on,
        reason=event.note if event.action in ENDED or event.action == "modify" else "",
    )
    return _issue(
        source=f"ORDRSP:{event.pk}",
        message_type=MessageType.ORDRSP,
        identifier=rules.ORDRSP_ID,
        order=order,
        document_number=number,
        function_code=function,
        build=lambda: rules.ordrsp_segments(response),
    )


# --- DESADV ------------------------------------------------------------------------------------


def _delivery_party(order: Order) -> rules.PartyOut | None:
    address = order.delivery_address or {}
    if not address:
        return None
    return rules.PartyOut(
        gln=str(address.get("gln") or order.buyer.gln),
        name=str(address.get("name", "")),
        street=str(address.get("line1", "")),
        city=str(address.get("city", "")),
        postcode=str(address.get("postcode", "")),
        country=str(address.get("country", order.delivery_country)),
    )


def desadv_issue(shipment: Shipment) -> EdiMessage | None:
    order = shipment.order
    inbound = inbound_order_message(order.pk)
    lines = _Lines(order, inbound)
    despatch_lines = []
    for sl in shipment.lines.select_related("order_line").order_by("order_line__position"):
        n, gtin = lines.of(sl.order_line.sku)
        despatch_lines.append(rules.DespatchLine(n, gtin, sl.order_line.sku, sl.quantity))
    despatch = rules.Despatch(
        number=shipment.number,
        despatched_on=timezone.localdate(shipment.shipped_at),
        buyer_order=inbound.document_number if inbound else order.number or "",
        seller_order=order.number or "",
        seller=_party(order.seller),
        buyer=_party(order.buyer),
        delivery=_delivery_party(order),
        carrier=shipment.carrier,
        parcels=tuple(p.tracking_number for p in shipment.parcels.order_by("pk")),
        lines=tuple(despatch_lines),
        delivery_on=shipment.estimated_delivery_on,
    )
    return _issue(
        source=f"DESADV:{shipment.pk}",
        message_type=MessageType.DESADV,
        identifier=rules.DESADV_ID,
        order=order,
        document_number=shipment.number,
        function_code="9",
        build=lambda: rules.desadv_segments(despatch),
    )


# --- INVOIC ------------------------------------------------------------------------------------


def _adjustments(invoice: Invoice) -> tuple[rules.Adjustment, ...]:
    out = []
    for charge, items in ((True, invoice.charges or []), (False, invoice.allowances or [])):
        for item in items:
            out.append(
                rules.Adjustment(
                    charge=charge,
                    reason=str(item.get("reason", "")),
                    amount=Decimal(str(item.get("net_amount", "0"))),
                    vat_rate=Decimal(str(item.get("vat_rate", "0"))),
                )
            )
    return tuple(out)


def _delivered_on(order: Order) -> date | None:
    dates = [d for d in order.shipments.values_list("delivered_on", flat=True) if d is not None]
    return max(dates) if dates else None


def invoic_issue(invoice: Invoice, order: Order) -> EdiMessage | None:
    inbound = inbound_order_message(order.pk)
    lines = _Lines(order, inbound)
    invoice_lines = []
    for line in invoice.lines.order_by("position"):
        n, gtin = lines.of(line.sku) if line.sku else (line.position, "")
        invoice_lines.append(
            rules.InvoiceLineOut(
                line=n,
                gtin=line.gtin or gtin,
                sku=line.sku,
                description=line.description,
                quantity=line.quantity,
                net_unit_price=line.net_unit_price,
                net_amount=line.net_amount,
                vat_rate=line.vat_rate,
            )
        )
    credited = invoice.credited_invoice
    document = rules.InvoiceOut(
        credit_note=invoice.kind == Kind.CREDIT_NOTE,
        number=invoice.number or "",
        issued_on=invoice.issue_date or clock.today(),
        buyer_order=inbound.document_number if inbound else "",
        seller_order=order.number or "",
        seller=_snapshot_party(invoice.issuer_snapshot, order.seller),
        buyer=_snapshot_party(invoice.recipient_snapshot, order.buyer),
        currency=invoice.currency,
        lines=tuple(invoice_lines),
        vat=tuple(
            rules.VatLine(v.rate, v.base, v.amount, v.category)
            for v in invoice.vat_breakdown.order_by("-rate")
        ),
        line_total=invoice.line_total,
        total_excl_vat=invoice.total_excl_vat,
        total_vat=invoice.total_vat,
        total_incl_vat=invoice.total_incl_vat,
        adjustments=_adjustments(invoice),
        due_on=invoice.due_date,
        delivered_on=_delivered_on(order),
        credited_invoice=credited.number or "" if credited else "",
        credited_on=credited.issue_date if credited else None,
    )
    return _issue(
        source=f"INVOIC:{invoice.pk}",
        message_type=MessageType.INVOIC,
        identifier=rules.INVOIC_ID,
        order=order,
        document_number=invoice.number or "",
        function_code="381" if document.credit_note else "380",
        build=lambda: rules.invoic_segments(document),
    )


# --- failures and retries --------------------------------------------------------------------


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def record_failure(source: str, order: Order, error: BaseException, at: datetime) -> OutboundRetry:
    """Count one failed attempt of `source` and plan the next one (`rules.retry_delay`), or give
    up after `rules.RETRY_MAX_ATTEMPTS` (O14). A message issued meanwhile is left alone."""
    with transaction.atomic():
        retry, _created = OutboundRetry.objects.select_for_update().get_or_create(
            source=source, defaults={"order": order, "created_at": at, "updated_at": at}
        )
        if retry.status != RetryStatus.PENDING:
            return retry
        retry.attempts += 1
        retry.last_error = _error_text(error)
        retry.updated_at = at
        delay = rules.retry_delay(retry.attempts)
        if delay is None:
            retry.status = RetryStatus.FAILED
            retry.next_attempt_at = None
        else:
            retry.next_attempt_at = at + delay
        retry.save()
        audit_record(
            actor=None,
            organization_id=order.seller_id,
            action="edi.out.failed" if delay is None else "edi.out.retry_planned",
            obj_type="edi.OutboundRetry",
            obj_id=str(retry.pk),
            data={
                "source": source,
                "order": order.number,
                "attempts": retry.attempts,
                "error": retry.last_error,
            },
        )
        return retry


def _safely(source: str, order: Order, issue: Callable[[], EdiMessage | None]) -> None:
    """Issue now; a failure leaves the change that caused it done and is kept for a retry."""
    try:
        with transaction.atomic():
            issue()
    except Exception as error:  # noqa: BLE001 - any failure is retried, then given up
        logger.exception("EDI answer %s of order %s not issued", source, order.number)
        record_failure(source, order, error, clock.now())


# --- the listener ------------------------------------------------------------------------------


def outbound_on_event(event: str, items: list[tuple[list[int], dict[str, Any]]]) -> None:
    """The subscriber of `core.events`: the EDI answers to what happened to EDI orders. The order
    events carry the order's channel: an item of another channel costs nothing, an item without
    it (published before the channel was added) is looked up."""
    if event in ORDER_ACTIONS or event == "order.shipped":
        numbers = {
            str(d["order"])
            for _ids, d in items
            if d.get("order") and d.get("channel", "edi") == "edi"  # absent: looked up
        }
        orders = _orders_by_number(numbers)
        for _ids, data in items:
            order = orders.get(str(data.get("order", "")))
            if order is None:
                continue
            if event == "order.shipped":
                shipment = Shipment.objects.filter(order=order, number=data.get("shipment")).first()
                if shipment is not None:
                    _safely(f"DESADV:{shipment.pk}", order, partial(desadv_issue, shipment))
                continue
            entry = (
                order.events.filter(action__in=ORDER_ACTIONS[event]).order_by("-at", "-pk").first()
            )
            if entry is not None:
                _safely(f"ORDRSP:{entry.pk}", order, partial(ordrsp_issue, order, entry))
    elif event == "invoice.issued":
        wanted = [
            (int(d["issuer_id"]), str(d["number"]))
            for _ids, d in items
            if d.get("issuer_id") and d.get("number")
        ]
        _invoices(wanted)


def _orders_by_number(numbers: set[str]) -> dict[str, Order]:
    if not numbers:
        return {}
    return {
        o.number or "": o
        for o in Order.objects.filter(number__in=numbers, channel="edi").select_related(
            "seller", "buyer"
        )
    }


def _invoices(wanted: list[tuple[int, str]]) -> None:
    """INVOIC for the invoices of EDI orders among `wanted` (issuer, number): two queries for a
    batch that holds none (the monthly run)."""
    if not wanted:
        return
    issuers = {i for i, _n in wanted}
    numbers = {n for _i, n in wanted}
    invoices = Invoice.objects.filter(issuer_id__in=issuers, number__in=numbers).select_related(
        "credited_invoice"
    )
    by_order: dict[str, list[Invoice]] = {}
    for invoice in invoices:
        order_number = (invoice.references or {}).get("order_number", "")
        if order_number:
            by_order.setdefault(order_number, []).append(invoice)
    if not by_order:
        return
    orders = Order.objects.filter(
        number__in=list(by_order), channel="edi", seller_id__in=issuers
    ).select_related("seller", "buyer")
    for order in orders:
        for invoice in by_order.get(order.number or "", []):
            if invoice.issuer_id == order.seller_id:
                _safely(f"INVOIC:{invoice.pk}", order, partial(invoic_issue, invoice, order))


__all__ = [
    "OutboundError",
    "desadv_issue",
    "invoic_issue",
    "ordrsp_issue",
    "outbound_on_event",
    "record_failure",
]
