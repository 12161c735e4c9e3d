"""The seller's dashboard (receivables and activity at a glance): sales by month, receivables by
ageing bucket, on-time payment rate, orders waiting on the seller. Charts are SVG images drawn
by pygal; every figure is also in a table for screen readers and for copying."""

from __future__ import annotations

from datetime import timedelta

from csp.decorators import csp_exempt
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from comptoir.billing.queries import sales_by_month
from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.ordering import queries as ordering
from comptoir.ordering.models import OrderState
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.web import charts
from comptoir.web.ordering import page

WAITING = ("submitted", "held", "modified", "accepted", "in_progress", "shipped", "delivered")


def _seller(membership: Membership) -> Organization:
    if not membership.organization.is_seller:
        raise Http404("Not a seller")
    return membership.organization


def _ageing_labels() -> dict[str, str]:
    return {
        "not_due": _("not yet due"),
        "1-30": _("1–30 days late"),
        "31-60": _("31–60 days late"),
        "61-90": _("61–90 days late"),
        "90+": _("over 90 days late"),
    }


def _on_time(seller: Organization) -> tuple[int, int]:
    today = clock.today()
    return ledger.on_time_rate(seller, today - timedelta(days=365), today)


def _waiting(seller: Organization) -> list[tuple[str, int]]:
    counts = dict(
        ordering.orders_for(seller, role="seller")
        .filter(state__in=WAITING)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(str(OrderState(s).label), counts.get(s, 0)) for s in WAITING]


@page(Permission.VIEW_ORDERS)
def dashboard(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _seller(membership)
    today = clock.today()
    labels = _ageing_labels()
    timely, settled = _on_time(seller)
    context = {
        "seller": seller,
        "sales": sales_by_month(seller, on=today),
        "ageing": [(labels[k], v) for k, v in ledger.ageing(seller, today)],
        "timely": timely,
        "settled": settled,
        "rate": round(100 * timely / settled) if settled else None,
        "waiting": _waiting(seller),
        "inbox": ordering.inbox_for(seller).count(),
    }
    return render(request, "web/dashboard.html", context)


def _svg(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response


@csp_exempt()
@page(Permission.VIEW_ORDERS)
def chart(request: HttpRequest, membership: Membership, name: str) -> HttpResponse:
    """One chart as an SVG image; each reads only its own figures."""
    seller = _seller(membership)
    today = clock.today()
    if name == "sales":
        rows = sales_by_month(seller, on=today)
        return _svg(charts.sales_chart(rows, _("Sales by month (excl. VAT)"), _("€ excl. VAT")))
    if name == "ageing":
        rows = ledger.ageing(seller, today)
        return _svg(charts.ageing_chart(rows, _("Receivables by age"), _ageing_labels()))
    if name == "on-time":
        return _svg(charts.rate_chart(*_on_time(seller), _("Paid on time")))
    if name == "orders":
        return _svg(charts.orders_chart(_waiting(seller), _("Open orders")))
    raise Http404("Unknown chart")
