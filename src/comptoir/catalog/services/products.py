"""Products (C1), brands and approvals (C2), stock."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog import rules
from comptoir.catalog.models import (
    VAT_RATES,
    Brand,
    BrandApproval,
    Product,
    ProductKind,
    StockLevel,
    WithdrawalNature,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.numbers import fits_int
from comptoir.parties.models import Organization, OrganizationState
from comptoir.parties.permissions import require_operator

if TYPE_CHECKING:
    from comptoir.parties.models import User

from comptoir.catalog.services._common import _audit, _decimal, _require_seller_member

# --- products (C1) -----------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "sku",
    "gtin",
    "title",
    "description",
    "kind",
    "withdrawal_nature",
    "seats",
    "rental_term_months",
    "vat_rate",
    "pack_size",
    "prices_include_vat",
    "members_only_price",
    "is_active",
    "brand",
)


def _clean_product(seller: Organization, values: dict[str, Any], *, product_id: int | None) -> dict:
    """Validate product fields (C1); every error names its field."""
    out = dict(values)
    sku = str(out.get("sku") or "").strip()
    if not sku:
        raise DomainError("required", _("The reference (SKU) is required."), "sku", "C1")
    clash = Product.objects.filter(seller=seller, sku=sku)
    if product_id is not None:
        clash = clash.exclude(pk=product_id)
    if clash.exists():
        raise DomainError("sku_taken", _("SKU already used: %(sku)s.") % {"sku": sku}, "sku", "C1")
    out["sku"] = sku
    title = str(out.get("title") or "").strip()
    if not title:
        raise DomainError("required", _("The title is required."), "title", "C1")
    out["title"] = title
    gtin = str(out.get("gtin") or "").strip()
    out["gtin"] = rules.validate_gtin(gtin) if gtin else ""
    kind = out.get("kind") or ProductKind.PHYSICAL
    if kind not in ProductKind.values:
        raise DomainError("invalid_kind", _("Unknown product type."), "kind", "C1")
    out["kind"] = kind
    nature = out.get("withdrawal_nature") or ""
    if nature and nature not in WithdrawalNature.values:
        raise DomainError(
            "invalid_withdrawal_nature",
            _("Unknown withdrawal nature (C. conso. L221-28)."),
            "withdrawal_nature",
            "O17",
        )
    out["withdrawal_nature"] = nature
    vat_rate = _decimal(out.get("vat_rate", Decimal("20")), "vat_rate", "C1")
    if vat_rate not in VAT_RATES:
        raise DomainError(
            "invalid_vat_rate",
            _("French VAT rate expected: 20, 10, 5.5, 2.1 or 0."),
            "vat_rate",
            "C1",
        )
    out["vat_rate"] = vat_rate
    pack_size = out.get("pack_size", 1)
    if not isinstance(pack_size, int) or isinstance(pack_size, bool) or pack_size < 1:
        raise DomainError(
            "invalid_pack_size",
            _("Units per case: a whole number, at least 1."),
            "pack_size",
            "C1",
        )
    seats = out.get("seats")
    if seats is not None and (not isinstance(seats, int) or seats < 1):
        raise DomainError("invalid_seats", _("Number of seats: at least 1."), "seats", "C1")
    if kind == ProductKind.SOFTWARE_PURCHASE and seats is None:
        out["seats"] = 1
    term = out.get("rental_term_months")
    if kind == ProductKind.SOFTWARE_RENTAL and (not isinstance(term, int) or term < 1):
        raise DomainError(
            "rental_term_required",
            _("A software rental needs a term in months."),
            "rental_term_months",
            "C1",
        )
    if kind != ProductKind.SOFTWARE_RENTAL:
        out["rental_term_months"] = None
    for name in ("pack_size", "seats", "rental_term_months"):
        if isinstance(out.get(name), int):
            fits_int(out[name], field=name, rule="C1")
    brand = out.get("brand")
    if brand is not None and brand.seller_id != seller.pk:
        raise DomainError(
            "invalid_brand", _("This brand belongs to another seller."), "brand", "C2"
        )
    return out


@transaction.atomic
def product_create(*, actor: User | None, seller: Organization, **fields: Any) -> Product:
    """Create a product; fields as in `PRODUCT_FIELDS` (bad GTIN → field="gtin", rule C1)."""
    _require_seller_member(actor, seller)
    unknown = sorted(set(fields) - set(PRODUCT_FIELDS))
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), unknown[0], "C1")
    values = _clean_product(seller, fields, product_id=None)
    product = Product.objects.create(seller=seller, created_at=clock.now(), **values)
    StockLevel.objects.create(product=product)
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="product.create",
        obj_type="catalog.Product",
        obj_id=product.pk,
        data={"sku": product.sku, "title": product.title, "gtin": product.gtin},
    )
    return product


@transaction.atomic
def product_update(*, actor: User | None, product: Product, **changes: Any) -> Product:
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    _require_seller_member(actor, product.seller)
    unknown = sorted(set(changes) - set(PRODUCT_FIELDS))
    if unknown:
        raise DomainError("unknown_field", _("Unknown field."), unknown[0], "C1")
    if changes.get("is_active") and product.removed_at is not None:
        raise DomainError(
            "product_removed",
            _("Removed by the operator: this product cannot be reactivated."),
            "is_active",
            "P6",
        )
    current = {name: getattr(product, name) for name in PRODUCT_FIELDS}
    values = _clean_product(product.seller, current | changes, product_id=product.pk)
    changed = [name for name in PRODUCT_FIELDS if values[name] != current[name]]
    for name in changed:
        setattr(product, name, values[name])
    if changed:
        product.save(update_fields=changed)
        _audit(
            actor=actor,
            organization_id=product.seller_id,
            action="product.update",
            obj_type="catalog.Product",
            obj_id=product.pk,
            data={
                "before": {n: _brand_id(current[n]) for n in changed},
                "after": {n: _brand_id(values[n]) for n in changed},
            },
        )
    return product


def _brand_id(value: Any) -> Any:
    return value.pk if isinstance(value, Brand) else value


@transaction.atomic
def product_remove(*, actor: User | None, product: Product, reason: str) -> Product:
    """The operator removes a product with a recorded reason (P6, C7)."""
    require_operator(actor)
    if not reason.strip():
        raise DomainError("reason_required", _("Give a reason."), "reason", "P6")
    product = Product.objects.select_for_update().get(pk=product.pk)
    product.removed_at = clock.now()
    product.removal_reason = reason.strip()
    product.is_active = False
    product.save(update_fields=["removed_at", "removal_reason", "is_active"])
    _audit(
        actor=actor,
        organization_id=product.seller_id,
        action="product.remove",
        obj_type="catalog.Product",
        obj_id=product.pk,
        data={"reason": product.removal_reason},
    )
    return product


@transaction.atomic
def product_withdraw(*, actor: User | None, product: Product, reason: str) -> Product:
    """The seller takes its own product off sale with a recorded reason (C1, P8). Unlike an
    operator removal (P6) it can be put back on sale later (product_update is_active=True)."""
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    _require_seller_member(actor, product.seller)
    reason = reason.strip()
    if not reason:
        raise DomainError("reason_required", _("Give a reason."), "reason", "C1")
    product.is_active = False
    product.removal_reason = reason
    product.save(update_fields=["is_active", "removal_reason"])
    _audit(
        actor=actor,
        organization_id=product.seller_id,
        action="product.withdraw",
        obj_type="catalog.Product",
        obj_id=product.pk,
        data={"reason": reason},
    )
    return product


# --- brands (C2) -------------------------------------------------------------------------------


@transaction.atomic
def brand_create(
    *, actor: User | None, seller: Organization, name: str, selective: bool = False
) -> Brand:
    _require_seller_member(actor, seller)
    name = name.strip()
    if not name:
        raise DomainError("required", _("The brand name is required."), "name", "C2")
    if Brand.objects.filter(seller=seller, name__iexact=name).exists():
        raise DomainError("brand_exists", _("This brand already exists."), "name", "C2")
    brand = Brand.objects.create(seller=seller, name=name, selective=selective)
    _audit(
        actor=actor,
        organization_id=seller.pk,
        action="brand.create",
        obj_type="catalog.Brand",
        obj_id=brand.pk,
        data={"name": name, "selective": selective},
    )
    return brand


@transaction.atomic
def brand_set_selective(*, actor: User | None, brand: Brand, selective: bool) -> Brand:
    """Mark a brand selective, or open it again (C2): selective products are then visible and
    orderable only by the buyers approved for the brand."""
    brand = Brand.objects.select_for_update().select_related("seller").get(pk=brand.pk)
    _require_seller_member(actor, brand.seller)
    if brand.selective != selective:
        brand.selective = selective
        brand.save(update_fields=["selective"])
        _audit(
            actor=actor,
            organization_id=brand.seller_id,
            action="brand.selective",
            obj_type="catalog.Brand",
            obj_id=brand.pk,
            data={"selective": selective},
        )
    return brand


@transaction.atomic
def brand_approve(
    *, actor: User | None, brand: Brand, buyer: Organization, point_of_sale: str = ""
) -> BrandApproval:
    """Approve a buyer (per point of sale) for a selective brand (C2): the seller or operator."""
    brand = Brand.objects.select_related("seller").get(pk=brand.pk)
    _require_seller_member(actor, brand.seller)
    if not buyer.is_buyer:
        raise DomainError("not_a_buyer", _("This organization is not a buyer."), "buyer", "C2")
    if buyer.state == OrganizationState.TERMINATED:
        raise DomainError("buyer_terminated", _("This buyer account is terminated."), "buyer", "C2")
    approval, created = BrandApproval.objects.get_or_create(
        brand=brand,
        buyer=buyer,
        point_of_sale=point_of_sale.strip(),
        defaults={"approved_at": clock.now()},
    )
    if not created and approval.revoked_at is not None:
        approval.revoked_at = None
        approval.approved_at = clock.now()
        approval.save(update_fields=["revoked_at", "approved_at"])
        created = True
    if created:
        _audit(
            actor=actor,
            organization_id=brand.seller_id,
            action="brand.approve",
            obj_type="catalog.BrandApproval",
            obj_id=approval.pk,
            data={"brand": brand.name, "buyer_id": buyer.pk, "point_of_sale": point_of_sale},
        )
    return approval


@transaction.atomic
def brand_approval_revoke(*, actor: User | None, approval: BrandApproval) -> BrandApproval:
    approval = BrandApproval.objects.select_related("brand__seller").get(pk=approval.pk)
    _require_seller_member(actor, approval.brand.seller)
    if approval.revoked_at is None:
        approval.revoked_at = clock.now()
        approval.save(update_fields=["revoked_at"])
        _audit(
            actor=actor,
            organization_id=approval.brand.seller_id,
            action="brand.revoke",
            obj_type="catalog.BrandApproval",
            obj_id=approval.pk,
            data={"brand_id": approval.brand_id, "buyer_id": approval.buyer_id},
        )
    return approval


# --- stock -------------------------------------------------------------------------------------


@transaction.atomic
def stock_set(*, actor: User | None, product: Product, on_hand: int) -> StockLevel:
    """Set the quantity on hand (an inventory count); it may not drop below what is reserved."""
    product = Product.objects.select_related("seller").get(pk=product.pk)
    _require_seller_member(actor, product.seller)
    if not isinstance(on_hand, int) or isinstance(on_hand, bool) or on_hand < 0:
        raise DomainError(
            "invalid_quantity", _("Stock on hand: a whole number, 0 or more."), "on_hand", "C1"
        )
    fits_int(on_hand, field="on_hand", rule="C1")
    stock, _created = StockLevel.objects.select_for_update().get_or_create(product=product)
    if on_hand < stock.reserved:
        raise DomainError(
            "below_reserved",
            ngettext(
                "%(n)s unit is reserved by orders: stock cannot be lower.",
                "%(n)s units are reserved by orders: stock cannot be lower.",
                stock.reserved,
            )
            % {"n": stock.reserved},
            "on_hand",
            "C1",
            details={"reserved": stock.reserved},
        )
    before = stock.on_hand
    stock.on_hand = on_hand
    stock.updated_at = clock.now()
    stock.save(update_fields=["on_hand", "updated_at"])
    _audit(
        actor=actor,
        organization_id=product.seller_id,
        action="stock.set",
        obj_type="catalog.StockLevel",
        obj_id=stock.pk,
        data={"product_id": product.pk, "before": before, "after": on_hand},
    )
    return stock
