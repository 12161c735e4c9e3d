"""Catch-up of EDI answers whose event was lost (O14).

The answers are issued by `outbound_on_event` after the change commits. If the process stops
between the commit and the listener (a crash, a deploy), the change stands and its ORDRSP,
DESADV or INVOIC is never issued. This sweep looks back over recent timeline entries, shipments
and invoices of EDI orders and issues what has neither a message nor a planned retry. It leaves
the most recent minutes to the listener, and issuing stays once per source, so running it while
the listener works, or twice, issues nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db.models import CharField, Exists, OuterRef, QuerySet, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat

from comptoir.billing.models import Invoice
from comptoir.edi.models import Direction, EdiMessage, OutboundRetry
from comptoir.edi.services.outbound import (
    ORDER_ACTIONS,
    _safely,
    desadv_issue,
    invoic_issue,
    ordrsp_issue,
)
from comptoir.fulfilment.models import Shipment
from comptoir.ordering.models import Order, OrderEvent

#: how far back a lost answer is still issued
LOOKBACK = timedelta(days=3)
#: the most recent changes are the listener's
GRACE = timedelta(minutes=10)


def _unanswered(qs: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    """`qs` without the rows whose source (`prefix` + pk) has a message or a retry."""
    qs = qs.annotate(edi_source=Concat(Value(prefix), Cast("pk", CharField())))
    return qs.exclude(
        Exists(EdiMessage.objects.filter(direction=Direction.OUT, source=OuterRef("edi_source")))
    ).exclude(Exists(OutboundRetry.objects.filter(source=OuterRef("edi_source"))))


def outbound_catch_up(*, until: datetime) -> int:
    """Issue the answers of the window (`until` − 3 days, `until` − 10 minutes] that the listener
    missed; returns how many were attempted (a failure is kept for a retry, as always)."""
    since, upto = until - LOOKBACK, until - GRACE
    actions = sorted({a for found in ORDER_ACTIONS.values() for a in found})
    events = OrderEvent.objects.filter(
        order__channel="edi", action__in=actions, at__gt=since, at__lte=upto
    )
    shipments = Shipment.objects.filter(
        order__channel="edi", shipped_at__gt=since, shipped_at__lte=upto
    )
    edi_order = Order.objects.filter(
        channel="edi", number=OuterRef("order_number"), seller_id=OuterRef("issuer_id")
    )
    invoices = (
        Invoice.objects.filter(issued_at__gt=since, issued_at__lte=upto)
        .annotate(order_number=KT("references__order_number"))
        .filter(Exists(edi_order))
    )
    done = 0
    for event in _unanswered(events, "ORDRSP:").select_related("order__seller", "order__buyer"):
        order = event.order
        _safely(f"ORDRSP:{event.pk}", order, partial(ordrsp_issue, order, event))
        done += 1
    for shipment in _unanswered(shipments, "DESADV:").select_related(
        "order__seller", "order__buyer"
    ):
        _safely(f"DESADV:{shipment.pk}", shipment.order, partial(desadv_issue, shipment))
        done += 1
    unanswered = list(_unanswered(invoices, "INVOIC:").select_related("credited_invoice"))
    orders = {
        (o.seller_id, o.number): o
        for o in Order.objects.filter(
            channel="edi", number__in={i.order_number for i in unanswered}
        ).select_related("seller", "buyer")
    }
    for invoice in unanswered:
        order = orders.get((invoice.issuer_id, invoice.order_number))
        if order is not None:
            _safely(f"INVOIC:{invoice.pk}", order, partial(invoic_issue, invoice, order))
            done += 1
    return done


__all__ = ["GRACE", "LOOKBACK", "outbound_catch_up"]
