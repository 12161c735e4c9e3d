"""Server-rendered pages. Views parse input, ask the tenant-scoped queries, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.errors import NotFound
from comptoir.parties.acting import acting_membership, acting_organization, choose_organization
from comptoir.parties.models import Permission


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _granted(request: HttpRequest, permission: str) -> bool:
    """A visitor (no organization) browses what is public (P5); a member needs the right (P4)."""
    membership = acting_membership(request)
    return membership is None or permission in membership.effective_permissions


def _may_browse(request: HttpRequest) -> None:
    if not _granted(request, Permission.VIEW_PRODUCTS):
        raise HttpForbidden(_("You are not allowed to see product information (P4)."))


def _prices_visible(request: HttpRequest) -> bool:
    return _granted(request, Permission.VIEW_PRICES)


def home(request: HttpRequest) -> HttpResponse:
    org = acting_organization(request)
    sellers = list(catalog.visible_sellers(org))
    brands_by_seller: dict[int, list] = {}
    for brand in catalog.visible_brands(org):
        brands_by_seller.setdefault(brand.seller_id, []).append(brand)
    rows = [(seller, brands_by_seller.get(seller.pk, [])) for seller in sellers]
    return render(request, "web/home.html", {"rows": rows})


@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        organization_id = 0
    if not choose_organization(request, organization_id):
        messages.error(request, _("You are not a member of that organization."))
    return redirect("web:home")


def seller_products(request: HttpRequest, seller_id: int) -> HttpResponse:
    org = acting_organization(request)
    _may_browse(request)
    try:
        seller = catalog.seller_for(org, seller_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    search = request.GET.get("q", "").strip()[:100]
    after = request.GET.get("after") or None
    # the next-page link carries the total counted on the first page (`n`): no count again
    known = request.GET.get("n", "")
    known_total = int(known) if after and known.isdigit() and len(known) < 10 else None
    page = catalog.product_page(org, seller, search=search, after=after, known_total=known_total)
    prices = {}
    if _prices_visible(request):  # P4 checked on the acting membership: no second read
        prices = catalog.prices_for(buyer=org, products=page.items, at=clock.today())
    rows = [(product, prices.get(product.pk)) for product in page.items]
    return render(
        request,
        "web/product_list.html",
        {
            "seller": seller,
            "rows": rows,
            "page": page,
            "search": search,
            "after": after,
            "show_prices": bool(prices) or (_prices_visible(request) and not rows),
        },
    )


def product_detail(request: HttpRequest, seller_id: int, product_id: int) -> HttpResponse:
    org = acting_organization(request)
    _may_browse(request)
    try:
        product = catalog.product_for(org, seller_id, product_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    price = None
    if _prices_visible(request):
        price = catalog.price_for(
            buyer=org, product=product, at=clock.today(), user=request.user if org else None
        )
    # P4: "use the cart" is what adding needs; a storekeeper without "see prices" adds without
    # seeing the price, which the product must still have for the buyer (C2, C3)
    may_add = (
        org is not None
        and _granted(request, Permission.USE_CART)
        and (
            price is not None
            or (
                not _prices_visible(request)
                and catalog.price_for(buyer=org, product=product, at=clock.today()) is not None
            )
        )
    )
    return render(
        request,
        "web/product_detail.html",
        {
            "product": product,
            "seller": product.seller,
            "price": price,
            "prices_hidden": not _prices_visible(request),
            "stock": getattr(product, "stock", None),
            "may_add_to_cart": may_add,
        },
    )
