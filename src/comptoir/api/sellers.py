"""The seller's own catalog and terms through the API: create and change products (C1, C2), set
the stock on hand, set a price in a tariff (C3), read, draft and publish terms versions (N3).

These act for the acting organization, which must be a seller (any other company: 404). No P4
right delegates changing the catalog or the terms of sale: only the organization's owner does it
(an API key never acts as an owner: 403). Reading the terms versions needs view_products.
Another seller's products, brands and tariffs answer 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from comptoir.api.auth import MEMBER, member
from comptoir.catalog import queries as catalog
from comptoir.catalog import services as catalog_services
from comptoir.catalog.models import Product, ProductKind, Tariff, WithdrawalNature
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties.models import Membership, Organization, Permission, User
from comptoir.terms import queries as terms_queries
from comptoir.terms import services as terms_services
from comptoir.terms.models import TermsStatus, TermsVersion

router = Router(tags=["sellers"])

#: ids and version numbers as the path gives them: within the database's integer range
Id = Annotated[int, Path(ge=1, le=2**62)]
VersionNumber = Annotated[int, Path(ge=1, le=1_000_000)]


def _seller(request: HttpRequest, permission: str) -> tuple[Membership, Organization]:
    """The acting membership, holding `permission` (P4), and its organization, a seller."""
    membership = member(request, permission)
    return membership, catalog.seller_for(membership.organization, membership.organization_id)


def _actor(request: HttpRequest) -> User:
    """The user acting (the key's creator for an API key): the routes need a member."""
    return cast(User, request.user)


# --- products and stock (C1, C2) ---------------------------------------------------------------

KINDS = "^(" + "|".join(ProductKind.values) + ")$"
NATURES = "^(" + "|".join(WithdrawalNature.values) + ")?$"
NATURE_HELP = "O17: L221-28 nature excluding a consumer's withdrawal; empty: none"


class ProductIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=255)
    gtin: str = Field("", max_length=14, description="EAN/GTIN, checksum-validated (C1)")
    description: str = Field("", max_length=20_000)
    kind: str = Field(ProductKind.PHYSICAL.value, pattern=KINDS)
    withdrawal_nature: str = Field("", pattern=NATURES, description=NATURE_HELP)
    seats: int | None = Field(None, ge=1, le=100_000, description="software purchase")
    rental_term_months: int | None = Field(None, ge=1, le=1200, description="software rental")
    vat_rate: Decimal = Field(Decimal("20"), ge=0, le=100, max_digits=4, decimal_places=2)
    pack_size: int = Field(1, ge=1, le=1_000_000, description="units per case")
    prices_include_vat: bool = False
    members_only_price: bool = False
    is_active: bool = True
    brand_id: int | None = Field(None, ge=1, le=2**62, description="one of the seller's brands")


class ProductPatch(Schema):
    """The fields to change; those left out keep their value."""

    sku: str | None = Field(None, min_length=1, max_length=64)
    title: str | None = Field(None, min_length=1, max_length=255)
    gtin: str | None = Field(None, max_length=14)
    description: str | None = Field(None, max_length=20_000)
    kind: str | None = Field(None, pattern=KINDS)
    withdrawal_nature: str | None = Field(None, pattern=NATURES, description=NATURE_HELP)
    seats: int | None = Field(None, ge=1, le=100_000)
    rental_term_months: int | None = Field(None, ge=1, le=1200)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=2)
    pack_size: int | None = Field(None, ge=1, le=1_000_000)
    prices_include_vat: bool | None = None
    members_only_price: bool | None = None
    is_active: bool | None = None
    brand_id: int | None = Field(None, ge=1, le=2**62, description="null: no brand")


#: fields a PATCH may set to null (the others are required values)
NULLABLE = {"seats", "rental_term_months", "brand_id"}


class SellerProductOut(Schema):
    id: int
    sku: str
    gtin: str
    title: str
    description: str
    kind: str
    withdrawal_nature: str
    seats: int | None
    rental_term_months: int | None
    vat_rate: Decimal
    pack_size: int
    prices_include_vat: bool
    members_only_price: bool
    is_active: bool
    brand_id: int | None
    on_hand: int
    reserved: int


class StockIn(Schema):
    on_hand: int = Field(ge=0, le=1_000_000_000, description="units counted on hand")


class StockOut(Schema):
    product_id: int
    sku: str
    on_hand: int
    reserved: int
    available: int
    updated_at: datetime


class PriceIn(Schema):
    unit_price: Decimal = Field(
        ge=0, max_digits=14, decimal_places=4, description="excl. VAT unless priced incl. VAT"
    )


class TariffPriceOut(Schema):
    tariff_id: int
    product_id: int
    sku: str
    unit_price: Decimal


def _product(product: Product) -> dict:
    stock = getattr(product, "stock", None)
    return {
        **{f: getattr(product, f) for f in SellerProductOut.model_fields if hasattr(product, f)},
        "on_hand": stock.on_hand if stock else 0,
        "reserved": stock.reserved if stock else 0,
    }


def _fields(seller: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The service's fields from the input: `brand_id` becomes the seller's own brand."""
    fields = dict(values)
    if "brand_id" in fields:
        brand_id = fields.pop("brand_id")
        brand = None
        if brand_id is not None:
            brand = catalog.visible_brands(seller, seller).filter(pk=brand_id).first()
            if brand is None:
                raise NotFound(_("Brand"), field="brand_id")
        fields["brand"] = brand
    return fields


@router.post("/products", response={201: SellerProductOut}, auth=MEMBER)
def create_product(request: HttpRequest, payload: ProductIn):
    """A product of the acting seller (C1): SKU unique to the seller, GTIN checksum, a French
    VAT rate, units per case; a software rental needs its term in months."""
    _membership, seller = _seller(request, Permission.MANAGE_CATALOG)
    product = catalog_services.product_create(
        actor=_actor(request), seller=seller, **_fields(seller, payload.model_dump())
    )
    return Status(201, _product(catalog.product_for(seller, seller, product.pk)))


@router.patch("/products/{product_id}", response=SellerProductOut, auth=MEMBER)
def update_product(request: HttpRequest, product_id: Id, payload: ProductPatch):
    """Change some fields of one of the seller's products (`is_active: false` takes it off
    sale; a product the operator removed cannot be put back, P6)."""
    _membership, seller = _seller(request, Permission.MANAGE_CATALOG)
    product = catalog.product_for(seller, seller, product_id)
    changes = payload.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise DomainError(
                "invalid_input",
                _("%(field)s cannot be null.") % {"field": name},
                field=name,
                rule="C1",
            )
    catalog_services.product_update(
        actor=_actor(request), product=product, **_fields(seller, changes)
    )
    return _product(catalog.product_for(seller, seller, product.pk))


@router.put("/products/{product_id}/stock", response=StockOut, auth=MEMBER)
def set_stock(request: HttpRequest, product_id: Id, payload: StockIn):
    """Set the quantity on hand after a count; never below what orders hold reserved."""
    _membership, seller = _seller(request, Permission.MANAGE_CATALOG)
    product = catalog.product_for(seller, seller, product_id)
    stock = catalog_services.stock_set(
        actor=_actor(request), product=product, on_hand=payload.on_hand
    )
    return {
        "product_id": product.pk,
        "sku": product.sku,
        "on_hand": stock.on_hand,
        "reserved": stock.reserved,
        "available": stock.on_hand - stock.reserved,
        "updated_at": stock.updated_at,
    }


@router.put("/tariffs/{tariff_id}/prices/{product_id}", response=TariffPriceOut, auth=MEMBER)
def set_tariff_price(request: HttpRequest, tariff_id: Id, product_id: Id, payload: PriceIn):
    """Set the unit price of one of the seller's products in one of its tariffs (C3); orders
    are priced at the tariff in force on their date."""
    _membership, seller = _seller(request, Permission.MANAGE_CATALOG)
    tariff = Tariff.objects.filter(pk=tariff_id, seller_id=seller.pk).first()
    if tariff is None:
        raise NotFound(_("Tariff"), field="tariff_id")
    product = catalog.product_for(seller, seller, product_id)
    price = catalog_services.tariff_price_set(
        actor=_actor(request), tariff=tariff, product=product, unit_price=payload.unit_price
    )
    return {
        "tariff_id": tariff.pk,
        "product_id": product.pk,
        "sku": product.sku,
        "unit_price": price.unit_price,
    }


# --- terms versions (N3) -----------------------------------------------------------------------


class TermsFilter(Schema):
    status: str | None = Field(None, pattern="^(" + "|".join(TermsStatus.values) + ")$")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


class TermsSourceIn(Schema):
    source: str = Field(min_length=1, max_length=200_000, description="the TOML document")


class PublishIn(Schema):
    effective_from: date | None = Field(
        None, description="default: the earliest day N3 and the terms' notice allow"
    )


class TermsVersionOut(Schema):
    version: int
    status: str
    in_force: bool
    preset: str
    content_hash: str
    created_at: datetime
    published_at: datetime | None
    effective_from: date | None
    lint_report: list[dict[str, Any]]


class TermsVersionDetailOut(TermsVersionOut):
    source: str


class TermsPageOut(Schema):
    items: list[TermsVersionOut]
    count: int
    offset: int
    limit: int


def _version(version: TermsVersion, in_force: TermsVersion | None, source: bool = False) -> dict:
    return {
        **{f: getattr(version, f) for f in TermsVersionOut.model_fields if f != "in_force"},
        "in_force": in_force is not None and in_force.pk == version.pk,
        **({"source": version.source} if source else {}),
    }


@router.get("/terms/versions", response=TermsPageOut, auth=MEMBER)
def list_terms_versions(request: HttpRequest, filters: Query[TermsFilter]):
    """The seller's terms versions, newest first: drafts and published ones with their effective
    date, which one is in force today, and the linter's report."""
    _membership, seller = _seller(request, Permission.MANAGE_USERS)
    found = terms_queries.terms_versions_for(seller)
    if filters.status:
        found = found.filter(status=filters.status)
    in_force = terms_queries.terms_in_force(seller)
    return {
        "items": [
            _version(v, in_force) for v in found[filters.offset : filters.offset + filters.limit]
        ],
        "count": found.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.get("/terms/versions/{number}", response=TermsVersionDetailOut, auth=MEMBER)
def get_terms_version(request: HttpRequest, number: VersionNumber):
    """One version: its TOML source as written, status, dates, content hash and lint report."""
    _membership, seller = _seller(request, Permission.MANAGE_USERS)
    version = terms_queries.terms_version_get(seller=seller, number=number)
    return _version(version, terms_queries.terms_in_force(seller), source=True)


@router.post("/terms/versions", response={201: TermsVersionDetailOut}, auth=MEMBER)
def create_terms_version(request: HttpRequest, payload: TermsSourceIn):
    """A new draft from a TOML document (next version number); refused with every schema error
    when the document does not validate (`terms_invalid`)."""
    _membership, seller = _seller(request, Permission.MANAGE_USERS)
    version = terms_services.terms_version_create_draft(
        seller=seller, source=payload.source, actor=_actor(request)
    )
    return Status(201, _version(version, terms_queries.terms_in_force(seller), source=True))


@router.post("/terms/versions/{number}/publish", response=TermsVersionDetailOut, auth=MEMBER)
def publish_terms_version(request: HttpRequest, number: VersionNumber, payload: PublishIn):
    """Publish a draft (N3): refused when the linter finds errors (`terms_not_publishable`) or
    when `effective_from` comes before the day after publication or the notice the terms set."""
    _membership, seller = _seller(request, Permission.MANAGE_USERS)
    version = terms_queries.terms_version_get(seller=seller, number=number)
    published = terms_services.terms_version_publish(
        version=version, effective_from=payload.effective_from, actor=_actor(request)
    )
    return _version(published, terms_queries.terms_in_force(seller), source=True)
