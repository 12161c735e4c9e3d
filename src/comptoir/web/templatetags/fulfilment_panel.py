"""The fulfilment panel of the order page (F4, F7, F11): the deadlines after reception, the
formal notices to collect, the charges for the next invoice, and the buttons of each side.
An inclusion tag, so the order page needs one line to show it."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment.models import WrongGoodsKind
from comptoir.ordering.models import Order

register = template.Library()


@register.inclusion_tag("web/fulfilment/_panel.html", takes_context=True)
def fulfilment_panel(context: Any, order: Order) -> dict[str, Any]:
    as_buyer, as_seller = bool(context.get("as_buyer")), bool(context.get("as_seller"))
    org_id = order.buyer_id if as_buyer else order.seller_id
    return {
        "order": order,
        "as_buyer": as_buyer,
        "as_seller": as_seller,
        "may_act": bool(context.get("may_act")),
        "show_prices": bool(context.get("show_prices")),
        "shipments": context.get("shipments") or [],
        # the page's shipments, when it gives them, tell whether a shipment could have left
        # reserves, wrong goods or formal notices behind
        "pending": fulfilment_queries.pending_for(
            org_id, order, shipped="shipments" not in context or bool(context["shipments"])
        ),
        "wrong_goods_kinds": WrongGoodsKind.choices,
        "digital": order.lines.exclude(product__kind="physical").exists(),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
