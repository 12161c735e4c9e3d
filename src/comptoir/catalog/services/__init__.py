"""The only code that changes the catalog: products (C1), brands and approvals (C2), tariffs (C3),
tiers and promotions (C4), customer conditions (C5), stock. One transaction each, audited."""

from comptoir.catalog.services.importing import (
    CatalogImportRefused,
    ImportReport,
    catalog_export,
    catalog_import,
    catalog_import_start,
)
from comptoir.catalog.services.moderation import (
    product_report,
    report_action_remove,
    report_dismiss,
    report_queue,
)
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
    brand_set_selective,
    product_create,
    product_remove,
    product_update,
    product_withdraw,
    stock_set,
)
from comptoir.catalog.services.stock import (
    stock_available,
    stock_issue,
    stock_managed,
    stock_release,
    stock_return,
    stock_reserve,
)

__all__ = [
    "PRODUCT_FIELDS",
    "CatalogImportRefused",
    "ImportReport",
    "brand_approval_revoke",
    "brand_approve",
    "brand_create",
    "brand_set_selective",
    "catalog_export",
    "catalog_import",
    "catalog_import_start",
    "customer_condition_set",
    "price_tier_set",
    "product_create",
    "product_remove",
    "product_report",
    "product_update",
    "product_withdraw",
    "promotion_create",
    "report_action_remove",
    "report_dismiss",
    "report_queue",
    "stock_available",
    "stock_issue",
    "stock_managed",
    "stock_release",
    "stock_return",
    "stock_reserve",
    "stock_set",
    "tariff_create",
    "tariff_price_set",
]
