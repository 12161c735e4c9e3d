"""The only code that changes the catalog: products (C1), brands and approvals (C2), tariffs (C3),
tiers and promotions (C4), customer conditions (C5), stock. One transaction each, audited."""

from comptoir.catalog.services.pricing import (
    customer_condition_set,
    price_tier_set,
    promotion_create,
    tariff_create,
    tariff_price_set,
)
from comptoir.catalog.services.products import (
    PRODUCT_FIELDS,
    brand_approval_revoke,
    brand_approve,
    brand_create,
    product_create,
    product_remove,
    product_update,
    stock_set,
)
from comptoir.catalog.services.stock import (
    stock_available,
    stock_issue,
    stock_managed,
    stock_release,
    stock_reserve,
)

__all__ = [
    "PRODUCT_FIELDS",
    "brand_approval_revoke",
    "brand_approve",
    "brand_create",
    "customer_condition_set",
    "price_tier_set",
    "product_create",
    "product_remove",
    "product_update",
    "promotion_create",
    "stock_available",
    "stock_issue",
    "stock_managed",
    "stock_release",
    "stock_reserve",
    "stock_set",
    "tariff_create",
    "tariff_price_set",
]
