"""The seller's catalog back office: products (C1), stock, brands and their approved buyers (C2).
Prices, tiers, promotions, customer conditions and vouchers are in `catalog_admin_pricing`.

Views parse the input with plain forms (types only: a number, a date, a choice), call the catalog
services, which decide, and show each refusal beside its field with the rule it comes from; a bad
input answers 400 with the form again, never a server error.

Permissions (P4). Only a seller organization has these pages (404 for a buyer's). They need the
seller-side right `manage_catalog`, which the catalog services enforce too."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.catalog import services
from comptoir.catalog.models import (
    VAT_RATES,
    Brand,
    BrandApproval,
    Product,
    ProductKind,
    WithdrawalNature,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_rate_active
from comptoir.core.sorting import sort_key
from comptoir.ordering.models import Order
from comptoir.parties.models import Membership, Organization, OrganizationState, Permission
from comptoir.web.forms_flow import error_text, form_error, invalid
from comptoir.web.ordering import page

CATALOG = Permission.MANAGE_CATALOG
PRICES = Permission.MANAGE_CATALOG
PAGE_SIZE = 50
STATUSES = ("active", "inactive", "removed")


# --- shared helpers ----------------------------------------------------------------------------


def seller_of(membership: Membership) -> Organization:
    """The acting organization when it sells; a buyer's organization has no back office (404)."""
    if not membership.organization.is_seller:
        raise Http404("Not a seller")
    return membership.organization


def require_prices(membership: Membership) -> None:
    if PRICES not in membership.effective_permissions:
        raise HttpForbidden(_("Your account does not have this right (P4)."))


def number(value: str | None) -> str:
    """A decimal as typed in French or English ("1 234,50" or "1234.50"), for the services."""
    text = (value or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    return text.replace(",", ".")[:32]


class RuleForm(forms.Form):
    """A form whose parse errors cite the rule of the page (a date, a number, a choice)."""

    rule = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = {"rule": self.rule}
        for field in self.fields.values():
            invalid = _("Enter a valid value (%(rule)s).") % rule
            if isinstance(field, forms.DateField):
                invalid = _("Enter a date (%(rule)s).") % rule
            elif isinstance(field, forms.IntegerField):
                invalid = _("Enter a whole number (%(rule)s).") % rule
            field.error_messages = {
                **field.error_messages,
                "required": _("This field is required (%(rule)s).") % rule,
                "invalid": invalid,
                "invalid_choice": _("Choose one of the proposed values (%(rule)s).") % rule,
            }


def date_field(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def decimal_field(label: Any, required: bool = True) -> forms.CharField:
    """Typed as text (a French comma is accepted); the service checks the value."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def paginate(request: HttpRequest, qs: QuerySet[Any]) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page") or request.POST.get("page"))


def seller_products(
    seller: Organization, search: str = "", brand_id: int | None = None, status: str = ""
) -> QuerySet[Product]:
    """The seller's own products (tenant-scoped query) searched by title, SKU, EAN or brand."""
    qs = catalog.products_for_seller(seller, seller)
    term = search.strip()
    if term:
        compact = term.replace(" ", "")
        condition = (
            Q(sort_title__contains=sort_key(term))
            | Q(sku__icontains=term)
            | Q(brand__sort_name__contains=sort_key(term))
        )
        if compact.isdigit():
            condition |= Q(gtin__startswith=compact)
        qs = qs.filter(condition)
    if brand_id is not None:
        qs = qs.filter(brand_id=brand_id)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False, removed_at__isnull=True)
    elif status == "removed":
        qs = qs.filter(removed_at__isnull=False)
    return qs


def seller_product(seller: Organization, product_id: int) -> Product:
    """One of the seller's products; another seller's answers 404 (NotFound)."""
    return catalog.product_for(seller, seller, product_id)


def known_buyers(seller: Organization) -> QuerySet[Organization]:
    """Buyers the seller deals with: an order, a brand approval or a customer condition (P9:
    a seller sees only its own customers)."""
    return (
        Organization.objects.filter(
            Q(pk__in=Order.objects.filter(seller=seller).values("buyer_id"))
            | Q(brand_approvals__brand__seller=seller)
            | Q(conditions_received__seller=seller),
            is_buyer=True,
        )
        .distinct()
        .order_by("sort_name", "pk")
    )


def buyer_lookup(text: str, rule: str) -> Organization:
    """A buyer organization by its customer number or SIREN (the seller knows it from the
    signed contract); a clear error names the field otherwise."""
    key = text.strip().replace(" ", "")[:20]
    if not key:
        raise DomainError(
            "required", _("Give the buyer's customer number or SIREN."), "buyer", rule
        )
    found = list(
        Organization.objects.filter(Q(customer_number=key) | Q(siren=key), is_buyer=True)
        .exclude(state=OrganizationState.TERMINATED)
        .order_by("pk")[:2]
    )
    if not found:
        raise DomainError("unknown_buyer", _("No buyer with this number."), "buyer", rule)
    if len(found) > 1:
        raise DomainError(
            "ambiguous_buyer",
            _("Several buyers share this SIREN: give the customer number."),
            "buyer",
            rule,
        )
    return found[0]


def _posted(request: HttpRequest) -> Any:
    """The posted data to bind a form to (an empty post is still a post), or None on GET."""
    return request.POST if request.method == "POST" else None


# --- products (C1) -----------------------------------------------------------------------------


class ListFilters(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    brand = forms.TypedChoiceField(
        label=gettext_lazy("Brand"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args: Any, brands: list[Brand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].choices = [("", _("All brands"))] + [(b.pk, b.name) for b in brands]
        self.fields["status"].choices = [
            ("", _("All")),
            ("active", _("On sale")),
            ("inactive", _("Withdrawn by you")),
            ("removed", _("Removed by the operator")),
        ]


@page(CATALOG)
def products(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's products, searchable and filtered, with stock and the price in force (C3)."""
    seller = seller_of(membership)
    brands = list(catalog.visible_brands(seller, seller).select_related(None))
    filters = ListFilters(request.GET, brands=brands)
    filters.is_valid()  # an invalid filter is ignored, the valid ones still apply
    data = filters.cleaned_data
    qs = seller_products(seller, data.get("q") or "", data.get("brand"), data.get("status") or "")
    found = paginate(request, qs)
    items = list(found.object_list)
    prices = catalog.prices_for(buyer=seller, products=items, at=clock.today(), user=request.user)
    rows = [{"product": p, "price": prices.get(p.pk)} for p in items]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/catalog_admin/products.html",
        {
            "seller": seller,
            "filters": filters,
            "page": found,
            "rows": rows,
            "query": query.urlencode(),
            "show_prices": PRICES in membership.effective_permissions,
            "today": clock.today(),
        },
    )


_rate_label = lazy(format_rate_active, str)


class ProductForm(RuleForm):
    rule = "C1"
    sku = forms.CharField(label=gettext_lazy("Reference (SKU)"), required=False, max_length=64)
    gtin = forms.CharField(label=gettext_lazy("GTIN / EAN"), required=False, max_length=32)
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    brand = forms.ModelChoiceField(
        label=gettext_lazy("Brand"), required=False, queryset=Brand.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ProductKind.choices)
    withdrawal_nature = forms.ChoiceField(
        label=gettext_lazy("Nature excluding a consumer's withdrawal (O17)"),
        choices=[
            ("", gettext_lazy("None: the withdrawal right applies")),
            *WithdrawalNature.choices,
        ],
        required=False,
        help_text=gettext_lazy(
            "C. conso. L221-28: applies to consumer orders only when your terms of sale list "
            "the matching exception."
        ),
    )
    vat_rate = forms.ChoiceField(
        label=gettext_lazy("VAT rate (%)"),
        # the label in the reader's language ("5,5 %" in French), the value as the service reads it
        choices=[(f"{rate.normalize():f}", _rate_label(rate)) for rate in VAT_RATES],
    )
    pack_size = forms.IntegerField(label=gettext_lazy("Units per case (packaging standard)"))
    seats = forms.IntegerField(label=gettext_lazy("Seats (software purchase)"), required=False)
    rental_term_months = forms.IntegerField(
        label=gettext_lazy("Rental term in months (software rental)"), required=False
    )
    prices_include_vat = forms.BooleanField(
        label=gettext_lazy("Prices include VAT"), required=False
    )
    members_only_price = forms.BooleanField(
        label=gettext_lazy("Price shown to logged-in professionals only (P5)"), required=False
    )
    is_active = forms.BooleanField(label=gettext_lazy("On sale"), required=False)

    def __init__(self, *args: Any, seller: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = catalog.visible_brands(seller, seller)  # type: ignore[attr-defined]
        self.fields["brand"].error_messages["invalid_choice"] = _("Choose one of your brands (C2).")

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in services.PRODUCT_FIELDS}


def _initial(product: Product) -> dict[str, Any]:
    initial = {name: getattr(product, name) for name in services.PRODUCT_FIELDS}
    initial["vat_rate"] = f"{product.vat_rate.normalize():f}"
    return initial


@page(CATALOG)
def product_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Create a product (C1); the GTIN check digit, the SKU's uniqueness and the rest are the
    service's."""
    seller = seller_of(membership)
    initial = {"kind": ProductKind.PHYSICAL, "vat_rate": "20", "pack_size": 1, "is_active": True}
    form = ProductForm(_posted(request), seller=seller, initial=initial)
    template = "web/catalog_admin/product_form.html"
    context = {"seller": seller, "form": form, "product": None}
    if request.method != "POST":
        return render(request, template, context)
    if form.is_valid():
        try:
            product = services.product_create(actor=request.user, seller=seller, **form.values())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Product %(sku)s created.") % {"sku": product.sku})
            return redirect("web:catalog_product_edit", product_id=product.pk)
    return invalid(request, template, context)


@page(CATALOG)
def product_edit(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    """Change a product (C1); an operator removal cannot be undone here (P6)."""
    seller = seller_of(membership)
    product = seller_product(seller, product_id)
    form = ProductForm(_posted(request), seller=seller, initial=_initial(product))
    template = "web/catalog_admin/product_form.html"
    context = {"seller": seller, "form": form, "product": product}
    if request.method != "POST":
        return render(request, template, context)
    if form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, **form.values())
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Product %(sku)s saved.") % {"sku": form.values()["sku"]})
            return redirect("web:catalog_product_edit", product_id=product.pk)
    return invalid(request, template, context)


class RemoveForm(RuleForm):
    rule = "C1"
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@page(CATALOG)
def product_remove(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    """Take a product off sale with a reason, recorded in the audit log (C1, P8)."""
    seller = seller_of(membership)
    product = seller_product(seller, product_id)
    form = RemoveForm(_posted(request))
    template = "web/catalog_admin/product_remove.html"
    context = {"seller": seller, "form": form, "product": product}
    if request.method != "POST":
        return render(request, template, context)
    if form.is_valid():
        try:
            services.product_withdraw(
                actor=request.user, product=product, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Product %(sku)s withdrawn from sale.") % {"sku": product.sku}
            )
            return redirect("web:catalog_products")
    return invalid(request, template, context)


# --- stock -------------------------------------------------------------------------------------


def _stock_context(
    request: HttpRequest, seller: Organization, errors: dict[int, str] | None = None
) -> dict[str, Any]:
    search = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    found = paginate(request, seller_products(seller, search))
    return {
        "seller": seller,
        "page": found,
        "q": search,
        "errors": errors or {},
        "query": urlencode({"q": search}) if search else "",
    }


@page(CATALOG)
def stock(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Quantities on hand, reserved by orders not yet shipped (O13), and available."""
    return render(
        request, "web/catalog_admin/stock.html", _stock_context(request, seller_of(membership))
    )


@require_POST
@page(CATALOG)
def stock_set(request: HttpRequest, membership: Membership, product_id: int) -> HttpResponse:
    """Record an inventory count; it may not drop below what orders hold."""
    seller = seller_of(membership)
    product = seller_product(seller, product_id)
    errors: dict[int, str] = {}
    try:
        on_hand = int(request.POST.get("on_hand", "").strip())
    except ValueError:
        errors[product.pk] = _("Enter a whole number (%(rule)s).") % {"rule": "C1"}
    else:
        try:
            services.stock_set(actor=request.user, product=product, on_hand=on_hand)
        except DomainError as error:
            errors[product.pk] = error_text(error)
    if request.headers.get("HX-Request"):
        product = seller_product(seller, product.pk)
        return render(
            request,
            "web/catalog_admin/_stock_row.html",
            {"product": product, "errors": errors, "saved": not errors},
        )
    if errors:
        return invalid(
            request, "web/catalog_admin/stock.html", _stock_context(request, seller, errors)
        )
    messages.success(request, _("Stock of %(sku)s saved.") % {"sku": product.sku})
    back = {k: request.POST.get(k, "").strip()[:100] for k in ("q", "page")}
    back = {k: v for k, v in back.items() if v}
    return redirect(reverse("web:catalog_stock") + (f"?{urlencode(back)}" if back else ""))


# --- brands and approvals (C2) -----------------------------------------------------------------


class BrandForm(RuleForm):
    rule = "C2"
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    selective = forms.BooleanField(
        label=gettext_lazy("Selective: only approved buyers see and order it"), required=False
    )


class ApprovalForm(RuleForm):
    rule = "C2"
    buyer = forms.CharField(
        label=gettext_lazy("Buyer's customer number or SIREN"), required=False, max_length=20
    )
    point_of_sale = forms.CharField(
        label=gettext_lazy("Point of sale (empty: every point of sale)"),
        required=False,
        max_length=200,
    )


def _brands_context(seller: Organization, form: BrandForm | None = None) -> dict[str, Any]:
    brands = (
        catalog.visible_brands(seller, seller)
        .select_related(None)
        .annotate(
            product_count=Count("products", distinct=True),
            approval_count=Count(
                "approvals", filter=Q(approvals__revoked_at__isnull=True), distinct=True
            ),
        )
    )
    return {"seller": seller, "brands": brands, "form": form or BrandForm()}


@page(CATALOG)
def brands(request: HttpRequest, membership: Membership) -> HttpResponse:
    return render(request, "web/catalog_admin/brands.html", _brands_context(seller_of(membership)))


@require_POST
@page(CATALOG)
def brand_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = seller_of(membership)
    form = BrandForm(request.POST)
    if form.is_valid():
        try:
            brand = services.brand_create(
                actor=request.user,
                seller=seller,
                name=form.cleaned_data["name"],
                selective=form.cleaned_data["selective"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Brand %(name)s created.") % {"name": brand.name})
            return redirect("web:catalog_brands")
    return invalid(request, "web/catalog_admin/brands.html", _brands_context(seller, form))


def _brand(seller: Organization, brand_id: int) -> Brand:
    brand = catalog.visible_brands(seller, seller).filter(pk=brand_id).first()
    if brand is None:
        raise Http404("Brand")
    return brand


@require_POST
@page(CATALOG)
def brand_selective(request: HttpRequest, membership: Membership, brand_id: int) -> HttpResponse:
    """Mark a brand selective or open it again (C2)."""
    brand = _brand(seller_of(membership), brand_id)
    selective = request.POST.get("selective") == "1"
    services.brand_set_selective(actor=request.user, brand=brand, selective=selective)
    if selective:
        messages.success(request, _("%(name)s is now selective (C2).") % {"name": brand.name})
    else:
        messages.success(request, _("%(name)s is open to every buyer.") % {"name": brand.name})
    return redirect("web:catalog_brands")


def _brand_context(
    seller: Organization, brand: Brand, form: ApprovalForm | None = None
) -> dict[str, Any]:
    approvals = (
        BrandApproval.objects.filter(brand=brand)
        .select_related("buyer")
        .order_by("revoked_at", "buyer__legal_name", "point_of_sale", "pk")
    )
    return {
        "seller": seller,
        "brand": brand,
        "approvals": approvals,
        "form": form or ApprovalForm(),
        "known_buyers": known_buyers(seller)[:500],
    }


@page(CATALOG)
def brand_detail(request: HttpRequest, membership: Membership, brand_id: int) -> HttpResponse:
    """The buyers approved for a brand, per point of sale (C2)."""
    seller = seller_of(membership)
    return render(
        request,
        "web/catalog_admin/brand_detail.html",
        _brand_context(seller, _brand(seller, brand_id)),
    )


@require_POST
@page(CATALOG)
def brand_approve(request: HttpRequest, membership: Membership, brand_id: int) -> HttpResponse:
    seller = seller_of(membership)
    brand = _brand(seller, brand_id)
    form = ApprovalForm(request.POST)
    if form.is_valid():
        try:
            buyer = buyer_lookup(form.cleaned_data["buyer"], "C2")
            services.brand_approve(
                actor=request.user,
                brand=brand,
                buyer=buyer,
                point_of_sale=form.cleaned_data["point_of_sale"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(buyer)s approved for %(brand)s.")
                % {"buyer": buyer.display_name, "brand": brand.name},
            )
            return redirect("web:catalog_brand", brand_id=brand.pk)
    return invalid(
        request, "web/catalog_admin/brand_detail.html", _brand_context(seller, brand, form)
    )


@require_POST
@page(CATALOG)
def brand_revoke(
    request: HttpRequest, membership: Membership, brand_id: int, approval_id: int
) -> HttpResponse:
    brand = _brand(seller_of(membership), brand_id)
    approval = BrandApproval.objects.filter(brand=brand, pk=approval_id).first()
    if approval is None:
        raise Http404("Approval")
    services.brand_approval_revoke(actor=request.user, approval=approval)
    messages.success(request, _("Approval revoked (C2)."))
    return redirect("web:catalog_brand", brand_id=brand.pk)
