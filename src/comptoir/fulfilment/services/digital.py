"""Digital delivery: product keys from the seller's list, e-mailed to the buyer (F11, D3)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.models import (
    Delivery,
    DigitalDelivery,
    DigitalKey,
    Shipment,
    ShipmentLine,
    ShipmentState,
)
from comptoir.fulfilment.services._common import audit, locked_order, require_seller
from comptoir.fulfilment.services.shipments import deliver_order_when_complete
from comptoir.ordering.models import Order, OrderLine, OrderState
from comptoir.ordering.services import order_record_shipment

SUBJECTS = {
    "fr": "Vos clés de produit — commande {number}",
    "en": "Your product keys — order {number}",
}
SENDABLE = {OrderState.ACCEPTED, OrderState.IN_PROGRESS, OrderState.SHIPPED, OrderState.DELIVERED}
SHIPPABLE = {OrderState.ACCEPTED, OrderState.IN_PROGRESS, OrderState.SHIPPED}


def _record_delivered(
    order: Order, assigned: list[tuple[OrderLine, list[DigitalKey]]], to: str, actor: Any
) -> Shipment | None:
    """F11: the keys sent are the delivery of the digital lines. They are recorded as a
    shipment delivered today by e-mail; when nothing else is left to deliver the order is
    delivered and its contestation window opens as the terms say (F4, F5; none for terms
    without a contestation period: the order then waits for the buyer's validation)."""
    if order.state not in SHIPPABLE:
        return None
    quantities = {
        line.pk: min(len(keys), line.quantity - line.shipped_quantity)
        for line, keys in assigned
        if line.quantity > line.shipped_quantity
    }
    quantities = {pk: q for pk, q in quantities.items() if q > 0}
    if not quantities:
        return None
    sequence = Shipment.objects.filter(order=order).count() + 1
    number = f"{order.number or order.pk}-E{sequence}"
    order_record_shipment(order_id=order.pk, quantities=quantities, actor=actor, shipment=number)
    now, today = clock.now(), clock.today()
    shipment = Shipment.objects.create(
        order=order,
        number=number,
        carrier="E-mail",
        state=ShipmentState.DELIVERED,
        shipped_at=now,
        shipped_by=actor if getattr(actor, "pk", None) else None,
        estimated_delivery_on=order.estimated_delivery_on,
        delivered_on=today,
        delivery_country=order.delivery_country,
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, order_line_id=pk, quantity=q)
        for pk, q in quantities.items()
    )
    Delivery.objects.create(
        shipment=shipment,
        delivered_on=today,
        signed_by=to,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=now,
    )
    deliver_order_when_complete(order, actor)
    return shipment


@transaction.atomic
def digital_delivery_send(*, order_id: int, actor: Any = None) -> DigitalDelivery:
    """Assign keys from the seller's list to the order's digital lines (one per unit) and e-mail
    them to the user who placed the order, in their language (F11). Keys already sent are not
    sent again; no key left for a line → refused (F11)."""
    order = locked_order(order_id)
    require_seller(actor, order)
    if order.state not in SENDABLE:
        raise DomainError(
            "not_deliverable",
            _("Order %(number)s is %(state)s.")
            % {"number": order.number, "state": str(order.get_state_display()).lower()},
            "order",
            "F11",
        )
    user = order.placed_by
    if user is None or not user.email:
        raise DomainError("no_recipient", _("Nobody to send the keys to."), "order", "F11")
    at = clock.now()
    assigned: list[tuple[Any, list[DigitalKey]]] = []
    for line in order.lines.select_related("product").exclude(product__kind="physical"):
        missing = line.quantity - DigitalKey.objects.filter(order_line=line).count()
        if missing <= 0:
            continue
        free = DigitalKey.objects.filter(
            seller_id=order.seller_id, product_id=line.product_id, order_line__isnull=True
        ).order_by("pk")
        if connection.vendor == "postgresql":
            free = free.select_for_update(skip_locked=True)
        keys = list(free[:missing])
        if len(keys) < missing:
            raise DomainError(
                "no_keys_left",
                ngettext(
                    "%(sku)s: %(free)d key available for %(missing)d to deliver.",
                    "%(sku)s: %(free)d keys available for %(missing)d to deliver.",
                    len(keys),
                )
                % {"sku": line.sku, "free": len(keys), "missing": missing},
                field="keys",
                rule="F11",
            )
        for key in keys:
            key.order_line = line
            key.assigned_at = at
        DigitalKey.objects.bulk_update(keys, ["order_line", "assigned_at"])
        assigned.append((line, keys))
    if not assigned:
        raise DomainError(
            "nothing_to_send", _("Every digital line already has its keys."), "order", "F11"
        )
    language = user.language if user.language in SUBJECTS else "fr"
    context = {
        "order": order,
        "user": user,
        "lines": [
            {"sku": ln.sku, "title": ln.title, "keys": [k.key for k in ks]} for ln, ks in assigned
        ],
    }
    body = render_to_string(f"fulfilment/email/digital_keys.{language}.txt", context)
    delivery = DigitalDelivery.objects.create(
        order=order, sent_to=user.email, language=language, sent_at=at
    )
    delivery.keys.set([k for _line, ks in assigned for k in ks])
    subject = SUBJECTS[language].format(number=order.number)
    recipient = user.email
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )
    shipment = _record_delivered(order, assigned, recipient, actor)
    audit(
        actor,
        order,
        "digital.send",
        delivery,
        {
            "to": recipient,
            "language": language,
            "keys": sum(len(ks) for _line, ks in assigned),
            "shipment": shipment.number if shipment else None,
        },
    )
    return delivery
