"""A shop to order from: a seller under one preset, products with prices and stock, a buyer with
an owner who may order. Built through the services, as the platform builds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import Product
from comptoir.catalog.services import product_create, stock_set, tariff_create
from comptoir.core import clock
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Signature, Submission, order_place
from comptoir.parties.models import Address, AddressKind, Organization, User
from comptoir.terms.models import TermsVersion
from comptoir.terms.services import (
    terms_version_create_draft,
    terms_version_create_from_preset,
    terms_version_publish,
)
from tests.parties.factories import make_marketplace_operator, make_org, make_user

PUBLISHED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)


@dataclass
class Shop:
    seller: Organization
    seller_user: User
    version: TermsVersion
    products: dict[str, Product]


def _address(org: Organization, city: str) -> None:
    Address.objects.create(
        organization=org,
        kind=AddressKind.REGISTERED,
        line1="12 rue des Lilas",
        postcode="75011",
        city=city,
    )


def make_shop(
    preset: str,
    products: list[tuple[str, str, int, int | None]],
    *,
    vat: str = "20",
    kind: str = "physical",
    kinds: dict[str, str] | None = None,
    source: str | None = None,
) -> Shop:
    """`products`: (sku, unit price excl. VAT, pack size, stock or None for unmanaged);
    `kinds` gives some SKUs another product kind than `kind`; `source`, terms adapted from the
    preset (its TOML) instead of the preset itself."""
    user = make_user()
    seller = make_org(seller=True, owner=user)
    _address(seller, "Paris")
    if preset == "marketplace":
        make_marketplace_operator()  # it invoices the commission of each payout (I8)
    with clock.frozen(PUBLISHED_AT):
        if source is None:
            draft = terms_version_create_from_preset(seller=seller, preset=preset)
        else:
            draft = terms_version_create_draft(seller=seller, source=source, preset=preset)
        version = terms_version_publish(version=draft)
    made: dict[str, Product] = {}
    for sku, _price, pack, stock in products:
        product = product_create(
            actor=user,
            seller=seller,
            sku=sku,
            title=f"Article {sku}",
            pack_size=pack,
            vat_rate=Decimal(vat),
            kind=(kinds or {}).get(sku, kind),
        )
        made[sku] = product
        if stock is not None:
            stock_set(actor=user, product=product, on_hand=stock)
    tariff_create(
        actor=user,
        seller=seller,
        name="Tarif 2026",
        valid_from=date(2026, 1, 1),
        prices={made[sku].pk: Decimal(price) for sku, price, _, _ in products},
    )
    return Shop(seller, user, version, made)


@dataclass
class Buyer:
    org: Organization
    user: User


def make_buyer(name: str | None = None, *, person: bool = False) -> Buyer:
    """A buyer organization; `person` makes it a natural person (not a company), who may
    order as a consumer (O17)."""
    user = make_user()
    org = make_org(buyer=True, owner=user, name=name, is_company=not person)
    _address(org, "Lyon")
    return Buyer(org, user)


_keys = iter(range(1, 10**9))


def place(shop: Shop, buyer: Buyer, lines: list[tuple[str, int]], *, key: str | None = None, **kw):
    submission = Submission(
        buyer=buyer.org,
        seller=shop.seller,
        lines=tuple(LineRequest(sku, qty) for sku, qty in lines),
        accepted_terms_version=shop.version.version,
        idempotency_key=key or f"key-{next(_keys)}",
        **kw,
    )
    return order_place(
        actor=buyer.user, submission=submission, signature=Signature("192.0.2.10", "pytest")
    )


@pytest.fixture
def buyer(db) -> Buyer:
    return make_buyer()
