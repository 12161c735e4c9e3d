"""A small shop for page tests: one seller with a selective and an open brand, two buyers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches

from comptoir.catalog.models import Brand, BrandApproval, Product, StockLevel, Tariff, TariffPrice
from comptoir.parties import services
from comptoir.parties.models import Organization, Permission, User
from tests.parties.factories import make_org, make_user

PASSWORD = "x-test-password-1"


@dataclass
class Shop:
    seller: Organization
    approved_buyer: Organization
    other_buyer: Organization
    owner: User  # owner of approved_buyer
    employee_no_prices: User  # employee of approved_buyer without view_prices
    other_owner: User
    open_brand: Brand
    selective_brand: Brand
    open_product: Product
    selective_product: Product


@pytest.fixture(autouse=True)
def _no_rate_limit_counts():
    """Each test starts with no attempt counted on the rate-limited forms (/register/, /track/)."""
    caches["default"].clear()


@pytest.fixture
def shop(db) -> Shop:
    owner = make_user("owner@buyer-a.test")
    other_owner = make_user("owner@buyer-b.test")
    employee = make_user("employee@buyer-a.test")
    seller = make_org(seller=True, name="Maison Test Cosmétiques")
    approved = make_org(buyer=True, name="Salon Approuvé", owner=owner)
    other = make_org(buyer=True, name="Boutique Voisine", owner=other_owner)
    services.membership_add(
        actor=owner,
        organization=approved,
        user=employee,
        permissions=[Permission.VIEW_PRODUCTS, Permission.USE_CART],
    )
    open_brand = Brand.objects.create(seller=seller, name="Hydra Douce", selective=False)
    selective_brand = Brand.objects.create(seller=seller, name="Prestige Or", selective=True)
    BrandApproval.objects.create(brand=selective_brand, buyer=approved)
    tariff = Tariff.objects.create(seller=seller, name="Tarif 2026", valid_from=date(2026, 1, 1))
    products = []
    for i in range(60):
        brand = selective_brand if i == 0 else open_brand
        product = Product.objects.create(
            seller=seller,
            brand=brand,
            sku=f"HD-{i:03d}",
            gtin="",
            title=f"{'Sérum prestige' if i == 0 else 'Crème hydratante'} {i:03d}",
            vat_rate=Decimal("20.00"),
            pack_size=6,
        )
        TariffPrice.objects.create(tariff=tariff, product=product, unit_price=Decimal("12.50"))
        StockLevel.objects.create(product=product, on_hand=10)
        products.append(product)
    return Shop(
        seller=seller,
        approved_buyer=approved,
        other_buyer=other,
        owner=owner,
        employee_no_prices=employee,
        other_owner=other_owner,
        open_brand=open_brand,
        selective_brand=selective_brand,
        open_product=products[1],
        selective_product=products[0],
    )
