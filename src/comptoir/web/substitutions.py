"""Replacement proposals on the order page (C6 [002 §4.6]): the seller proposes, for a line it
cannot supply, another of its products; the buyer accepts or declines each proposal.

The section is a partial of the order page (`substitutions/_panel.html`), fed by `panel()`;
the two forms post here. Reading follows the order page (view_orders, the order's buyer or
seller only, 404 for other companies); posting needs place_orders (P4), like the order's other
actions, and the services check which side acts. Prices show only with view_prices (P4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.ordering import queries
from comptoir.ordering.models import Order, SubstitutionProposal, SubstitutionStatus
from comptoir.ordering.services.substitutions import (
    order_substitution_answer,
    order_substitution_propose,
    substitution_options,
)
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page

PRODUCT_CHOICES = 200
"""Products offered in the select; a larger catalog is reached by SKU."""

FIELD_LABELS = {
    "line_id": gettext_lazy("Line to replace"),
    "product_id": gettext_lazy("Replacement product"),
    "sku": gettext_lazy("Replacement SKU"),
    "quantity": gettext_lazy("Quantity"),
    "note": gettext_lazy("Note to the buyer"),
    "lines": gettext_lazy("Order lines"),
    "proposal_id": gettext_lazy("Proposal"),
    "answer": gettext_lazy("Answer"),
    "state": gettext_lazy("Order state"),
    "order": gettext_lazy("Order"),
}


def _refusal(request: HttpRequest, error: DomainError) -> None:
    _error(request, error, FIELD_LABELS)


def _int(value: str | None, field: str) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        raise DomainError(
            "invalid_number", _("Enter a whole number."), field=field, rule="C6"
        ) from None
    if not 0 < number < 2**62:
        raise DomainError("invalid_number", _("Out of range."), field=field, rule="C6")
    return number


def _back(order: Order) -> HttpResponse:
    return redirect(reverse("web:order_detail", args=[order.number]) + "#substitutions")


def panel(membership: Membership, order: Order) -> dict[str, Any]:
    """The context of the order page's C6 section."""
    org_id = membership.organization_id
    rights = membership.effective_permissions
    options = substitution_options(order)
    # read with `order_for_page`, the order says when it has no proposal (one query less)
    has_any = fulfilment_queries.has_rows(order, "substitutions")
    proposals = list(queries.substitutions_for(order)) if has_any else []
    as_seller, as_buyer = order.seller_id == org_id, order.buyer_id == org_id
    may_act = Permission.PLACE_ORDERS in rights
    may_propose = as_seller and may_act and options.may_propose
    context: dict[str, Any] = {
        "shown": options.offered or bool(proposals),
        "proposals": proposals,
        "pending": [p for p in proposals if p.status == SubstitutionStatus.PENDING],
        "as_seller": as_seller,
        "as_buyer": as_buyer,
        "may_propose": may_propose,
        "may_answer": as_buyer and may_act and options.may_answer,
        "answer_blocked": as_buyer and not may_act,
        "show_prices": Permission.VIEW_PRICES in rights,  # P4
        "open_lines": [],
        "products": [],
    }
    if may_propose:
        waiting = {p.original_sku for p in context["pending"]}
        context["open_lines"] = [
            line
            for line in order.lines.all()
            if line.shipped_quantity == 0 and line.withdrawn_at is None and line.sku not in waiting
        ]
        try:  # what the buyer may order from the seller (C2), the first ones by title
            context["products"] = list(
                catalog.products_for_seller(order.buyer, order.seller_id)[:PRODUCT_CHOICES]
            )
        except NotFound:
            context["products"] = []
    return context


@require_POST
@page(Permission.PLACE_ORDERS)
def substitution_propose(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller proposes a replacement for one line (C6)."""
    order = queries.order_for(membership.organization, number)
    post = request.POST
    try:
        if order.seller_id != membership.organization_id:
            raise PermissionDenied(_("Only the seller proposes a replacement."), rule="C6")
        product = (post.get("product_id") or "").strip()
        proposal = order_substitution_propose(
            actor=request.user,
            order_id=order.pk,
            line_id=_int(post.get("line_id"), "line_id"),
            product_id=_int(product, "product_id") if product else None,
            sku=(post.get("sku") or "")[:64],
            quantity=_int(post.get("quantity"), "quantity"),
            note=(post.get("note") or "")[:2000],
        )
    except DomainError as error:
        _refusal(request, error)
        return _back(order)
    messages.success(
        request,
        _("Replacement %(sku)s proposed for %(original)s: the buyer is asked to answer.")
        % {"sku": proposal.sku, "original": proposal.original_sku},
    )
    return _back(order)


@require_POST
@page(Permission.PLACE_ORDERS)
def substitution_answer(
    request: HttpRequest, membership: Membership, number: str, proposal_id: int
) -> HttpResponse:
    """The buyer accepts or declines one proposal (C6)."""
    order = queries.order_for(membership.organization, number)
    proposal: SubstitutionProposal | None = (
        queries.substitutions_for(order).filter(pk=proposal_id).first()
    )
    if proposal is None:
        raise Http404("Substitution proposal")
    answer = request.POST.get("answer", "")
    try:
        if answer not in ("accept", "decline"):
            raise DomainError(
                "invalid_answer", _("Accept or decline the proposal."), field="answer", rule="C6"
            )
        order_substitution_answer(
            actor=request.user, proposal_id=proposal.pk, accept=answer == "accept"
        )
    except DomainError as error:
        _refusal(request, error)
        return _back(order)
    if answer == "accept":
        text = _("Replacement accepted: %(sku)s takes the place of %(original)s.")
    else:
        text = _("Replacement declined: %(original)s leaves the order.")
    messages.success(request, text % {"sku": proposal.sku, "original": proposal.original_sku})
    return _back(order)
