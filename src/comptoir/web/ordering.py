"""Buyer and seller pages of ordering: carts with their live quote, checkout, orders and their
timeline, the seller's inbox, tracking without login (O1, O8, O9, O16). Views parse input, call
the services and the scoped queries, and render; refusals show the rule they come from."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment import queries as fulfilment_queries
from comptoir.fulfilment.models import ReserveKind
from comptoir.ordering import queries
from comptoir.ordering import services as ordering
from comptoir.ordering.models import Order, OrderState
from comptoir.ordering.quoting import (
    LineRequest,
    presented_voucher,
    quote_cart,
    voucher_warning,
    vouchers_accepted,
)
from comptoir.ordering.services.transitions import buyer_may_cancel
from comptoir.parties.acting import acting_membership
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.terms.queries import terms_document, terms_in_force, terms_version_get
from comptoir.terms.render import render_html

MAX_UPLOAD = 256 * 1024

INBOX_PAGE_SIZE = 50  # orders to answer shown at once, the nearest deadline first


class LoginRequired(Exception):
    pass


def _member(request: HttpRequest, permission: str) -> Membership:
    """The acting membership holding `permission`; login first, then 403 (P4)."""
    membership = acting_membership(request)
    if membership is None:
        raise LoginRequired
    if permission not in membership.effective_permissions:
        raise HttpForbidden(_("Your account does not have this right (P4)."))
    return membership


def page(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Views of members: anonymous → login, missing right → 403, not found → 404."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                membership = _member(request, permission)
                return view(request, membership, *args, **kwargs)
            except LoginRequired:
                return redirect_to_login(request.get_full_path())
            except NotFound as exc:
                raise Http404(exc.message) from None
            except DataError:
                return _refused_by_database(request)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _refused_by_database(request: HttpRequest) -> HttpResponse:
    """A value the database cannot store (a number beyond its column, a NUL character in a text
    on PostgreSQL) that no check caught before: the use case rolled back, so say so and go back to
    the page rather than answer 500."""
    message = _(
        "A value could not be stored: a number is too large or a text holds a character that "
        "is not allowed. Nothing was changed."
    )
    if request.method == "GET":  # a page that cannot be read with these parameters
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    messages.error(request, message)
    back = request.headers.get("referer", "")  # the page holding the form; many posts are POST-only
    safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return redirect(back if back and safe else "web:home")


def _error(
    request: HttpRequest, error: DomainError, labels: Mapping[str, Any] | None = None
) -> None:
    """The refusal as the page shows it: with `labels`, the field at fault first (its label),
    then the problem and its rule."""
    rule = f" ({error.rule})" if error.rule else ""
    field = labels.get(error.field or "", error.field or "") if labels is not None else ""
    where = f"{field} — " if field else ""
    messages.error(request, f"{where}{error.message}{rule}")


def _seller(org: Organization, seller_id: int) -> Organization:
    return catalog.seller_for(org, seller_id)


def voucher_code(data: Mapping[str, Any], name: str = "voucher_code") -> str:
    """The voucher code the buyer typed in field `name` (O15), as codes are written."""
    return str(data.get(name, ""))[:40].strip().upper()


def _cart_context(
    org: Organization,
    seller: Organization,
    membership: Membership,
    consumer: tuple[bool, bool] = (False, False),
    voucher_code: str = "",
) -> dict[str, Any]:
    """The cart and its quote; `consumer` (as a consumer, with the waiver) quotes it as a
    natural person's consumer order, with each line's withdrawal right (O17); `voucher_code`
    quotes it with that voucher, or says why the voucher is refused (O15)."""
    # O17: a natural person may order as a consumer (a company never does)
    as_consumer = consumer[0] and not org.is_company
    waiver = as_consumer and consumer[1]
    cart = queries.cart_for(org, seller)
    lines = list(cart.lines.select_related("product").order_by("pk")) if cart else []
    context: dict[str, Any] = {"seller": seller, "lines": lines, "quote": None, "error": None}
    context["withdrawal"] = ()
    # P4: a user without "see prices" prepares the cart without its amounts
    context["show_prices"] = Permission.VIEW_PRICES in membership.effective_permissions
    version = terms_in_force(seller)
    context["version"] = version
    context.update(voucher_code=voucher_code, voucher_error=None, voucher_refusal=None)
    context["vouchers_accepted"] = version is not None and vouchers_accepted(version)
    if lines and version is not None:
        requests = [LineRequest(line.product.sku, line.quantity) for line in lines]
        voucher = None
        try:
            voucher = presented_voucher(seller, voucher_code)[1]
        except DomainError as error:  # O15: quoted without it, the field says why
            context["voucher_error"] = error
        try:
            priced = quote_cart(
                buyer=org,
                seller=seller,
                requests=requests,
                version=version,
                is_consumer=as_consumer,
                withdrawal_waiver=waiver,
                voucher=voucher,
            )
            context["quote"] = priced.quote
            context["withdrawal"] = priced.withdrawal
            context["voucher_refusal"] = voucher and voucher_warning(priced.quote)
        except DomainError as error:
            context["error"] = error
    # O15: the checkout carries the voucher only when the quote shown applies it
    context["voucher_applied"] = bool(
        voucher_code
        and context["quote"] is not None
        and not context["voucher_error"]
        and not context["voucher_refusal"]
    )
    context["idempotency_key"] = uuid.uuid4().hex
    context["may_order_as_consumer"] = not org.is_company
    context["as_consumer"], context["withdrawal_waiver"] = as_consumer, waiver
    # O1: with carts at two sellers or more, one checkout places them all (web/checkout.py)
    context["marketplace_checkout"] = (
        Permission.PLACE_ORDERS in membership.effective_permissions
        and queries.carts_for(org).count() >= 2
    )
    return context


@page(Permission.USE_CART)
def cart(request: HttpRequest, membership: Membership, seller_id: int) -> HttpResponse:
    """The cart at one seller, with the live quote of its terms (O1–O5, PT1); with
    `as_consumer=yes` (the consumer box, htmx), quoted as a consumer's order with each line's
    withdrawal right (O17)."""
    seller = _seller(membership.organization, seller_id)
    consumer = (
        request.GET.get("as_consumer") == "yes",
        request.GET.get("withdrawal_waiver") == "yes",
    )
    context = _cart_context(
        membership.organization, seller, membership, consumer, voucher_code(request.GET)
    )
    template = "web/_cart.html" if request.headers.get("HX-Request") else "web/cart.html"
    return render(request, template, context)


@require_POST
@page(Permission.USE_CART)
def cart_update(request: HttpRequest, membership: Membership, seller_id: int) -> HttpResponse:
    """Set a line's quantity (0 removes it); answers the cart fragment to htmx."""
    org = membership.organization
    seller = _seller(org, seller_id)
    try:
        quantity = int(request.POST.get("quantity", ""))
    except ValueError:
        quantity = -1
    try:
        ordering.cart_line_set(
            actor=request.user,
            buyer=org,
            seller=seller,
            sku=request.POST.get("sku", "")[:64],
            quantity=quantity,
        )
    except DomainError as error:
        _error(request, error)
    if request.headers.get("HX-Request"):
        # O17: the consumer boxes ride along (htmx), so the quote stays a consumer's
        consumer = (
            request.POST.get("as_consumer") == "yes",
            request.POST.get("withdrawal_waiver") == "yes",
        )
        code = voucher_code(request.POST)  # O15: the voucher rides along too
        context = _cart_context(org, seller, membership, consumer, code)
        return render(request, "web/_cart.html", context)
    return redirect("web:cart", seller_id=seller.pk)


@require_POST
@page(Permission.USE_CART)
def cart_quick_order(request: HttpRequest, membership: Membership, seller_id: int) -> HttpResponse:
    """Quick order: pasted "SKU;quantity" lines or an uploaded CSV; all lines or none."""
    org = membership.organization
    seller = _seller(org, seller_id)
    text = request.POST.get("lines", "")
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_UPLOAD:
            messages.error(request, _("The file is larger than 256 KB."))
            return redirect("web:cart", seller_id=seller.pk)
        text = upload.read().decode("utf-8-sig", errors="replace")
    try:
        lines = ordering.parse_quick_order(text)
        ordering.cart_lines_add(actor=request.user, buyer=org, seller=seller, lines=lines)
        messages.success(request, _("%(n)s line(s) added to the cart.") % {"n": len(lines)})
    except DomainError as error:
        _error(request, error)
    return redirect("web:cart", seller_id=seller.pk)


@require_POST
@page(Permission.PLACE_ORDERS)
def checkout(request: HttpRequest, membership: Membership, seller_id: int) -> HttpResponse:
    """Place the order on the buyer's confirmation: the terms version read and accepted, the
    payment option chosen; the electronic signature is recorded (O9, N3)."""
    org = membership.organization
    seller = _seller(org, seller_id)
    key = request.POST.get("idempotency_key", "")[:80]
    done = queries.order_by_idempotency_key(org, key)
    if done is not None:  # a double click: the first click's cart is already an order
        return redirect("web:order_detail", number=done.number)
    cart_ = queries.cart_for(org, seller)
    lines = [
        LineRequest(line.product.sku, line.quantity)
        for line in (cart_.lines.select_related("product").order_by("pk") if cart_ else [])
    ]
    if request.POST.get("accept_terms") != "yes":
        messages.error(request, _("Read and accept the terms of sale to order (O9)."))
        return redirect("web:cart", seller_id=seller.pk)
    try:
        version = int(request.POST.get("terms_version", "0"))
    except ValueError:
        version = 0
    submission = ordering.Submission(
        buyer=org,
        seller=seller,
        lines=tuple(lines),
        accepted_terms_version=version,
        idempotency_key=key,
        payment_method=request.POST.get("payment_method", "")[:32],
        payment_option=request.POST.get("payment_option", "")[:48],  # PT2, PT3
        as_consumer=request.POST.get("as_consumer") == "yes",  # O17
        withdrawal_waiver=request.POST.get("withdrawal_waiver") == "yes",
        voucher_code=voucher_code(request.POST),  # O15
    )
    signature = ordering.Signature(
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    try:
        order = ordering.order_place(actor=request.user, submission=submission, signature=signature)
    except DomainError as error:
        _error(request, error)
        return _back_to_cart(seller, submission.voucher_code)
    messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
    return redirect("web:order_detail", number=order.number)


def _back_to_cart(seller: Organization, voucher_code: str) -> HttpResponse:
    """The cart again, with the voucher the buyer presented still in its field (O15)."""
    url = reverse("web:cart", args=[seller.pk])
    return redirect(f"{url}?{urlencode({'voucher_code': voucher_code})}" if voucher_code else url)


def terms_version_page(request: HttpRequest, seller_id: int, version: int) -> HttpResponse:
    """A published version of a seller's terms, readable before ordering and afterwards from
    the order (O9, N3)."""
    membership = acting_membership(request)
    org = membership.organization if membership else None
    try:
        seller = catalog.seller_for(org, seller_id)
        found = terms_version_get(seller=seller, number=version)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if found.status != "published":
        raise Http404("Terms version")
    html = render_html(terms_document(found))
    return render(
        request, "web/terms.html", {"seller": seller, "version": found, "html": mark_safe(html)}
    )


@page(Permission.VIEW_ORDERS)
def orders(request: HttpRequest, membership: Membership) -> HttpResponse:
    state = request.GET.get("state", "")[:16]
    number = request.GET.get("q", "").strip()[:40]
    after = request.GET.get("after") or None
    page = queries.order_page(
        membership.organization, state=state or None, number=number, after=after
    )
    return render(
        request,
        "web/orders.html",
        {
            "orders": page.items,
            "page": page,
            "after": after,
            "number": number,
            "state": state,
            "states": OrderState.choices,
            "org": membership.organization,
            "show_prices": Permission.VIEW_PRICES in membership.effective_permissions,  # P4
        },
    )


@page(Permission.VIEW_ORDERS)
def order_detail(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    from comptoir.web import address_changes, order_changes, withdrawals  # (they import `page`)
    from comptoir.web.prepayment import panel as prepayment_panel  # O10 (imports `page` too)
    from comptoir.web.substitutions import panel  # C6 section (it imports `page` from here)

    org = membership.organization
    order = fulfilment_queries.order_for_page(org, number)  # with which sections have rows
    lines = queries.order_lines(order)
    return render(
        request,
        "web/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": queries.order_events(order),
            "next_step": queries.next_step(order),
            "as_seller": order.seller_id == org.pk,
            "as_buyer": order.buyer_id == org.pk,
            "may_act": Permission.PLACE_ORDERS in membership.effective_permissions,
            "may_see_invoice": Permission.VIEW_INVOICES in membership.effective_permissions,
            # P4: an employee without "see prices" follows the order without its amounts
            "show_prices": Permission.VIEW_PRICES in membership.effective_permissions,
            "shipments": fulfilment_queries.shipments_for_page(org, order),
            "contestation": fulfilment_queries.contestation_for(org, order),
            "reserve_kinds": ReserveKind.choices,
            "substitutions": panel(membership, order),
            "prepayment": prepayment_panel(membership, order),
            # O8, O11: the buyer cancels alone before acceptance, unless its order is irrevocable
            "buyer_may_cancel": order.buyer_id == org.pk and buyer_may_cancel(order),
            # O11: the manual-handling form, when the terms and the order's state allow it
            "handling": queries.manual_handling_offer(order) if order.seller_id == org.pk else None,
            # F10: the deposits charged with the order and the returns of those items
            "packaging": fulfilment_queries.packaging_for(org, order),
            "packaging_key": uuid.uuid4().hex,  # F10: a double submit records one return
            "address_changes": address_changes.panel(membership, order),  # F6
            "withdrawals": withdrawals.panel(membership, order, lines),  # O17
            "order_changes": order_changes.panel(membership, order, lines),  # O6, O8, O11, N4
        },
    )


def _fee(value: str) -> Decimal | None:
    """The handling fee typed in the form (O11): empty is none; not an amount is refused."""
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        fee = Decimal(value)
    except InvalidOperation:
        fee = Decimal("NaN")
    if not fee.is_finite():
        raise DomainError("invalid_amount", _("Give an amount in euros."), field="fee", rule="O11")
    return fee


def _act(action: str, request: HttpRequest, membership: Membership, order: Order) -> object:
    user, reason = request.user, request.POST.get("reason", "")[:2000]
    actions: dict[str, Callable[[], Any]] = {
        "accept": lambda: ordering.order_accept(actor=user, order_id=order.pk),
        "refuse": lambda: ordering.order_refuse(actor=user, order_id=order.pk, reason=reason),
        "start": lambda: ordering.order_start(actor=user, order_id=order.pk),
        "release": lambda: ordering.order_release(actor=user, order_id=order.pk),
        "confirm_modification": lambda: ordering.order_confirm_modification(
            actor=user, order_id=order.pk
        ),
        "decline_modification": lambda: ordering.order_decline_modification(
            actor=user, order_id=order.pk, reason=reason
        ),
        "cancel": lambda: ordering.order_cancel(
            actor=user,
            order_id=order.pk,
            reason=reason,
            by="seller" if order.seller_id == membership.organization_id else "buyer",
        ),
        "reorder": lambda: ordering.cart_reorder(actor=user, order=order),
        "waive_prepayment": lambda: ordering.order_prepayment_waive(
            actor=user, order_id=order.pk, reason=reason
        ),
        "mark_manual_handling": lambda: ordering.order_mark_manual_handling(  # O11
            actor=user,
            order_id=order.pk,
            fee=_fee(request.POST.get("fee", "")),
            note=request.POST.get("note", "")[:500],
        ),
    }
    if action not in actions:
        raise DomainError(
            "unknown_action", _("Unknown action “%(action)s”.") % {"action": action}, field="action"
        )
    return actions[action]()


@require_POST
@page(Permission.PLACE_ORDERS)
def order_action(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    order = queries.order_for(membership.organization, number)
    action = request.POST.get("action", "")
    try:
        _act(action, request, membership, order)
    except DomainError as error:
        _error(request, error)
        return redirect("web:order_detail", number=order.number)
    if action == "reorder":
        messages.success(request, _("The order's lines are back in your cart."))
        return redirect("web:cart", seller_id=order.seller_id)
    if action == "mark_manual_handling":
        messages.success(request, _("The order is marked for manual handling (O11)."))
        return redirect("web:order_detail", number=order.number)
    messages.success(request, _("Done."))
    return redirect("web:order_detail", number=order.number)


@page(Permission.VIEW_ORDERS)
def inbox(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's orders to answer, the nearest deadline first (O8)."""
    paginator = Paginator(queries.inbox_list(membership.organization), INBOX_PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "web/inbox.html",
        {"orders": current.object_list, "page": current, "today": clock.today()},
    )


def track(request: HttpRequest) -> HttpResponse:
    """O16: follow an order with its number and e-mail, without logging in."""
    order, searched = None, False
    number = request.POST.get("number", "") if request.method == "POST" else ""
    if request.method == "POST":
        searched = True
        try:
            order = queries.order_tracked(number, request.POST.get("email", ""))
        except NotFound:
            order = None
    return render(
        request,
        "web/track.html",
        {
            "order": order,
            "searched": searched,
            "number": number[:20],
            "next_step": queries.next_step(order) if order else None,
        },
    )
