"""Catalog and quotes for buyers: sellers, products (search, keyset pages), a cart's quote.

Reads take the acting organization from the session or the API key; visitors see what is
public (P5). Every read goes through the tenant-scoped queries of catalog and terms.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from comptoir.api.auth import MEMBER, OPTIONAL, OPTIONAL_OPENAPI
from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.ordering.quoting import (
    LineRequest,
    presented_voucher,
    quote_cart,
    voucher_warning,
)
from comptoir.ordering.rules import LineWithdrawal, consumer_buyer_check
from comptoir.parties.acting import acting_membership, acting_organization
from comptoir.parties.models import Permission
from comptoir.terms.engine.serialize import quote_to_json

router = Router(tags=["catalog"])


class BrandOut(Schema):
    id: int
    name: str
    selective: bool


class SellerOut(Schema):
    id: int
    name: str
    terms_preset: str
    brands: list[BrandOut]


class PriceOut(Schema):
    unit_price_excl_vat: Decimal
    unit_price_incl_vat: Decimal
    rules: list[str]
    explanation: str


class ProductOut(Schema):
    id: int
    sku: str
    gtin: str
    title: str
    brand: str | None
    kind: str
    withdrawal_nature: str = Field(
        description="O17: L221-28 nature excluding a consumer's withdrawal (empty: none)"
    )
    pack_size: int
    vat_rate: Decimal
    price: PriceOut | None


class ProductPageOut(Schema):
    items: list[ProductOut]
    total: int
    total_is_capped: bool
    next_cursor: str | None


class ProductFilter(Schema):
    q: str | None = Field(None, max_length=100, description="name, SKU or EAN")
    after: str | None = Field(None, max_length=200, description="next_cursor of the last page")


class QuoteLineIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=1_000_000)


class QuoteIn(Schema):
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=1000)
    delivery_country: str = Field("FR", min_length=2, max_length=2)
    payment_method: str | None = Field(None, max_length=32)
    as_consumer: bool = Field(
        False,
        description="O17: quote as a natural person's consumer order (consumer payment terms); "
        "each line then gets its `withdrawal` right",
    )
    withdrawal_waiver: bool = Field(
        False, description="O17: with the express waiver for digital content or services"
    )
    voucher_code: str = Field(
        "",
        max_length=40,
        description="O15: a voucher of this shop, quoted as placing would apply it (the code's "
        "case does not matter); an unknown or used code is refused with 422 `voucher_invalid`",
    )


def _withdrawal_json(w: LineWithdrawal) -> dict:
    """O17: a line's withdrawal right in a consumer's quote."""
    return {
        "applies": w.applies,
        "exception": w.exception,
        "law": w.law,
        "reason": {"fr": w.reason_fr, "en": w.reason_en} if w.reason_fr else None,
        "rule": w.rule,
        "clause": (
            {"article": w.clause_article, "text": w.clause_text}
            if w.clause_article or w.clause_text
            else None
        ),
        "runs_from": w.runs_from or None,
        "days": w.days if w.runs_from else None,
        "period": {"fr": w.period_fr, "en": w.period_en} if w.runs_from else None,
        "waiver_effect": {"fr": w.waiver_fr, "en": w.waiver_en} if w.waiver_fr else None,
    }


def _granted(request: HttpRequest, permission: str) -> bool:
    membership = acting_membership(request)
    return membership is None or permission in membership.effective_permissions


def _require(request: HttpRequest, permission: str) -> None:
    if not _granted(request, permission):
        raise PermissionDenied(
            _("Permission %(permission)s required (P4).") % {"permission": permission}
        )


def _price(price) -> dict | None:
    if price is None:
        return None
    return {
        "unit_price_excl_vat": price.unit_price_excl_vat,
        "unit_price_incl_vat": price.unit_price_incl_vat,
        "rules": list(price.rules),
        "explanation": price.explanation,
    }


def _product(product, price) -> dict:
    return {
        "id": product.pk,
        "sku": product.sku,
        "gtin": product.gtin,
        "title": product.title,
        "brand": product.brand.name if product.brand else None,
        "kind": product.kind,
        "withdrawal_nature": product.withdrawal_nature,
        "pack_size": product.pack_size,
        "vat_rate": product.vat_rate,
        "price": _price(price),
    }


def _prices(request: HttpRequest, org, products) -> dict:
    if not _granted(request, Permission.VIEW_PRICES):
        return {}
    user = request.user if org is not None else None
    return catalog.prices_for(buyer=org, products=products, at=clock.today(), user=user)


@router.get("/sellers", response=list[SellerOut], auth=OPTIONAL, openapi_extra=OPTIONAL_OPENAPI)
def sellers(request: HttpRequest):
    """Sellers and the brands the acting organization may see (selective ones only if approved,
    C2)."""
    org = acting_organization(request)
    brands: dict[int, list] = {}
    for brand in catalog.visible_brands(org):
        brands.setdefault(brand.seller_id, []).append(brand)
    return [
        {
            "id": s.pk,
            "name": s.display_name,
            "terms_preset": s.terms_preset,
            "brands": [
                {"id": b.pk, "name": b.name, "selective": b.selective} for b in brands.get(s.pk, [])
            ],
        }
        for s in catalog.visible_sellers(org)
    ]


@router.get(
    "/sellers/{seller_id}/products",
    response=ProductPageOut,
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_OPENAPI,
)
def products(request: HttpRequest, seller_id: int, filters: Query[ProductFilter]):
    """A page of the seller's products (50, keyset-paginated): pass `next_cursor` as `after`."""
    _require(request, Permission.VIEW_PRODUCTS)
    org = acting_organization(request)
    page = catalog.product_page(org, seller_id, search=filters.q, after=filters.after)
    prices = _prices(request, org, page.items)
    return {
        "items": [_product(p, prices.get(p.pk)) for p in page.items],
        "total": page.total,
        "total_is_capped": page.total_is_capped,
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/sellers/{seller_id}/products/{product_id}",
    response=ProductOut,
    auth=OPTIONAL,
    openapi_extra=OPTIONAL_OPENAPI,
)
def product(request: HttpRequest, seller_id: int, product_id: int):
    _require(request, Permission.VIEW_PRODUCTS)
    org = acting_organization(request)
    item = catalog.product_for(org, seller_id, product_id)
    return _product(item, _prices(request, org, [item]).get(item.pk))


@router.post("/sellers/{seller_id}/quote", auth=MEMBER)
def quote(request: HttpRequest, seller_id: int, payload: QuoteIn):
    """The quote of a cart under the seller's terms in force: adjusted quantities, fees, discounts,
    violations, payment options and deadlines, each with its rule and clause (terms engine)."""
    _require(request, Permission.VIEW_PRICES)
    org = acting_organization(request)
    if org is None:
        raise DomainError("no_organization", _("Log in as a member of a buyer organization."))
    if payload.as_consumer:
        consumer_buyer_check(is_company=org.is_company)  # O17
    seller = catalog.seller_for(org, seller_id)
    voucher = presented_voucher(seller, payload.voucher_code)[1]  # O15
    # the checkout's own quote: the buyer's standing, orders this month, deposit, credit limit
    # and pricing profile read as placing reads them (O5, O10, PT9, PT10, C4)
    priced = quote_cart(
        buyer=org,
        seller=seller,
        requests=[LineRequest(line.sku, line.quantity) for line in payload.lines],
        delivery_country=payload.delivery_country,
        payment_method=payload.payment_method,
        is_consumer=payload.as_consumer,
        withdrawal_waiver=payload.withdrawal_waiver,
        voucher=voucher,
    )
    answer = {"terms_version": priced.version.version, **quote_to_json(priced.quote)}
    if voucher is not None:  # O15: placing refuses a voucher the quote does not apply
        refusal = voucher_warning(priced.quote)
        answer["voucher"] = {
            "code": voucher.code,
            "applied": refusal is None,
            "refusal": refusal.code if refusal is not None else None,
        }
    if payload.as_consumer:  # O17: each line's withdrawal right, before placing
        rights = {w.sku: _withdrawal_json(w) for w in priced.withdrawal}
        for line in answer["lines"]:
            line["withdrawal"] = rights.get(line["sku"])
    return answer
