"""The operator's back office over the catalog."""

from __future__ import annotations

from django.contrib import admin

from comptoir.catalog.models import (
    Brand,
    BrandApproval,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    StockLevel,
    Tariff,
    TariffPrice,
)


class BrandApprovalInline(admin.TabularInline):
    model = BrandApproval
    extra = 0
    autocomplete_fields = ("buyer",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "seller", "selective", "created_at")
    list_filter = ("selective",)
    search_fields = ("name", "seller__legal_name")
    autocomplete_fields = ("seller",)
    list_select_related = ("seller",)
    inlines = [BrandApprovalInline]


@admin.register(BrandApproval)
class BrandApprovalAdmin(admin.ModelAdmin):
    list_display = ("brand", "buyer", "point_of_sale", "approved_at", "revoked_at")
    list_filter = ("brand__selective", "revoked_at")
    search_fields = ("brand__name", "buyer__legal_name", "point_of_sale")
    autocomplete_fields = ("brand", "buyer")
    list_select_related = ("brand", "buyer")


class StockInline(admin.StackedInline):
    model = StockLevel
    extra = 0
    can_delete = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "sku",
        "title",
        "seller",
        "brand",
        "kind",
        "gtin",
        "vat_rate",
        "pack_size",
        "is_active",
        "removed_at",
    )
    list_filter = ("kind", "is_active", "vat_rate", "members_only_price", "brand__selective")
    search_fields = ("sku", "gtin", "title", "seller__legal_name")
    autocomplete_fields = ("seller", "brand")
    list_select_related = ("seller", "brand")
    readonly_fields = ("created_at",)
    show_full_result_count = False
    inlines = [StockInline]


class TariffPriceInline(admin.TabularInline):
    model = TariffPrice
    extra = 0
    autocomplete_fields = ("product",)


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ("name", "seller", "valid_from", "valid_to")
    list_filter = ("valid_from",)
    search_fields = ("name", "seller__legal_name")
    autocomplete_fields = ("seller",)
    list_select_related = ("seller",)
    inlines = [TariffPriceInline]


@admin.register(TariffPrice)
class TariffPriceAdmin(admin.ModelAdmin):
    list_display = ("tariff", "product", "unit_price")
    search_fields = ("product__sku", "product__title", "tariff__name")
    autocomplete_fields = ("tariff", "product")
    list_select_related = ("tariff", "product")


@admin.register(PriceTier)
class PriceTierAdmin(admin.ModelAdmin):
    list_display = ("seller", "profile", "threshold", "discount_percent")
    list_filter = ("profile",)
    search_fields = ("seller__legal_name", "profile")
    autocomplete_fields = ("seller",)


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "seller",
        "product",
        "brand",
        "percent",
        "valid_from",
        "valid_to",
        "stacks_with_tier",
    )
    list_filter = ("stacks_with_tier", "valid_from")
    search_fields = ("name", "seller__legal_name", "product__title", "brand__name")
    autocomplete_fields = ("seller", "product", "brand")


@admin.register(CustomerCondition)
class CustomerConditionAdmin(admin.ModelAdmin):
    list_display = ("buyer", "seller", "discount_percent", "pricing_profile", "valid_from")
    search_fields = ("buyer__legal_name", "seller__legal_name", "note")
    autocomplete_fields = ("seller", "buyer")
    list_select_related = ("seller", "buyer")


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ("product", "on_hand", "reserved", "updated_at")
    search_fields = ("product__sku", "product__title")
    autocomplete_fields = ("product",)
    list_select_related = ("product",)
