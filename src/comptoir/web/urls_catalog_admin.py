"""Routes of the catalog_admin pages (included in comptoir.web.urls, namespace "web"): the
seller's catalog back office under /seller/catalog/ (the CSV import and export of the catalog
live beside it, in urls_imports)."""

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

from comptoir.web import catalog_admin as views
from comptoir.web import catalog_admin_pricing as pricing

P = "seller/catalog/"


def _edit_delete(
    what: str, key: str, edit: Callable[..., Any], delete: Callable[..., Any]
) -> list[URLPattern]:
    """`…/<what>s/<id>/` edits one row, `…/<what>s/<id>/delete/` deletes it after confirmation."""
    return [
        path(f"{P}{what}s/<int:{key}>/", edit, name=f"catalog_{what}_edit"),
        path(f"{P}{what}s/<int:{key}>/delete/", delete, name=f"catalog_{what}_delete"),
    ]


urlpatterns = [
    path(P, views.products, name="catalog_products"),
    path(f"{P}products/new/", views.product_create, name="catalog_product_create"),
    path(f"{P}products/<int:product_id>/", views.product_edit, name="catalog_product_edit"),
    path(
        f"{P}products/<int:product_id>/remove/",
        views.product_remove,
        name="catalog_product_remove",
    ),
    path(f"{P}stock/", views.stock, name="catalog_stock"),
    path(f"{P}stock/<int:product_id>/", views.stock_set, name="catalog_stock_set"),
    path(f"{P}brands/", views.brands, name="catalog_brands"),
    path(f"{P}brands/new/", views.brand_create, name="catalog_brand_create"),
    path(f"{P}brands/<int:brand_id>/", views.brand_detail, name="catalog_brand"),
    path(
        f"{P}brands/<int:brand_id>/selective/",
        views.brand_selective,
        name="catalog_brand_selective",
    ),
    path(
        f"{P}brands/<int:brand_id>/approvals/",
        views.brand_approve,
        name="catalog_brand_approve",
    ),
    path(
        f"{P}brands/<int:brand_id>/approvals/<int:approval_id>/revoke/",
        views.brand_revoke,
        name="catalog_brand_revoke",
    ),
    path(f"{P}tariffs/", pricing.tariffs, name="catalog_tariffs"),
    path(f"{P}tariffs/new/", pricing.tariff_create, name="catalog_tariff_create"),
    path(f"{P}tariffs/<int:tariff_id>/", pricing.tariff_detail, name="catalog_tariff"),
    path(
        f"{P}tariffs/<int:tariff_id>/prices/<int:product_id>/",
        pricing.tariff_price,
        name="catalog_tariff_price",
    ),
    path(
        f"{P}tariffs/<int:tariff_id>/prices/<int:product_id>/delete/",
        pricing.tariff_price_delete,
        name="catalog_tariff_price_delete",
    ),
    path(f"{P}tiers/", pricing.tiers, name="catalog_tiers"),
    path(f"{P}tiers/set/", pricing.tier_set, name="catalog_tier_set"),
    *_edit_delete("tier", "tier_id", pricing.tier_edit, pricing.tier_delete),
    path(f"{P}promotions/", pricing.promotions, name="catalog_promotions"),
    path(f"{P}promotions/new/", pricing.promotion_create, name="catalog_promotion_create"),
    *_edit_delete("promotion", "promotion_id", pricing.promotion_edit, pricing.promotion_delete),
    path(f"{P}conditions/", pricing.conditions, name="catalog_conditions"),
    path(f"{P}conditions/set/", pricing.condition_set, name="catalog_condition_set"),
    *_edit_delete("condition", "condition_id", pricing.condition_edit, pricing.condition_delete),
    path(f"{P}vouchers/", pricing.vouchers, name="catalog_vouchers"),
    path(f"{P}vouchers/new/", pricing.voucher_create, name="catalog_voucher_create"),
    path(
        f"{P}vouchers/<int:voucher_id>/deactivate/",
        pricing.voucher_deactivate,
        name="catalog_voucher_deactivate",
    ),
]
