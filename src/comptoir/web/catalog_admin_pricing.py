"""The seller's prices in the catalog back office: tariffs with effective dates and their prices
(C3), net-price tiers and promotions (C4), customer conditions (C5) and vouchers (O15); tiers,
promotions and conditions are edited on their own page and deleted after a confirmation page.

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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

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
from comptoir.core.i18n import format_money_active, format_number_active
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
    known_buyers,
    number,
    paginate,
    require_prices,
    seller_of,
    seller_products,
)
from comptoir.web.forms_flow import act, confirm, error_text, invalid, submit
from comptoir.web.ordering import page

EDIT_TEMPLATE = "web/catalog_admin/edit.html"
DELETE_TEMPLATE = "web/catalog_admin/confirm_delete.html"


def _pricing_seller(membership: Membership) -> Organization:
    seller = seller_of(membership)
    require_prices(membership)
    return seller


def _own(model: Any, seller: Organization, pk: int, what: str) -> Any:
    """One of the seller's own rows; another seller's answers 404, like a missing one (P9)."""
    row = model.objects.filter(seller=seller, pk=pk).first()
    if row is None:
        raise Http404(what)
    return row


def _edit(
    request: HttpRequest,
    form: forms.Form,
    call: Any,
    *,
    done: Any,
    back: str,
    delete: str,
    active: str,
    title: str,
) -> HttpResponse:
    """The edit page of one row: its form (bound on POST), a link back, a link to delete it; a
    refused or invalid form comes back with a 400."""

    def page(form: forms.Form) -> HttpResponse:
        context = {"form": form, "active": active, "title": title, "back": back, "delete": delete}
        return render(request, EDIT_TEMPLATE, context, status=400 if form.is_bound else 200)

    return submit(request, form, call, done=done, to=back, page=page)


def _delete(
    request: HttpRequest,
    call: Any,
    *,
    done: str,
    back: str,
    active: str,
    title: str,
    what: str,
) -> HttpResponse:
    """Delete one row after confirmation: GET shows `what` will go, POST calls the service."""
    context = {"active": active, "title": title, "what": what, "back": back}
    return confirm(request, call, done=done, to=back, template=DELETE_TEMPLATE, context=context)


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


def _tariffs_context(seller: Organization, form: forms.Form | None = None) -> dict[str, Any]:
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
    return submit(
        request,
        TariffForm(request.POST),
        lambda data: services.tariff_create(
            actor=request.user,
            seller=seller,
            name=data["name"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        ),
        done=lambda tariff: _("Tariff %(name)s created.") % {"name": tariff.name},
        to=lambda tariff: reverse("web:catalog_tariff", args=[tariff.pk]),
        page=lambda form: invalid(
            request,
            "web/catalog_admin/tariffs.html",
            _tariffs_context(seller, form),
        ),
    )


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


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def tariff_price_delete(
    request: HttpRequest, membership: Membership, tariff_id: int, product_id: int
) -> HttpResponse:
    """Take a product out of a tariff, after confirmation (C3)."""
    seller = _pricing_seller(membership)
    tariff = _tariff(seller, tariff_id)
    product = catalog.product_for(seller, seller, product_id)
    price = TariffPrice.objects.filter(tariff=tariff, product=product).first()
    if price is None:
        raise Http404("Tariff price")
    back = reverse("web:catalog_tariff", args=[tariff.pk])
    what = _("The price of %(sku)s (%(title)s) in the tariff %(tariff)s") % {
        "sku": product.sku,
        "title": product.title,
        "tariff": tariff.name,
    }
    return _delete(
        request,
        lambda: services.tariff_price_delete(actor=request.user, tariff=tariff, product=product),
        done=_("%(sku)s is no longer in the tariff %(tariff)s.")
        % {"sku": product.sku, "tariff": tariff.name},
        back=back,
        active="tariffs",
        title=_("Remove a price"),
        what=what,
    )


# --- tiers and promotions (C4) -----------------------------------------------------------------


class TierForm(RuleForm):
    rule = "C4"
    profile = forms.CharField(
        label=gettext_lazy("Pricing profile"), required=False, max_length=50, initial="standard"
    )
    threshold = decimal_field(gettext_lazy("Order total from, excl. VAT (€)"))
    discount_percent = decimal_field(gettext_lazy("Discount (%)"))


def _tiers_context(seller: Organization, form: forms.Form | None = None) -> dict[str, Any]:
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
    return submit(
        request,
        TierForm(request.POST),
        lambda data: services.price_tier_set(
            actor=request.user,
            seller=seller,
            profile=data["profile"],
            threshold=number(data["threshold"]),  # type: ignore[arg-type]
            discount_percent=number(data["discount_percent"]),  # type: ignore[arg-type]
        ),
        done=_("Tier saved."),
        to="web:catalog_tiers",
        page=lambda form: invalid(
            request,
            "web/catalog_admin/tiers.html",
            _tiers_context(seller, form),
        ),
    )


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def tier_edit(request: HttpRequest, membership: Membership, tier_id: int) -> HttpResponse:
    """Change a tier's profile, threshold or discount (C4)."""
    seller = _pricing_seller(membership)
    tier = _own(PriceTier, seller, tier_id, "Tier")
    initial = {
        "profile": tier.profile,
        "threshold": tier.threshold,
        "discount_percent": tier.discount_percent.normalize(),
    }
    form = TierForm(request.POST if request.method == "POST" else None, initial=initial)
    return _edit(
        request,
        form,
        lambda data: services.price_tier_update(
            actor=request.user,
            tier=tier,
            profile=data["profile"],
            threshold=number(data["threshold"]),  # type: ignore[arg-type]
            discount_percent=number(data["discount_percent"]),  # type: ignore[arg-type]
        ),
        done=_("Tier saved."),
        back=reverse("web:catalog_tiers"),
        delete=reverse("web:catalog_tier_delete", args=[tier.pk]),
        active="tiers",
        title=_("Edit a tier"),
    )


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def tier_delete(request: HttpRequest, membership: Membership, tier_id: int) -> HttpResponse:
    seller = _pricing_seller(membership)
    tier = _own(PriceTier, seller, tier_id, "Tier")
    back = reverse("web:catalog_tiers")
    what = _("The tier of the profile %(profile)s from %(threshold)s (%(percent)s %%)") % {
        "profile": tier.profile,
        "threshold": format_money_active(tier.threshold),
        "percent": format_number_active(tier.discount_percent),
    }
    return _delete(
        request,
        lambda: services.price_tier_delete(actor=request.user, tier=tier),
        done=_("Tier deleted."),
        back=back,
        active="tiers",
        title=_("Delete a tier"),
        what=what,
    )


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


def _promotions_context(seller: Organization, form: forms.Form | None = None) -> dict[str, Any]:
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
    return submit(
        request,
        PromotionForm(request.POST, seller=seller),
        lambda data: services.promotion_create(
            actor=request.user, seller=seller, **_promotion_input(seller, data)
        ),
        done=_("Promotion created."),
        to="web:catalog_promotions",
        page=lambda form: invalid(
            request, "web/catalog_admin/promotions.html", _promotions_context(seller, form)
        ),
    )


def _promotion_input(seller: Organization, data: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments from the form; the SKU names one of the seller's products."""
    product = None
    if data["product"].strip():
        product = seller_products(seller).filter(sku=data["product"].strip()).first()
        if product is None:
            raise DomainError("unknown_sku", _("No product with this reference."), "product", "C4")
    return {
        "name": data["name"],
        "percent": number(data["percent"]),
        "valid_from": data["valid_from"],
        "valid_to": data["valid_to"],
        "product": product,
        "brand": data["brand"],
        "stacks_with_tier": data["stacks_with_tier"],
    }


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def promotion_edit(request: HttpRequest, membership: Membership, promotion_id: int) -> HttpResponse:
    """Change a promotion (C4): its name, discount, period, scope, stacking."""
    seller = _pricing_seller(membership)
    promotion = _own(Promotion, seller, promotion_id, "Promotion")
    initial = {
        "name": promotion.name,
        "percent": promotion.percent.normalize(),
        "valid_from": promotion.valid_from,
        "valid_to": promotion.valid_to,
        "product": promotion.product.sku if promotion.product else "",
        "brand": promotion.brand_id,
        "stacks_with_tier": promotion.stacks_with_tier,
    }
    posted = request.POST if request.method == "POST" else None
    return _edit(
        request,
        PromotionForm(posted, seller=seller, initial=initial),
        lambda data: services.promotion_update(
            actor=request.user, promotion=promotion, **_promotion_input(seller, data)
        ),
        done=_("Promotion saved."),
        back=reverse("web:catalog_promotions"),
        delete=reverse("web:catalog_promotion_delete", args=[promotion.pk]),
        active="promotions",
        title=_("Edit the promotion %(name)s") % {"name": promotion.name},
    )


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def promotion_delete(
    request: HttpRequest, membership: Membership, promotion_id: int
) -> HttpResponse:
    seller = _pricing_seller(membership)
    promotion = _own(Promotion, seller, promotion_id, "Promotion")
    back = reverse("web:catalog_promotions")
    what = _("The promotion %(name)s (%(percent)s %%, %(start)s – %(end)s)") % {
        "name": promotion.name,
        "percent": format_number_active(promotion.percent),
        "start": promotion.valid_from.strftime("%d/%m/%Y"),
        "end": promotion.valid_to.strftime("%d/%m/%Y"),
    }
    return _delete(
        request,
        lambda: services.promotion_delete(actor=request.user, promotion=promotion),
        done=_("Promotion deleted."),
        back=back,
        active="promotions",
        title=_("Delete a promotion"),
        what=what,
    )


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


def _conditions_context(seller: Organization, form: forms.Form | None = None) -> dict[str, Any]:
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
    return submit(
        request,
        ConditionForm(request.POST),
        lambda data: services.customer_condition_set(
            actor=request.user,
            seller=seller,
            buyer=buyer_lookup(data["buyer"], "C5"),
            **_condition_input(data),
        ),
        done=_condition_saved,
        to="web:catalog_conditions",
        page=lambda form: invalid(
            request, "web/catalog_admin/conditions.html", _conditions_context(seller, form)
        ),
    )


def _condition_input(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "discount_percent": number(data["discount_percent"]),
        "valid_from": data["valid_from"],
        "valid_to": data["valid_to"],
        "pricing_profile": data["pricing_profile"],
        "note": data["note"],
    }


def _condition_saved(condition: CustomerCondition) -> str:
    return _("Conditions of %(buyer)s saved.") % {"buyer": condition.buyer.display_name}


class ConditionEditForm(ConditionForm):
    """The conditions of one buyer: the buyer stays the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["buyer"]


def _own_condition(seller: Organization, condition_id: int) -> CustomerCondition:
    condition = (
        CustomerCondition.objects.filter(seller=seller, pk=condition_id)
        .select_related("buyer")
        .first()
    )
    if condition is None:
        raise Http404("Customer condition")
    return condition


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def condition_edit(request: HttpRequest, membership: Membership, condition_id: int) -> HttpResponse:
    """Change a buyer's conditions (C5)."""
    seller = _pricing_seller(membership)
    condition = _own_condition(seller, condition_id)
    initial = {
        "discount_percent": condition.discount_percent.normalize(),
        "pricing_profile": condition.pricing_profile,
        "valid_from": condition.valid_from,
        "valid_to": condition.valid_to,
        "note": condition.note,
    }
    posted = request.POST if request.method == "POST" else None
    return _edit(
        request,
        ConditionEditForm(posted, initial=initial),
        lambda data: services.customer_condition_update(
            actor=request.user, condition=condition, **_condition_input(data)
        ),
        done=_condition_saved,
        back=reverse("web:catalog_conditions"),
        delete=reverse("web:catalog_condition_delete", args=[condition.pk]),
        active="conditions",
        title=_("Conditions of %(buyer)s") % {"buyer": condition.buyer.display_name},
    )


@require_http_methods(["GET", "POST"])
@page(CATALOG)
def condition_delete(
    request: HttpRequest, membership: Membership, condition_id: int
) -> HttpResponse:
    """End a buyer's conditions: the general tariff and standard tiers apply again (C5)."""
    seller = _pricing_seller(membership)
    condition = _own_condition(seller, condition_id)
    back = reverse("web:catalog_conditions")
    what = _("The conditions of %(buyer)s (%(percent)s %%, profile %(profile)s)") % {
        "buyer": condition.buyer.display_name,
        "percent": format_number_active(condition.discount_percent),
        "profile": condition.pricing_profile,
    }
    return _delete(
        request,
        lambda: services.customer_condition_delete(actor=request.user, condition=condition),
        done=_("Conditions of %(buyer)s deleted: the general tariff applies to this buyer.")
        % {"buyer": condition.buyer.display_name},
        back=back,
        active="conditions",
        title=_("Delete customer conditions"),
        what=what,
    )


# --- vouchers (O15) ----------------------------------------------------------------------------


class VoucherForm(RuleForm):
    rule = "O15"
    code = forms.CharField(label=gettext_lazy("Code"), required=False, max_length=40)
    amount = decimal_field(gettext_lazy("Amount, excl. VAT (€)"))
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


def _vouchers_context(seller: Organization, form: forms.Form | None = None) -> dict[str, Any]:
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
    return submit(
        request,
        VoucherForm(request.POST),
        lambda data: ordering.voucher_create(
            actor=request.user,
            seller=seller,
            code=data["code"],
            amount=number(data["amount"]),
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            excluded_skus=_skus(data["excluded_skus"]),
        ),
        done=lambda voucher: _("Voucher %(code)s created.") % {"code": voucher.code},
        to="web:catalog_vouchers",
        page=lambda form: invalid(
            request, "web/catalog_admin/vouchers.html", _vouchers_context(seller, form)
        ),
    )


def _skus(text: str) -> list[str]:
    """References typed one per line or separated by commas."""
    return [sku for sku in (s.strip() for s in text.replace(",", "\n").splitlines()) if sku]


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
    return act(
        request,
        lambda: ordering.voucher_deactivate(actor=request.user, voucher=voucher),
        done=_("Voucher %(code)s deactivated.") % {"code": voucher.code},
        to="web:catalog_vouchers",
    )
