"""Tariffs (C3), tiers and promotions (C4), customer conditions (C5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.catalog.models import (
    Brand,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    Tariff,
    TariffPrice,
)
from comptoir.core.errors import DomainError
from comptoir.parties.models import Organization

if TYPE_CHECKING:
    from comptoir.parties.models import User

from comptoir.catalog.services._common import _audit, _decimal, _percent, _require_seller_member

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
        raise DomainError("required", "Nom du tarif obligatoire.", "name", "C3")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            "invalid_dates", "La fin précède le début. / End before start.", "valid_to", "C3"
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
                raise DomainError("invalid_product", "Produit d'un autre vendeur.", "prices", "C3")
            amount = _decimal(price, "prices", "C3")
            if amount < 0:
                raise DomainError("negative_price", "Prix négatif.", "prices", "C3")
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
        raise DomainError("invalid_product", "Produit d'un autre vendeur.", "product", "C3")
    amount = _decimal(unit_price, "unit_price", "C3")
    if amount < 0:
        raise DomainError("negative_price", "Prix négatif.", "unit_price", "C3")
    price, _ = TariffPrice.objects.update_or_create(
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
        raise DomainError("negative_threshold", "Seuil négatif.", "threshold", "C4")
    percent = _percent(discount_percent, "discount_percent", "C4")
    tier, _ = PriceTier.objects.update_or_create(
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
    if not name.strip():
        raise DomainError("required", "Nom obligatoire.", "name", "C4")
    value = _percent(percent, "percent", "C4")
    if value == 0:
        raise DomainError("invalid_percent", "Remise nulle.", "percent", "C4")
    if valid_to < valid_from:
        raise DomainError("invalid_dates", "La fin précède le début.", "valid_to", "C4")
    if product is not None and brand is not None:
        raise DomainError("one_scope", "Produit ou marque, pas les deux.", "brand", "C4")
    for obj, field in ((product, "product"), (brand, "brand")):
        if obj is not None and obj.seller_id != seller.pk:
            raise DomainError("invalid_scope", "Objet d'un autre vendeur.", field, "C4")
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
        raise DomainError("not_a_buyer", "Cette organisation n'est pas acheteuse.", "buyer", "C5")
    percent = _percent(discount_percent, "discount_percent", "C5")
    if valid_to is not None and valid_to < valid_from:
        raise DomainError("invalid_dates", "La fin précède le début.", "valid_to", "C5")
    condition, _ = CustomerCondition.objects.update_or_create(
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
