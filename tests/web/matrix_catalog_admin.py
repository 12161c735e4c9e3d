"""Authorization matrix entries of the catalog_admin routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The seller's catalog back office: a buyer's organization has none (404), an employee without
"see product information" gets 403 (the pricing pages also need "see prices"), a visitor the
login page. Forms posted empty answer the page again with the errors (400); actions that need no
input redirect (302).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comptoir.catalog.models import BrandApproval, CustomerCondition, PriceTier, Promotion, Tariff
from comptoir.ordering.models import Voucher

SELLER_GET = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
SELLER_INVALID = {**SELLER_GET, "seller": 400}
SELLER_DONE = {**SELLER_GET, "seller": 302}


def _tariff(s) -> int:
    return Tariff.objects.get(seller=s.seller).pk


def _approval(s) -> int:
    return BrandApproval.objects.get(brand=s.selective_brand, buyer=s.approved_buyer).pk


def _voucher(s) -> int:
    voucher, _ = Voucher.objects.get_or_create(
        seller=s.seller,
        code="MATRIX-10",
        defaults={
            "amount": Decimal("10.00"),
            "valid_from": date(2026, 1, 1),
            "valid_to": date(2099, 12, 31),
        },
    )
    return voucher.pk


def _tier(s) -> int:
    tier, _ = PriceTier.objects.get_or_create(
        seller=s.seller,
        profile="matrice-confidentiel",
        threshold=Decimal("1000.00"),
        defaults={"discount_percent": Decimal("3")},
    )
    return tier.pk


def _promotion(s) -> int:
    promotion, _ = Promotion.objects.get_or_create(
        seller=s.seller,
        name="Promo Matrice Confidentielle",
        defaults={
            "percent": Decimal("5"),
            "valid_from": date(2026, 1, 1),
            "valid_to": date(2026, 12, 31),
        },
    )
    return promotion.pk


def _condition(s) -> int:
    condition, _ = CustomerCondition.objects.get_or_create(
        seller=s.seller,
        buyer=s.other_buyer,
        defaults={
            "discount_percent": Decimal("7"),
            "valid_from": date(2026, 1, 1),
            "note": "Accord matrice confidentiel",
        },
    )
    return condition.pk


ROUTES: dict = {
    "web:catalog_products": (lambda s: [], "get", SELLER_GET, "Crème hydratante 001"),
    "web:catalog_product_create": (lambda s: [], "get", SELLER_GET, None),
    "web:catalog_product_edit": (
        lambda s: [s.open_product.pk],
        "get",
        SELLER_GET,
        "Crème hydratante 001",
    ),
    "web:catalog_product_remove": (
        lambda s: [s.open_product.pk],
        "get",
        SELLER_GET,
        "Crème hydratante 001",
    ),
    "web:catalog_stock": (lambda s: [], "get", SELLER_GET, "Crème hydratante 001"),
    "web:catalog_stock_set": (lambda s: [s.open_product.pk], "post", SELLER_INVALID, None),
    "web:catalog_brands": (lambda s: [], "get", SELLER_GET, "Prestige Or"),
    "web:catalog_brand_create": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_brand": (lambda s: [s.selective_brand.pk], "get", SELLER_GET, "Salon Approuvé"),
    "web:catalog_brand_selective": (lambda s: [s.open_brand.pk], "post", SELLER_DONE, None),
    "web:catalog_brand_approve": (
        lambda s: [s.selective_brand.pk],
        "post",
        SELLER_INVALID,
        None,
    ),
    "web:catalog_brand_revoke": (
        lambda s: [s.selective_brand.pk, _approval(s)],
        "post",
        SELLER_DONE,
        None,
    ),
    "web:catalog_tariffs": (lambda s: [], "get", SELLER_GET, "Tarif 2026"),
    "web:catalog_tariff_create": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_tariff": (lambda s: [_tariff(s)], "get", SELLER_GET, "Tarif 2026"),
    "web:catalog_tariff_price": (
        lambda s: [_tariff(s), s.open_product.pk],
        "post",
        SELLER_INVALID,
        None,
    ),
    # removing a product from a tariff: GET asks to confirm, POST removes (C3)
    "web:catalog_tariff_price_delete": (
        lambda s: [_tariff(s), s.open_product.pk],
        "post",
        SELLER_DONE,
        None,
    ),
    "web:catalog_tiers": (lambda s: [], "get", SELLER_GET, None),
    "web:catalog_tier_edit": (lambda s: [_tier(s)], "get", SELLER_GET, "matrice-confidentiel"),
    "web:catalog_tier_delete": (lambda s: [_tier(s)], "post", SELLER_DONE, None),
    "web:catalog_tier_set": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_promotions": (lambda s: [], "get", SELLER_GET, None),
    "web:catalog_promotion_edit": (
        lambda s: [_promotion(s)],
        "get",
        SELLER_GET,
        "Promo Matrice Confidentielle",
    ),
    "web:catalog_promotion_delete": (lambda s: [_promotion(s)], "post", SELLER_DONE, None),
    "web:catalog_promotion_create": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_conditions": (lambda s: [], "get", SELLER_GET, None),
    "web:catalog_condition_edit": (
        lambda s: [_condition(s)],
        "get",
        SELLER_GET,
        "Accord matrice confidentiel",
    ),
    "web:catalog_condition_delete": (lambda s: [_condition(s)], "post", SELLER_DONE, None),
    "web:catalog_condition_set": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_vouchers": (lambda s: [], "get", SELLER_GET, None),
    "web:catalog_voucher_create": (lambda s: [], "post", SELLER_INVALID, None),
    "web:catalog_voucher_deactivate": (lambda s: [_voucher(s)], "post", SELLER_DONE, None),
}
PAYLOADS: dict = {}
