"""The order page's prepayment section (O10, PT9, PT10): an order placed under "immediate payment
required" and paid otherwise than by card waits for its prepayment before it ships; both sides
see what is still due, and the seller's finance staff record what they received.

The section is a partial of the order page (`web/prepayment/_panel.html`), fed by `panel()`;
its form posts here. Reading follows the order page (view_orders, the order's buyer or seller
only, 404 for other companies); recording needs the seller's "credit and invoices" right (P4),
as the payment pages do, and the service checks the side and the amount."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.i18n import format_money_active
from comptoir.fulfilment.services.prepayment import order_prepayment_record, prepayment_status
from comptoir.ordering import queries
from comptoir.ordering.models import Order
from comptoir.parties.models import Membership, Permission
from comptoir.payments.models import Method
from comptoir.payments.services.prepayments import PREPAYMENT_METHODS
from comptoir.web.ordering import _error, page

FIELD_LABELS = {
    "amount": gettext_lazy("Amount received"),
    "method": gettext_lazy("Payment method"),
    "value_date": gettext_lazy("Date the funds were available"),
    "on": gettext_lazy("Date the funds were available"),
    "idempotency_key": gettext_lazy("Form"),
    "order": gettext_lazy("Order"),
}

METHOD_LABELS = {
    Method.TRANSFER: gettext_lazy("Bank transfer"),
    Method.SEPA_DEBIT: gettext_lazy("SEPA direct debit"),
    Method.CHEQUE: gettext_lazy("Cheque"),
    Method.LCR: gettext_lazy("LCR (bill of exchange)"),
    Method.PAYPAL: gettext_lazy("PayPal"),
}


def panel(membership: Membership, order: Order) -> dict[str, Any]:
    """The context of the order page's prepayment section (empty status: nothing awaited)."""
    status = prepayment_status(order)
    rights = membership.effective_permissions
    as_seller = order.seller_id == membership.organization_id
    return {
        "status": status,
        "show_prices": Permission.VIEW_PRICES in rights,  # P4: the amounts
        "may_record": status is not None
        and status.due > 0
        and as_seller
        and Permission.VIEW_INVOICES in rights,
        # PT9, PT10: asking for the money is the seller's faculty; it may let the order go
        "may_waive": status is not None
        and status.due > 0
        and as_seller
        and Permission.PLACE_ORDERS in rights,
        "methods": [(m, METHOD_LABELS[m]) for m in PREPAYMENT_METHODS],
        "today": clock.today(),
        "idempotency_key": uuid.uuid4().hex,
    }


def _refusal(request: HttpRequest, error: DomainError) -> None:
    _error(request, error, FIELD_LABELS)


def _date(value: str | None) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise DomainError(
            "invalid_date", _("Enter the date as YYYY-MM-DD."), field="value_date", rule="PT4"
        ) from None


@require_POST
@page(Permission.VIEW_INVOICES)
def prepayment_record(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller records a prepayment received for the order (O10)."""
    order = queries.order_for(membership.organization, number)
    post = request.POST
    try:
        if order.seller_id != membership.organization_id:
            raise PermissionDenied(_("Only the seller records a prepayment received."), rule="O10")
        payment = order_prepayment_record(
            actor=request.user,
            order_id=order.pk,
            amount=(post.get("amount") or "")[:20],
            method=(post.get("method") or "")[:20],
            on=_date(post.get("value_date")),
            idempotency_key=(post.get("idempotency_key") or "")[:64],
        )
    except DomainError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("Prepayment of %(amount)s recorded for order %(number)s.")
            % {"amount": format_money_active(payment.amount), "number": order.number},
        )
    return redirect(reverse("web:order_detail", args=[order.number]) + "#prepayment")
