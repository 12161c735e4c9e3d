"""Tariffs (C3), tiers and promotions (C4), customer conditions (C5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from comptoir.catalog.models import (
    Brand,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    Tariff,
    TariffPrice,
)
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.numbers import fits_column
from comptoir.parties.models import Organization

if TYPE_CHECKING:
    from comptoir.parties.models import User

from comptoir.catalog.services._common import _audit, _decimal, _percent, _require_seller_member

_Row = TypeVar("_Row", bound=models.Model)

# --- tariffs (C3) ------------------------------------------------------------------------------


@transaction.atomic
def tariff_create(
    *,
    actor: User | None,
    seller: Organization,
    name: str,
    valid_from: date,
    valid_to: date | None = None,
    prices: dict[int, Decimal] | None = None,
) -> Tariff:
    """A price list in force from `valid_from` (to `valid_to` inclusive); `prices` maps product ids
    to unit prices (excl. VAT unless the product is priced incl. VAT)."""
    _require_seller_member(actor, seller)
    if not name.strip():
        raise DomainError("required", _("The tariff name is required."), "name", "C3")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "invalid_dates", _("The end date is before the start date."), "valid_to", "C3"
        )
    tariff = Tariff.objects.create(
        seller=seller, name=name.strip(), valid_from=valid_from, valid_to=valid_to
    )
    if prices:
        own = set(
            Product.objects.filter(seller=seller, pk__in=list(prices)).values_list("pk", flat=True)
        )
        rows = []
        for product_id, price in prices.items():
            if product_id not in own:
                raise DomainError(
                    "invalid_product", _("This product belongs to another seller."), "prices", "C3"
                )
            amount = _decimal(price, "prices", "C3")
            if amount < 0:
                raise DomainError(
                    "negative_price", _("A price cannot be negative."), "prices", "C3"
                )
            rows.append(TariffPrice(tariff=tariff, product_id=product_id, unit_price=amount))
        TariffPrice.objects.bulk_create(rows)
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="tariff.create",
        obj_type="catalog.Tariff",
        obj_id=tariff.pk,
        data={
            "name": tariff.name,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "prices": len(prices or {}),
        },
    )
    return tariff


@transaction.atomic
def tariff_price_set(
    *, actor: User | None, tariff: Tariff, product: Product, unit_price: Decimal
) -> TariffPrice:
    tariff = Tariff.objects.select_related("seller").get(pk=tariff.pk)
    _require_seller_member(actor, tariff.seller)
    if product.seller_id != tariff.seller_id:
        raise DomainError(
            "invalid_product", _("This product belongs to another seller."), "product", "C3"
        )
    amount = _decimal(unit_price, "unit_price", "C3")
    if amount < 0:
        raise DomainError("negative_price", _("A price cannot be negative."), "unit_price", "C3")
    fits_column(amount, TariffPrice._meta.get_field("unit_price"), field="unit_price", rule="C3")
    price, _created = TariffPrice.objects.update_or_create(
        tariff=tariff, product=product, defaults={"unit_price": amount}
    )
    _audit(
        actor=actor,
        organization_id=tariff.seller_id,
        action="tariff.price_set",
        obj_type="catalog.TariffPrice",
        obj_id=price.pk,
        data={"tariff_id": tariff.pk, "product_id": product.pk, "unit_price": amount},
    )
    return price


# --- tiers, promotions (C4), customer conditions (C5) ------------------------------------------


@transaction.atomic
def price_tier_set(
    *,
    actor: User | None,
    seller: Organization,
    threshold: Decimal,
    discount_percent: Decimal,
    profile: str = "standard",
) -> PriceTier:
    _require_seller_member(actor, seller)
    amount = _decimal(threshold, "threshold", "C4")
    if amount < 0:
        raise DomainError(
            "negative_threshold", _("The threshold cannot be negative."), "threshold", "C4"
        )
    fits_column(amount, PriceTier._meta.get_field("threshold"), field="threshold", rule="C4")
    percent = _percent(discount_percent, "discount_percent", "C4")
    tier, _created = PriceTier.objects.update_or_create(
        seller=seller,
        profile=profile.strip() or "standard",
        threshold=amount,
        defaults={"discount_percent": percent},
    )
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="price_tier.set",
        obj_type="catalog.PriceTier",
        obj_id=tier.pk,
        data={"profile": tier.profile, "threshold": amount, "discount_percent": percent},
    )
    return tier


def _check_promotion(
    *,
    seller: Organization,
    name: str,
    percent: Decimal,
    valid_from: date,
    valid_to: date,
    product: Product | None,
    brand: Brand | None,
) -> Decimal:
    """The checks of a promotion (C4); returns its percent."""
    if not name.strip():
        raise DomainError("required", _("The name is required."), "name", "C4")
    value = _percent(percent, "percent", "C4")
    if value == 0:
        raise DomainError("invalid_percent", _("The discount cannot be zero."), "percent", "C4")
    if valid_to < valid_from:
        raise DomainError(
            "invalid_dates", _("The end date is before the start date."), "valid_to", "C4"
        )
    if product is not None and brand is not None:
        raise DomainError("one_scope", _("A product or a brand, not both."), "brand", "C4")
    if product is not None and product.seller_id != seller.pk:
        raise DomainError(
            "invalid_scope", _("This product belongs to another seller."), "product", "C4"
        )
    if brand is not None and brand.seller_id != seller.pk:
        raise DomainError(
            "invalid_scope", _("This brand belongs to another seller."), "brand", "C4"
        )
    return value


@transaction.atomic
def promotion_create(
    *,
    actor: User | None,
    seller: Organization,
    name: str,
    percent: Decimal,
    valid_from: date,
    valid_to: date,
    product: Product | None = None,
    brand: Brand | None = None,
    stacks_with_tier: bool = False,
) -> Promotion:
    _require_seller_member(actor, seller)
    value = _check_promotion(
        seller=seller,
        name=name,
        percent=percent,
        valid_from=valid_from,
        valid_to=valid_to,
        product=product,
        brand=brand,
    )
    promotion = Promotion.objects.create(
        seller=seller,
        name=name.strip(),
        percent=value,
        valid_from=valid_from,
        valid_to=valid_to,
        product=product,
        brand=brand,
        stacks_with_tier=stacks_with_tier,
    )
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="promotion.create",
        obj_type="catalog.Promotion",
        obj_id=promotion.pk,
        data={"name": promotion.name, "percent": value, "stacks_with_tier": stacks_with_tier},
    )
    return promotion


@transaction.atomic
def customer_condition_set(
    *,
    actor: User | None,
    seller: Organization,
    buyer: Organization,
    discount_percent: Decimal,
    valid_from: date,
    valid_to: date | None = None,
    pricing_profile: str = "standard",
    note: str = "",
) -> CustomerCondition:
    """Grant a buyer its own conditions (C5): a discount on the tariff and a pricing profile."""
    _require_seller_member(actor, seller)
    if not buyer.is_buyer:
        raise DomainError("not_a_buyer", _("This organization is not a buyer."), "buyer", "C5")
    percent = _percent(discount_percent, "discount_percent", "C5")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "invalid_dates", _("The end date is before the start date."), "valid_to", "C5"
        )
    condition, _created = CustomerCondition.objects.update_or_create(
        seller=seller,
        buyer=buyer,
        defaults={
            "discount_percent": percent,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "pricing_profile": pricing_profile.strip() or "standard",
            "note": note.strip(),
        },
    )
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="customer_condition.set",
        obj_type="catalog.CustomerCondition",
        obj_id=condition.pk,
        data={"buyer_id": buyer.pk, "discount_percent": percent, "profile": pricing_profile},
    )
    return condition


# --- edit and delete (C3, C4, C5) --------------------------------------------------------------
# Orders keep their own copy of the quote (prices, discounts, promotions applied), so changing or
# deleting a row below changes the prices of carts and future orders only.


def _locked(model: type[_Row], pk: int, what: str) -> _Row:
    """The row locked for the change, with its seller; a missing one is `NotFound` (`what`: the
    translated noun naming the row)."""
    manager = model._default_manager
    row = manager.select_for_update().select_related("seller").filter(pk=pk).first()
    if row is None:
        raise NotFound(what)
    return row


@transaction.atomic
def tariff_price_delete(*, actor: User | None, tariff: Tariff, product: Product) -> None:
    """Take a product out of a tariff: it is not sold under this tariff any more (C3)."""
    tariff = _locked(Tariff, tariff.pk, _("Tariff"))
    _require_seller_member(actor, tariff.seller)
    price = TariffPrice.objects.select_for_update().filter(tariff=tariff, product=product).first()
    if price is None:
        raise NotFound(_("Tariff price"))
    before = price.unit_price
    price_id = price.pk
    price.delete()
    _audit(
        actor=actor,
        organization_id=tariff.seller_id,
        action="tariff.price_delete",
        obj_type="catalog.TariffPrice",
        obj_id=price_id,
        data={"tariff_id": tariff.pk, "product_id": product.pk, "unit_price": before},
    )


@transaction.atomic
def price_tier_update(
    *,
    actor: User | None,
    tier: PriceTier,
    threshold: Decimal,
    discount_percent: Decimal,
    profile: str = "standard",
) -> PriceTier:
    """Change a tier's profile, threshold or discount (C4); two tiers of a profile may not share
    a threshold."""
    tier = _locked(PriceTier, tier.pk, _("Price tier"))
    _require_seller_member(actor, tier.seller)
    amount = _decimal(threshold, "threshold", "C4")
    if amount < 0:
        raise DomainError(
            "negative_threshold", _("The threshold cannot be negative."), "threshold", "C4"
        )
    fits_column(amount, PriceTier._meta.get_field("threshold"), field="threshold", rule="C4")
    percent = _percent(discount_percent, "discount_percent", "C4")
    name = profile.strip() or "standard"
    clash = PriceTier.objects.filter(seller_id=tier.seller_id, profile=name, threshold=amount)
    if clash.exclude(pk=tier.pk).exists():
        raise DomainError(
            "tier_exists",
            _("This profile already has a tier there."),
            "threshold",
            "C4",
        )
    before = _tier_fields(tier)
    tier.profile, tier.threshold, tier.discount_percent = name, amount, percent
    _save(actor, tier, "price_tier.update", before, _tier_fields(tier))
    return tier


def _tier_fields(tier: PriceTier) -> dict[str, object]:
    return {
        "profile": tier.profile,
        "threshold": tier.threshold,
        "discount_percent": tier.discount_percent,
    }


def _save(
    actor: User | None, row: Any, action: str, before: dict[str, object], after: dict[str, object]
) -> None:
    """Save a changed row of the catalog, audited with what it held before and after."""
    row.save()
    _audit(
        actor=actor,
        organization_id=row.seller_id,
        action=action,
        obj_type=f"catalog.{type(row).__name__}",
        obj_id=row.pk,
        data={"before": before, "after": after},
    )


def _delete(actor: User | None, row: Any, action: str, fields: dict[str, object]) -> None:
    """Delete a locked row of the catalog after the seller check, audited with what it held."""
    _require_seller_member(actor, row.seller)
    row_id = row.pk
    row.delete()
    _audit(
        actor=actor,
        organization_id=row.seller_id,
        action=action,
        obj_type=f"catalog.{type(row).__name__}",
        obj_id=row_id,
        data=fields,
    )


@transaction.atomic
def price_tier_delete(*, actor: User | None, tier: PriceTier) -> None:
    tier = _locked(PriceTier, tier.pk, _("Price tier"))
    _delete(actor, tier, "price_tier.delete", _tier_fields(tier))


def _promotion_fields(promotion: Promotion) -> dict[str, object]:
    return {
        "name": promotion.name,
        "percent": promotion.percent,
        "valid_from": promotion.valid_from,
        "valid_to": promotion.valid_to,
        "product_id": promotion.product_id,
        "brand_id": promotion.brand_id,
        "stacks_with_tier": promotion.stacks_with_tier,
    }


@transaction.atomic
def promotion_update(
    *,
    actor: User | None,
    promotion: Promotion,
    name: str,
    percent: Decimal,
    valid_from: date,
    valid_to: date,
    product: Product | None = None,
    brand: Brand | None = None,
    stacks_with_tier: bool = False,
) -> Promotion:
    """Change a promotion (C4), under the same checks as its creation."""
    promotion = _locked(Promotion, promotion.pk, _("Promotion"))
    _require_seller_member(actor, promotion.seller)
    value = _check_promotion(
        seller=promotion.seller,
        name=name,
        percent=percent,
        valid_from=valid_from,
        valid_to=valid_to,
        product=product,
        brand=brand,
    )
    before = _promotion_fields(promotion)
    promotion.name = name.strip()
    promotion.percent = value
    promotion.valid_from, promotion.valid_to = valid_from, valid_to
    promotion.product, promotion.brand = product, brand
    promotion.stacks_with_tier = stacks_with_tier
    _save(actor, promotion, "promotion.update", before, _promotion_fields(promotion))
    return promotion


@transaction.atomic
def promotion_delete(*, actor: User | None, promotion: Promotion) -> None:
    promotion = _locked(Promotion, promotion.pk, _("Promotion"))
    _delete(actor, promotion, "promotion.delete", _promotion_fields(promotion))


def _condition_fields(condition: CustomerCondition) -> dict[str, object]:
    return {
        "buyer_id": condition.buyer_id,
        "discount_percent": condition.discount_percent,
        "valid_from": condition.valid_from,
        "valid_to": condition.valid_to,
        "pricing_profile": condition.pricing_profile,
        "note": condition.note,
    }


@transaction.atomic
def customer_condition_update(
    *,
    actor: User | None,
    condition: CustomerCondition,
    discount_percent: Decimal,
    valid_from: date,
    valid_to: date | None = None,
    pricing_profile: str = "standard",
    note: str = "",
) -> CustomerCondition:
    """Change a buyer's conditions (C5); the buyer stays the same."""
    condition = _locked(CustomerCondition, condition.pk, _("Customer condition"))
    _require_seller_member(actor, condition.seller)
    percent = _percent(discount_percent, "discount_percent", "C5")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "invalid_dates", _("The end date is before the start date."), "valid_to", "C5"
        )
    before = _condition_fields(condition)
    condition.discount_percent = percent
    condition.valid_from, condition.valid_to = valid_from, valid_to
    condition.pricing_profile = pricing_profile.strip() or "standard"
    condition.note = note.strip()
    _save(actor, condition, "customer_condition.update", before, _condition_fields(condition))
    return condition


@transaction.atomic
def customer_condition_delete(*, actor: User | None, condition: CustomerCondition) -> None:
    """End a buyer's own conditions: the general tariff and the standard tiers apply (C5)."""
    condition = _locked(CustomerCondition, condition.pk, _("Customer condition"))
    _delete(actor, condition, "customer_condition.delete", _condition_fields(condition))
