"""The seller issues at once the standalone invoice and credit notes of what waits for a buyer's
next invoice (F7 charges, F10 deposits and their refunds, I5), from the order page's fulfilment
panel."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.fulfilment import services as fulfilment
from comptoir.ordering import queries
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page


@require_POST
@page(Permission.PLACE_ORDERS)
def pending_documents_issue(
    request: HttpRequest, membership: Membership, number: str
) -> HttpResponse:
    """For the buyer of this order: the invoice of its waiting charges and deposits and a credit
    note per invoice of its deposit refunds, issued now (F7, F10, I5)."""
    order = queries.order_for(membership.organization, number)
    try:
        issued = fulfilment.pending_documents_issue(
            actor=request.user, buyer_id=order.buyer_id, seller_id=order.seller_id
        )
        numbers = [d.number for d in issued.invoices]  # two for a person's mixed items (O17)
        numbers += [n.number for n in issued.credit_notes]
        messages.success(
            request,
            _("Issued: %(numbers)s (F7, F10).") % {"numbers": ", ".join(str(n) for n in numbers)},
        )
    except DomainError as error:
        _error(request, error)
    return redirect("web:order_detail", number=order.number)
