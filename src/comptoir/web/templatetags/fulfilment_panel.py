"""The fulfilment panel of the order page (F4, F7, F11): the deadlines after reception, the
formal notices to collect, the charges for the next invoice, and the buttons of each side.
An inclusion tag, so the order page needs one line to show it."""

from __future__ import annotations

from typing import Any

from django import template

from comptoir.catalog.models import ProductKind
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment.models import WrongGoodsKind
from comptoir.ordering.models import Order

register = template.Library()


def _pending(context: Any, org_id: int, order: Order) -> fulfilment_queries.Pending:
    """The page's shipments, when it gives them (read with their deliveries), tell whether a
    shipment could have left reserves, wrong goods or formal notices behind, and whether a
    delivery was signed with reserves (F3, F4, F7)."""
    if "shipments" not in context:
        return fulfilment_queries.pending_for(org_id, order)
    shipments = context["shipments"] or []
    reserves = any(getattr(s, "delivery", None) and s.delivery.with_reserves for s in shipments)
    return fulfilment_queries.pending_for(org_id, order, shipped=bool(shipments), reserves=reserves)


def _digital(context: Any, order: Order) -> bool:
    """Whether a line is not a physical product (F11): from the page's lines when it read them
    with their product's kind (`ordering.queries.order_lines`), else asked of the database."""
    lines = context.get("lines")
    if lines is not None and all(hasattr(line, "product_kind") for line in lines):
        return any(line.product_kind != ProductKind.PHYSICAL for line in lines)
    return order.lines.exclude(product__kind=ProductKind.PHYSICAL).exists()


def _anything(panel: dict[str, Any]) -> bool:
    """Whether the panel has a line or a button to show, so that its heading never stands
    alone: the template shows the seller's buttons for shipped shipments and `send_keys`."""
    p: fulfilment_queries.Pending = panel["pending"]
    seller_acts = (
        panel["may_act"]
        and panel["as_seller"]
        and (
            any(s.state == "shipped" for s in panel["shipments"]) or panel["send_keys"] or p.waiting
        )
    )
    return bool(
        p.follow_ups
        or p.wrong_goods
        or panel["report_wrong_goods"]
        or p.notices
        or p.charges
        or seller_acts
    )


@register.inclusion_tag("web/fulfilment/_panel.html", takes_context=True)
def fulfilment_panel(context: Any, order: Order) -> dict[str, Any]:
    as_buyer, as_seller = bool(context.get("as_buyer")), bool(context.get("as_seller"))
    org_id = order.buyer_id if as_buyer else order.seller_id
    may_act, pending = bool(context.get("may_act")), _pending(context, org_id, order)
    panel = {
        "order": order,
        "as_buyer": as_buyer,
        "as_seller": as_seller,
        "may_act": may_act,
        "show_prices": bool(context.get("show_prices")),
        "shipments": context.get("shipments") or [],
        "pending": pending,
        # wrong or excess goods reported on a delivered order (F4)
        "report_wrong_goods": may_act
        and pending.wrong_goods_allowed
        and order.state == "delivered",
        # the seller sends the keys of a digital order not yet closed (F11)
        "send_keys": _digital(context, order)
        and order.state not in ("delivered", "frozen", "cancelled"),
    }
    return {
        **panel,
        "anything": _anything(panel),
        "wrong_goods_kinds": WrongGoodsKind.choices,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
