"""The seller's prices in the catalog back office: tariffs with effective dates and their prices
(C3), net-price tiers and promotions (C4), customer conditions (C5) and vouchers (O15).

These pages need "see product information" and "see prices" (P4); a buyer's organization has none
(404). As in `catalog_admin`, forms only parse, the services decide, and refusals show beside
their field with the rule, answered with a 400."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.catalog import queries as catalog
from comptoir.catalog import rules, services
from comptoir.catalog.models import (
    Brand,
    CustomerCondition,
    PriceTier,
    Promotion,
    Tariff,
    TariffPrice,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering import services as ordering
from comptoir.ordering.models import Voucher
from comptoir.parties.models import Membership, Organization
from comptoir.terms.queries import terms_document, terms_in_force
from comptoir.web.catalog_admin import (
    CATALOG,
    RuleForm,
    buyer_lookup,
    date_field,
    decimal_field,
    error_text,
    form_error,
    invalid,
    known_buyers,
    number,
    paginate,
    require_prices,
    seller_of,
    seller_products,
)
from comptoir.web.ordering import page


def _pricing_seller(membership: Membership) -> Organization:
    seller = seller_of(membership)
    require_prices(membership)
    return seller


def _period(valid_from: Any, valid_to: Any, today: Any) -> str:
    if valid_from > today:
        return "upcoming"
    if valid_to is not None and valid_to < today:
        return "ended"
    return "in_force"


# --- tariffs (C3) ------------------------------------------------------------------------------


class TariffForm(RuleForm):
    rule = "C3"
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    valid_from = date_field(gettext_lazy("In force from"))
    valid_to = date_field(gettext_lazy("Until (inclusive; empty: open-ended)"), required=False)


def _tariffs_context(seller: Organization, form: TariffForm | None = None) -> dict[str, Any]:
    today = clock.today()
    tariffs = list(
        Tariff.objects.filter(seller=seller)
        .annotate(price_count=Count("prices"))
        .order_by("-valid_from", "-pk")
    )
    for tariff in tariffs:
        tariff.period = _period(tariff.valid_from, tariff.valid_to, today)  # type: ignore[attr-defined]
    return {"seller": seller, "tariffs": tariffs, "form": form or TariffForm(), "today": today}


@page(CATALOG)
def tariffs(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The seller's price lists with their effective dates (C3)."""
    seller = _pricing_seller(membership)
    return render(request, "web/catalog_admin/tariffs.html", _tariffs_context(seller))


@require_POST
@page(CATALOG)
def tariff_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _pricing_seller(membership)
    form = TariffForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tariff = services.tariff_create(
                actor=request.user,
                seller=seller,
                name=data["name"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Tariff %(name)s created.") % {"name": tariff.name})
            return redirect("web:catalog_tariff", tariff_id=tariff.pk)
    return invalid(request, "web/catalog_admin/tariffs.html", _tariffs_context(seller, form))


def _tariff(seller: Organization, tariff_id: int) -> Tariff:
    tariff = Tariff.objects.filter(seller=seller, pk=tariff_id).first()
    if tariff is None:
        raise Http404("Tariff")
    return tariff


def _tariff_context(
    request: HttpRequest,
    seller: Organization,
    tariff: Tariff,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
) -> dict[str, Any]:
    search = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    found = paginate(request, seller_products(seller, search))
    items = list(found.object_list)
    prices = dict(
        TariffPrice.objects.filter(tariff=tariff, product_id__in=[p.pk for p in items]).values_list(
            "product_id", "unit_price"
        )
    )
    rows = [
        {
            "product": p,
            "price": prices.get(p.pk),
            "error": (errors or {}).get(p.pk),
            "typed": (typed or {}).get(p.pk),
        }
        for p in items
    ]
    return {
        "seller": seller,
        "tariff": tariff,
        "period": _period(tariff.valid_from, tariff.valid_to, clock.today()),
        "page": found,
        "rows": rows,
        "q": search,
        "query": urlencode({"q": search}) if search else "",
    }


@page(CATALOG)
def tariff_detail(request: HttpRequest, membership: Membership, tariff_id: int) -> HttpResponse:
    """The unit price of each product in one tariff (C3)."""
    seller = _pricing_seller(membership)
    tariff = _tariff(seller, tariff_id)
    return render(
        request, "web/catalog_admin/tariff_detail.html", _tariff_context(request, seller, tariff)
    )


@require_POST
@page(CATALOG)
def tariff_price(
    request: HttpRequest, membership: Membership, tariff_id: int, product_id: int
) -> HttpResponse:
    """Set one product's unit price in a tariff (excl. VAT unless the product is priced incl.)."""
    seller = _pricing_seller(membership)
    tariff = _tariff(seller, tariff_id)
    product = catalog.product_for(seller, seller, product_id)
    typed = number(request.POST.get("unit_price"))
    try:
        services.tariff_price_set(
            actor=request.user,
            tariff=tariff,
            product=product,
            unit_price=typed,  # type: ignore[arg-type]
        )
    except DomainError as error:
        context = _tariff_context(
            request, seller, tariff, {product.pk: error_text(error)}, {product.pk: typed}
        )
        return invalid(request, "web/catalog_admin/tariff_detail.html", context)
    messages.success(request, _("Price of %(sku)s saved.") % {"sku": product.sku})
    return redirect("web:catalog_tariff", tariff_id=tariff.pk)


# --- tiers and promotions (C4) -----------------------------------------------------------------


class TierForm(RuleForm):
    rule = "C4"
    profile = forms.CharField(
        label=gettext_lazy("Pricing profile"), required=False, max_length=50, initial="standard"
    )
    threshold = decimal_field(gettext_lazy("Order total from, excl. VAT (€)"))
    discount_percent = decimal_field(gettext_lazy("Discount (%)"))


def _tiers_context(seller: Organization, form: TierForm | None = None) -> dict[str, Any]:
    tiers = PriceTier.objects.filter(seller=seller).order_by("profile", "threshold")
    return {"seller": seller, "tiers": tiers, "form": form or TierForm()}


@page(CATALOG)
def tiers(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Net-price tiers: the order total selects the discount of the buyer's profile (C4)."""
    seller = _pricing_seller(membership)
    return render(request, "web/catalog_admin/tiers.html", _tiers_context(seller))


@require_POST
@page(CATALOG)
def tier_set(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _pricing_seller(membership)
    form = TierForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.price_tier_set(
                actor=request.user,
                seller=seller,
                profile=data["profile"],
                threshold=number(data["threshold"]),  # type: ignore[arg-type]
                discount_percent=number(data["discount_percent"]),  # type: ignore[arg-type]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Tier saved."))
            return redirect("web:catalog_tiers")
    return invalid(request, "web/catalog_admin/tiers.html", _tiers_context(seller, form))


class PromotionForm(RuleForm):
    rule = "C4"
    name = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=200)
    percent = decimal_field(gettext_lazy("Discount (%)"))
    valid_from = date_field(gettext_lazy("From"))
    valid_to = date_field(gettext_lazy("To (inclusive)"))
    product = forms.CharField(
        label=gettext_lazy("Product reference (SKU)"), required=False, max_length=64
    )
    brand = forms.ModelChoiceField(
        label=gettext_lazy("or brand"), required=False, queryset=Brand.objects.none()
    )
    stacks_with_tier = forms.BooleanField(
        label=gettext_lazy("Adds to the tier discount (otherwise the better one applies)"),
        required=False,
    )

    def __init__(self, *args: Any, seller: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = catalog.visible_brands(seller, seller)  # type: ignore[attr-defined]
        self.fields["brand"].empty_label = _("Every product of the shop")  # type: ignore[attr-defined]


def _promotions_context(seller: Organization, form: PromotionForm | None = None) -> dict[str, Any]:
    today = clock.today()
    promotions = list(
        Promotion.objects.filter(seller=seller)
        .select_related("product", "brand")
        .order_by("-valid_from", "-pk")
    )
    for promotion in promotions:
        promotion.period = _period(promotion.valid_from, promotion.valid_to, today)  # type: ignore[attr-defined]
    return {
        "seller": seller,
        "promotions": promotions,
        "form": form or PromotionForm(seller=seller),
    }


@page(CATALOG)
def promotions(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Time-limited discounts on a product, a brand or the whole shop (C4)."""
    seller = _pricing_seller(membership)
    return render(request, "web/catalog_admin/promotions.html", _promotions_context(seller))


@require_POST
@page(CATALOG)
def promotion_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _pricing_seller(membership)
    form = PromotionForm(request.POST, seller=seller)
    if form.is_valid():
        data = form.cleaned_data
        try:
            product = None
            if data["product"].strip():
                product = seller_products(seller).filter(sku=data["product"].strip()).first()
                if product is None:
                    raise DomainError(
                        "unknown_sku", _("No product with this reference."), "product", "C4"
                    )
            services.promotion_create(
                actor=request.user,
                seller=seller,
                name=data["name"],
                percent=number(data["percent"]),  # type: ignore[arg-type]
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                product=product,
                brand=data["brand"],
                stacks_with_tier=data["stacks_with_tier"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Promotion created."))
            return redirect("web:catalog_promotions")
    return invalid(request, "web/catalog_admin/promotions.html", _promotions_context(seller, form))


# --- customer conditions (C5) ------------------------------------------------------------------


class ConditionForm(RuleForm):
    rule = "C5"
    buyer = forms.CharField(
        label=gettext_lazy("Buyer's customer number or SIREN"), required=False, max_length=20
    )
    discount_percent = decimal_field(gettext_lazy("Discount on the tariff (%)"))
    pricing_profile = forms.CharField(
        label=gettext_lazy("Pricing profile (tiers)"),
        required=False,
        max_length=50,
        initial="standard",
    )
    valid_from = date_field(gettext_lazy("From"))
    valid_to = date_field(gettext_lazy("To (inclusive; empty: open-ended)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note (agreement)"), required=False, max_length=255)


def _conditions_context(seller: Organization, form: ConditionForm | None = None) -> dict[str, Any]:
    today = clock.today()
    conditions = list(
        CustomerCondition.objects.filter(seller=seller)
        .select_related("buyer")
        .order_by("buyer__legal_name", "pk")
    )
    for condition in conditions:
        condition.in_force = rules.in_force(condition.valid_from, condition.valid_to, today)  # type: ignore[attr-defined]
    return {
        "seller": seller,
        "conditions": conditions,
        "form": form or ConditionForm(initial={"valid_from": today}),
        "known_buyers": known_buyers(seller)[:500],
        "profiles": sorted(
            set(PriceTier.objects.filter(seller=seller).values_list("profile", flat=True))
            | {"standard"}
        ),
    }


@page(CATALOG)
def conditions(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Discounts and pricing profiles granted to a buyer by agreement (C5)."""
    seller = _pricing_seller(membership)
    return render(request, "web/catalog_admin/conditions.html", _conditions_context(seller))


@require_POST
@page(CATALOG)
def condition_set(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _pricing_seller(membership)
    form = ConditionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            buyer = buyer_lookup(data["buyer"], "C5")
            services.customer_condition_set(
                actor=request.user,
                seller=seller,
                buyer=buyer,
                discount_percent=number(data["discount_percent"]),  # type: ignore[arg-type]
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                pricing_profile=data["pricing_profile"],
                note=data["note"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Conditions of %(buyer)s saved.") % {"buyer": buyer.display_name}
            )
            return redirect("web:catalog_conditions")
    return invalid(request, "web/catalog_admin/conditions.html", _conditions_context(seller, form))


# --- vouchers (O15) ----------------------------------------------------------------------------


class VoucherForm(RuleForm):
    rule = "O15"
    code = forms.CharField(label=gettext_lazy("Code"), required=False, max_length=40)
    amount = decimal_field(gettext_lazy("Amount, incl. VAT (€)"))
    valid_from = date_field(gettext_lazy("Valid from"))
    valid_to = date_field(gettext_lazy("Valid until (inclusive)"))
    excluded_skus = forms.CharField(
        label=gettext_lazy("Excluded references (SKU), one per line or separated by commas"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _vouchers_accepted(seller: Organization) -> bool | None:
    """Whether the seller's terms in force accept vouchers (None: no terms in force)."""
    version = terms_in_force(seller)
    if version is None:
        return None
    section = terms_document(version).ordering.vouchers
    return section is not None and section.enabled


def _vouchers_context(seller: Organization, form: VoucherForm | None = None) -> dict[str, Any]:
    today = clock.today()
    vouchers = list(
        Voucher.objects.filter(seller=seller)
        .select_related("redeemed_by")
        .order_by("-created_at", "-pk")[:500]
    )
    for voucher in vouchers:
        status = (
            "used"
            if voucher.redeemed_by_id
            else _period(voucher.valid_from, voucher.valid_to, today)
        )
        voucher.status = status  # type: ignore[attr-defined]
    return {
        "seller": seller,
        "vouchers": vouchers,
        "form": form or VoucherForm(initial={"valid_from": today}),
        "accepted": _vouchers_accepted(seller),
    }


@page(CATALOG)
def vouchers(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The shop's promotional vouchers (O15)."""
    seller = _pricing_seller(membership)
    return render(request, "web/catalog_admin/vouchers.html", _vouchers_context(seller))


@require_POST
@page(CATALOG)
def voucher_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    seller = _pricing_seller(membership)
    form = VoucherForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        skus = [s.strip() for s in data["excluded_skus"].replace(",", "\n").splitlines()]
        try:
            voucher = ordering.voucher_create(
                actor=request.user,
                seller=seller,
                code=data["code"],
                amount=number(data["amount"]),
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                excluded_skus=[s for s in skus if s],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Voucher %(code)s created.") % {"code": voucher.code})
            return redirect("web:catalog_vouchers")
    return invalid(request, "web/catalog_admin/vouchers.html", _vouchers_context(seller, form))


@require_POST
@page(CATALOG)
def voucher_deactivate(
    request: HttpRequest, membership: Membership, voucher_id: int
) -> HttpResponse:
    """End a voucher's period yesterday: no order may use it from today (O15)."""
    seller = _pricing_seller(membership)
    voucher = Voucher.objects.filter(seller=seller, pk=voucher_id).first()
    if voucher is None:
        raise Http404("Voucher")
    try:
        ordering.voucher_deactivate(actor=request.user, voucher=voucher)
    except DomainError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Voucher %(code)s deactivated.") % {"code": voucher.code})
    return redirect("web:catalog_vouchers")
