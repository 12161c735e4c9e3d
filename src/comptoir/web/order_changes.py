"""Changing an order from its page: the buyer's edit while the terms allow it (O6, O7), the
seller's modification sent back to the buyer (O8), the seller's change after acceptance with its
written consent, a fee and a new delivery date (O11), the seller's cancellation (O12) and the
force-majeure suspension and its resumption (N4), and the lifting of a review hold (O10).

The section is a partial of the order page (`order_changes/_panel.html`), fed by `panel()`; its
forms post here and come back to the order with the outcome. A form is offered only when the
order's state and terms allow its action, so a delivered order's page reads nothing more; the
services check everything again (side, state, terms). Posting needs place_orders (P4).

The line forms send the whole new composition: one quantity per current line (0 removes it),
plus lines to add pasted as "SKU;quantity" (the cart's quick-order format); a SKU both kept and
added adds up. The terms engine re-quotes the new lines, and its refusals (minimum, packaging,
stock) come back with their rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering import queries
from comptoir.ordering import services as ordering
from comptoir.ordering.models import Order, OrderLine, OrderState
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.rules import TRANSITIONS, edit_decision
from comptoir.parties.models import Membership, Permission
from comptoir.web.ordering import _error, page
from comptoir.web.ordering import _fee as typed_fee

MAX_TEXT = 2000
FIELD_LABELS = {
    "lines": gettext_lazy("Order lines"),
    "add": gettext_lazy("Lines to add"),
    "reason": gettext_lazy("Reason"),
    "consent": gettext_lazy("Written consent"),
    "fee": gettext_lazy("Fee excl. VAT"),
    "fee_reason": gettext_lazy("What the fee is for"),
    "new_delivery_date": gettext_lazy("New delivery date"),
    "state": gettext_lazy("Order state"),
}
BEFORE_ACCEPTANCE = {OrderState.SUBMITTED, OrderState.HELD}
AFTER_ACCEPTANCE = {OrderState.ACCEPTED, OrderState.IN_PROGRESS}
# where the buyer is told whether it may still change its order (O6, O7, O11)
BUYER_EDIT_STATES = TRANSITIONS["edit"].sources | {OrderState.IN_PROGRESS}


def _french() -> bool:
    return (get_language() or "").startswith("fr")


def panel(membership: Membership, order: Order, lines: Sequence[OrderLine]) -> dict[str, Any]:
    """The context of the order page's section: which forms the acting company may use now,
    from the order's state and terms (no query: `lines` are the page's own)."""
    as_seller = order.seller_id == membership.organization_id
    as_buyer = order.buyer_id == membership.organization_id
    may_act = Permission.PLACE_ORDERS in membership.effective_permissions
    state = order.state
    policy = ordering_policy(order.terms_version)
    uninvoiced = order.invoice_id is None
    context: dict[str, Any] = {
        "lines": [line for line in lines if line.withdrawn_at is None],
        "suspended_until": order.suspended_until if state == OrderState.SUSPENDED else None,
        "edit": None,
        "edit_notice": "",
        "modify": False,
        "change": False,
        "cancel": False,
        "suspend_months": None,
        "resume": False,
        "release": False,
    }
    if as_buyer and state in BUYER_EDIT_STATES:
        decision = edit_decision(
            state=state, policy=policy.edit, today=clock.today(), processing_on=order.processing_on
        )
        reason = decision.reason_fr if _french() else decision.reason_en
        if decision.allowed and not decision.needs_seller_consent:
            context["edit"] = {"reason": reason, "rule": decision.rule}
        else:  # O6, O7, O11: said, so the buyer knows to ask the seller
            context["edit_notice"] = f"{reason} ({decision.rule})"
    if as_seller and may_act:
        context["modify"] = state in BEFORE_ACCEPTANCE
        context["change"] = (
            state in AFTER_ACCEPTANCE and uninvoiced and policy.edit.after_acceptance != "forbidden"
        )
        context["cancel"] = state in TRANSITIONS["cancel"].sources and uninvoiced
        if state in TRANSITIONS["suspend"].sources:
            context["suspend_months"] = policy.force_majeure_months
        context["resume"] = state == OrderState.SUSPENDED
        context["release"] = state == OrderState.HELD  # O10: the review hold lifted
    if not may_act:
        context["edit"] = None
    context["shown"] = bool(
        context["edit"]
        or context["edit_notice"]
        or context["modify"]
        or context["change"]
        or context["cancel"]
        or context["suspend_months"]
        or context["resume"]
        or context["release"]
        or context["suspended_until"]
    )
    return context


# --- parsing the forms ------------------------------------------------------------------------


def _quantity(value: str, index: int) -> int:
    text = value.strip()
    if not text.isdigit() or len(text) > 7:
        raise DomainError(
            "invalid_quantity",
            _("Give each line a whole quantity from 0 (0 removes the line)."),
            field="lines",
            rule="O9",
            details={"line": index},
        )
    return int(text)


def new_lines(post: QueryDict) -> list[LineRequest]:
    """The order's new composition from the form: the current lines' quantities, then the lines
    pasted to add (a SKU in both adds up)."""
    skus, quantities = post.getlist("sku"), post.getlist("quantity")
    if len(skus) != len(quantities) or len(skus) > 1000:
        raise DomainError(
            "invalid_form", _("The form is incomplete: load the page again."), field="lines"
        )
    wanted: dict[str, int] = {}
    for i, (sku, quantity) in enumerate(zip(skus, quantities, strict=True)):
        wanted[sku[:64]] = wanted.get(sku[:64], 0) + _quantity(quantity, i)
    try:
        added = ordering.parse_quick_order(post.get("add", "")[:20_000], header=False)
    except DomainError as error:
        raise DomainError(error.code, error.message, field="add", rule=error.rule) from None
    for line in added:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    return [LineRequest(sku, quantity) for sku, quantity in wanted.items() if quantity > 0]


def _text(post: QueryDict, name: str, required: bool = True) -> str:
    value = post.get(name, "").strip()
    if required and not value:
        raise DomainError("required", _("This field is required."), field=name)
    if len(value) > MAX_TEXT:
        raise DomainError("too_long", _("At most %(n)s characters.") % {"n": MAX_TEXT}, field=name)
    return value


def _fee(post: QueryDict) -> Decimal | None:
    """The O11 fee typed (the order page's reading of a fee), in cents, above 0, at most 100,000."""
    fee = typed_fee(post.get("fee", "").replace("€", ""))
    if fee is not None and (fee <= 0 or fee > 100_000 or fee != fee.quantize(Decimal("0.01"))):
        raise DomainError(
            "invalid_amount",
            _("A fee is an amount in euros, in cents, above 0 and at most 100,000."),
            field="fee",
            rule="O11",
        )
    return fee


def _date(post: QueryDict, name: str) -> date | None:
    text = post.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "invalid_date", _("Give a date as on a calendar (dd/mm/yyyy)."), field=name
        ) from None


def _unchanged(order: Order, lines: Sequence[LineRequest]) -> bool:
    current = {line.sku: line.quantity for line in order.lines.filter(withdrawn_at=None)}
    return current == {line.sku: line.quantity for line in lines}


# --- views ------------------------------------------------------------------------------------


def _back(order: Order) -> HttpResponse:
    return redirect(reverse("web:order_detail", args=[order.number]) + "#order-changes")


def _run(request: HttpRequest, order: Order, act: Any, done: str) -> HttpResponse:
    try:
        act()
    except DomainError as error:
        _error(request, error, FIELD_LABELS)
    else:
        messages.success(request, done)
    return _back(order)


@require_POST
@page(Permission.PLACE_ORDERS)
def order_edit(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The buyer's new lines while its terms allow changes (O6, O7)."""
    order = queries.order_for(membership.organization, number)
    return _run(
        request,
        order,
        lambda: ordering.order_edit(
            actor=request.user, order_id=order.pk, lines=new_lines(request.POST)
        ),
        _("The order's lines are changed; its quote is recomputed (O6)."),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def order_modify(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller answers with other lines and its reason; the buyer confirms or declines (O8)."""
    order = queries.order_for(membership.organization, number)
    return _run(
        request,
        order,
        lambda: ordering.order_modify(
            actor=request.user,
            order_id=order.pk,
            lines=new_lines(request.POST),
            reason=_text(request.POST, "reason"),
        ),
        _("The modification is sent to the buyer, who confirms or declines it (O8)."),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def order_change(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller's change after acceptance, with its written consent, optionally a fee and a
    new delivery date (O11); lines left as they were are not re-sent."""
    order = queries.order_for(membership.organization, number)

    def act() -> Order:
        post = request.POST
        lines = new_lines(post)
        return ordering.order_change(
            actor=request.user,
            order_id=order.pk,
            lines=None if _unchanged(order, lines) else lines,
            consent=_text(post, "consent"),
            fee=_fee(post),
            fee_reason=_text(post, "fee_reason", required=False)[:150],
            new_delivery_date=_date(post, "new_delivery_date"),
        )

    return _run(request, order, act, _("The order is changed with your consent (O11)."))


@require_POST
@page(Permission.PLACE_ORDERS)
def order_suspend(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """Force majeure: the seller suspends the order for at most its terms' period (N4)."""
    order = queries.order_for(membership.organization, number)
    return _run(
        request,
        order,
        lambda: ordering.order_suspend(
            actor=request.user, order_id=order.pk, reason=_text(request.POST, "reason")
        ),
        _("The order is suspended for force majeure (N4)."),
    )


@require_POST
@page(Permission.PLACE_ORDERS)
def order_resume(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The seller resumes a suspended order where it stood (N4)."""
    order = queries.order_for(membership.organization, number)
    return _run(
        request,
        order,
        lambda: ordering.order_resume(actor=request.user, order_id=order.pk),
        _("The order is resumed (N4)."),
    )
