"""Shipments, deliveries and refusals (F1–F3, F7–F9)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock, events
from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_money_active
from comptoir.fulfilment.models import (
    Charge,
    Contestation,
    Delivery,
    Parcel,
    Refusal,
    Reserve,
    ReserveKind,
    Shipment,
    ShipmentLine,
    ShipmentState,
)
from comptoir.fulfilment.rules import ZERO, contestation_deadline, incoterm_for, refusal_fee
from comptoir.fulfilment.services._common import (
    audit,
    locked_order,
    locked_shipment,
    policy_of,
    require_seller,
    shipment_state_text,
)
from comptoir.fulfilment.services.collection import collection_notice_close
from comptoir.fulfilment.services.followups import store_follow_ups
from comptoir.fulfilment.services.prepayment import prepayment_hold_check
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, explained, words
from comptoir.ordering.services import (
    order_fully_shipped,
    order_record_delivery,
    order_record_shipment,
)
from comptoir.payments.queries import buyer_standing
from comptoir.payments.services.card import card_paid


@dataclass(frozen=True, slots=True)
class ReserveInput:
    """A reserve written on the delivery note (F3)."""

    kind: str
    text: str = ""


def _clause(clause: Any) -> str:
    return str(clause) if clause is not None else ""


def hold_check(order: Order) -> None:
    """F8: no shipment while the buyer is behind on its obligations towards the seller, nor
    before an order under "immediate payment required" is paid (PT2 by card, O10 otherwise)."""
    flag = policy_of(order).document.fulfilment.hold_when_behind
    enabled = flag is not None and flag.enabled
    today = clock.today()
    paid = card_paid(reference=order.number or "", seller=order.seller)
    if order.payment_method == "card" and not paid:
        raise DomainError(
            "prepayment_required",
            _("Payment with the order not received: the order cannot be shipped."),
            field="order",
            rule="PT2",
        )
    # O10, PT9, PT10: "immediate payment required" paid otherwise than by card: held until the
    # payments recorded for the order cover its total incl. VAT
    prepayment_hold_check(order)
    standing = buyer_standing(buyer=order.buyer, seller=order.seller, on=today)
    overdue = standing.overdue
    # PT11/F8: suspended by collection, or behind where the terms hold deliveries
    behind = standing.suspended or (enabled and overdue > 0)
    if behind:
        clause = _clause(flag.clause) if flag is not None else ""
        raise DomainError(
            "deliveries_on_hold",
            _("Deliveries on hold: the buyer is behind on its obligations (%(overdue)s overdue).")
            % {"overdue": format_money_active(overdue)}
            + (f" {clause}" if clause else ""),
            field="order",
            rule="F8",
            details={"overdue": str(overdue)},
        )


@transaction.atomic
def shipment_create(
    *,
    actor: Any,
    order_id: int,
    lines: Mapping[int, int],
    carrier: str,
    parcels: Sequence[str],
) -> Shipment:
    """The seller ships `lines` ({order line id: quantity}) in `parcels` (tracking numbers) (F2),
    recording the promised date (F1) and the incoterm with the point where risk passes (F9)."""
    order = locked_order(order_id)
    require_seller(actor, order)
    quantities = {int(k): int(v) for k, v in lines.items() if int(v) != 0}
    if not quantities:
        raise DomainError(
            "invalid_quantity", _("Ship at least one unit."), field="lines", rule="F2"
        )
    carrier = (carrier or "").strip()
    if not carrier:
        raise DomainError("carrier_required", _("Name the carrier."), field="carrier", rule="F2")
    tracking = [t.strip() for t in parcels if t and t.strip()]
    if not tracking:
        raise DomainError(
            "tracking_required",
            _("Each parcel needs a tracking number."),
            field="parcels",
            rule="F2",
        )
    if len(set(tracking)) != len(tracking):
        raise DomainError(
            "duplicate_tracking",
            _("A tracking number is given twice."),
            field="parcels",
            rule="F2",
        )
    hold_check(order)
    sequence = Shipment.objects.filter(order=order).count() + 1
    number = f"{order.number or order.pk}-E{sequence}"
    order_record_shipment(order_id=order.pk, quantities=quantities, actor=actor, shipment=number)
    terms = policy_of(order).document.fulfilment.incoterms
    choice = incoterm_for(
        order.delivery_country,
        inside_eu=terms.inside_eu if terms else None,
        outside_eu=terms.outside_eu if terms else None,
        risk_passes_at=terms.risk_passes_at if terms else None,
    )
    shipment = Shipment.objects.create(
        order=order,
        number=number,
        carrier=carrier,
        shipped_at=clock.now(),
        shipped_by=actor if getattr(actor, "pk", None) else None,
        estimated_delivery_on=order.estimated_delivery_on,
        delivery_country=order.delivery_country,
        incoterm=choice.incoterm,
        risk_passes_at=choice.risk_passes_at,
        incoterm_clause=_clause(terms.clause) if terms else "",
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=qty)
        for line_id, qty in quantities.items()
    )
    Parcel.objects.bulk_create(
        Parcel(shipment=shipment, tracking_number=t, carrier=carrier) for t in tracking
    )
    audit(
        actor,
        order,
        "shipment.create",
        shipment,
        {
            "number": number,
            "carrier": carrier,
            "lines": quantities,
            "parcels": tracking,
            "incoterm": choice.incoterm,
            "risk_passes_at": choice.risk_passes_at,
        },
    )
    data = {
        "order": order.number,
        "shipment": number,
        "carrier": carrier,
        "parcels": tracking,
        "channel": order.channel,  # O14
    }
    events.emit("order.shipped", [order.buyer_id, order.seller_id], data)
    return shipment


_locked_shipment = locked_shipment


def _reserves(reserves: Iterable[ReserveInput | Mapping[str, str]]) -> list[ReserveInput]:
    result = []
    for i, item in enumerate(reserves):
        if isinstance(item, ReserveInput):
            reserve = item
        else:
            reserve = ReserveInput(str(item.get("kind", "")), str(item.get("text") or ""))
        if reserve.kind not in ReserveKind.values:
            raise DomainError(
                "invalid_reserve",
                _("Unknown reserve kind %(kind)s.") % {"kind": repr(reserve.kind)},
                field=f"reserves[{i}].kind",
                rule="F3",
            )
        result.append(reserve)
    return result


@transaction.atomic
def delivery_record(
    *,
    actor: Any,
    shipment_id: int,
    delivered_on: date,
    signed_by: str,
    reserves: Iterable[ReserveInput | Mapping[str, str]] = (),
) -> Delivery:
    """The seller reports the signed delivery note, with or without reserves (F3). When every
    shipment of a fully shipped order is delivered, the order is delivered and its contestation
    deadline stored (F4, N2)."""
    shipment = _locked_shipment(shipment_id)
    order = locked_order(shipment.order_id)
    require_seller(actor, order)
    if shipment.state != ShipmentState.SHIPPED:
        raise DomainError("not_in_transit", shipment_state_text(shipment), "shipment", "F3")
    if (
        delivered_on > clock.today()
        or delivered_on < shipment.shipped_at.astimezone(clock.PARIS).date()
    ):
        raise DomainError(
            "invalid_delivery_date",
            _("The delivery date lies between the shipment and today."),
            field="delivered_on",
            rule="F3",
        )
    signed_by = (signed_by or "").strip()
    if not signed_by:
        raise DomainError(
            "signature_required",
            _("Who signed the delivery note?"),
            field="signed_by",
            rule="F3",
        )
    checked = _reserves(reserves)
    delivery = Delivery.objects.create(
        shipment=shipment,
        delivered_on=delivered_on,
        signed_by=signed_by,
        with_reserves=bool(checked),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
    )
    Reserve.objects.bulk_create(
        Reserve(delivery=delivery, kind=r.kind, text=r.text) for r in checked
    )
    shipment.state = ShipmentState.DELIVERED
    shipment.delivered_on = delivered_on
    shipment.save(update_fields=["state", "delivered_on"])
    follow_ups = store_follow_ups(order, delivery, [r.kind for r in checked])  # F4 [003 §3]
    collection_notice_close(shipment, actor)  # F7: collected after a formal notice
    audit(
        actor,
        order,
        "delivery.record",
        delivery,
        {
            "shipment": shipment.number,
            "delivered_on": delivered_on,
            "signed_by": signed_by,
            "reserves": [{"kind": r.kind, "text": r.text} for r in checked],
            "follow_ups": [{"kind": f.kind, "deadline_on": f.deadline_on} for f in follow_ups],
        },
    )
    deliver_order_when_complete(order, actor)
    return delivery


def deliver_order_when_complete(order: Order, actor: Any) -> Contestation | None:
    shipments = list(Shipment.objects.filter(order=order))
    if not order_fully_shipped(order):
        return None
    if any(s.state != ShipmentState.DELIVERED for s in shipments):
        return None
    delivered_on = max(s.delivered_on for s in shipments if s.delivered_on is not None)
    policy = policy_of(order)
    period = policy.contestation
    deadline = contestation_deadline(delivered_on, period)
    order_record_delivery(
        order_id=order.pk,
        actor=actor,
        delivered_on=delivered_on,  # O17: a consumer's withdrawal period runs from it
        note=(
            Note.of("delivered_contestable", on=delivered_on, until=deadline.on)
            if deadline
            else Note.of("delivered", on=delivered_on)
        ),
    )
    contest_terms = policy.document.fulfilment.contestation
    contestation = Contestation.objects.create(
        order=order,
        delivered_on=delivered_on,
        deadline_on=deadline.on if deadline else None,
        deadline_at=deadline.at if deadline else None,
        period=f"{period.days} {period.kind}" if period else "",
        on_silence=policy.contestation_on_silence,
        clause=_clause(contest_terms.clause) if contest_terms else "",
        created_at=clock.now(),
    )
    audit(
        actor,
        order,
        "contestation.open",
        contestation,
        {
            "delivered_on": delivered_on,
            "deadline_on": contestation.deadline_on,
            "deadline_at": contestation.deadline_at,
            "rule": "F4",
        },
    )
    return contestation


@transaction.atomic
def delivery_refuse(
    *,
    actor: Any,
    shipment_id: int,
    reason: str,
    valid_reason: bool,
    transport_cost: Decimal | None = None,
) -> Refusal:
    """The buyer refused the delivery (F7), as the seller reports it. Without a valid reason the
    goods remain due and the handling fee the terms state is recorded as a charge for the
    buyer's next invoice; so is `transport_cost` (excl. VAT, outward and return) when the terms
    charge transport and the seller gives the amount."""
    shipment = _locked_shipment(shipment_id)
    order = locked_order(shipment.order_id)
    require_seller(actor, order)
    if shipment.state != ShipmentState.SHIPPED:
        raise DomainError("not_in_transit", shipment_state_text(shipment), "shipment", "F7")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Why was it refused?"), field="reason", rule="F7")
    refusal = Refusal.objects.create(
        shipment=shipment,
        reason=reason,
        valid_reason=valid_reason,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
    )
    shipment.state = ShipmentState.REFUSED
    shipment.save(update_fields=["state"])
    terms = policy_of(order).document.fulfilment.refused_delivery
    fee = refusal_fee(valid_reason, terms.fee if terms else None)
    charges = []
    if fee > 0 and terms is not None:
        explanation = Note.of("refused_delivery_fee", shipment=shipment.number, amount=fee)
        if terms.transport_charged:
            explanation += Note.of("refused_delivery_transport_extra")
        charges.append(
            Charge.objects.create(
                order=order,
                refusal=refusal,
                code="refused_delivery_fee",
                amount_excl_vat=fee,
                rule="F7",
                **explained(explanation + words(_clause(terms.clause))),
                created_at=clock.now(),
            )
        )
    cost = Decimal(transport_cost).quantize(Decimal("0.01")) if transport_cost else ZERO
    if cost < 0:
        raise DomainError(
            "invalid_amount", _("A cost is positive."), field="transport_cost", rule="F7"
        )
    if not valid_reason and cost > 0 and terms is not None and terms.transport_charged:
        charges.append(
            Charge.objects.create(
                order=order,
                refusal=refusal,
                code="refused_delivery_transport",
                amount_excl_vat=cost,
                rule="F7",
                **explained(
                    Note.of("refused_delivery_transport", shipment=shipment.number, amount=cost)
                    + words(_clause(terms.clause))
                ),
                created_at=clock.now(),
            )
        )
    audit(
        actor,
        order,
        "delivery.refuse",
        refusal,
        {
            "shipment": shipment.number,
            "reason": reason,
            "valid_reason": valid_reason,
            "charges": [{"code": c.code, "amount": c.amount_excl_vat} for c in charges],
        },
    )
    return refusal
