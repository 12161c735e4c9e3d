"""Tenant-scoped reads of the catalog.

`actor_org` is the organization the user acts for (None for an anonymous visitor, P5). A buyer sees
active products of active sellers, selective brands only when approved (C2); a seller sees all its
own products; the operator sees everything. Anything not visible raises NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.catalog import rules
from comptoir.catalog.models import (
    Brand,
    BrandApproval,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    StockLevel,
    TariffPrice,
)
from comptoir.core.compiled import CompiledRead
from comptoir.core.cursors import after_key, decode_cursor, encode_cursor
from comptoir.core.errors import NotFound
from comptoir.core.i18n import format_rate_active
from comptoir.core.sorting import sort_key
from comptoir.parties.models import Organization, OrganizationState
from comptoir.parties.permissions import can_see_prices

if TYPE_CHECKING:
    from comptoir.parties.models import User

PAGE_SIZE = 50
# the columns a page of products is read with: what the web list and the API show, what its
# prices need (C2, C3, P5) and its cursor. The rest (a description, dates) stays in the database:
# the product page reads it, one product at a time
LIST_FIELDS = (
    "seller",
    "brand",
    "sku",
    "gtin",
    "title",
    "sort_title",
    "kind",
    "withdrawal_nature",
    "pack_size",
    "vat_rate",
    "prices_include_vat",
    "members_only_price",
    "is_active",
    "brand__name",
    "brand__selective",
)


def _org_id(org: Organization | int | None) -> int | None:
    if org is None:
        return None
    return org if isinstance(org, int) else org.pk


def _is_operator_org(actor_org: Organization | None) -> bool:
    return bool(
        actor_org is not None
        and actor_org.is_operator
        and actor_org.state == OrganizationState.ACTIVE
    )


def approved_brand_ids(actor_org: Organization | int | None) -> set[int]:
    """Selective brands the buyer is approved for (C2)."""
    buyer_id = _org_id(actor_org)
    if buyer_id is None:
        return set()
    return set(
        BrandApproval.objects.filter(buyer_id=buyer_id, revoked_at__isnull=True).values_list(
            "brand_id", flat=True
        )
    )


def _hidden_brands(actor_org: Organization | None, seller_id: int) -> QuerySet[Brand] | None:
    """The seller's selective brands this actor may not see (C2), as a subquery: the product
    query excludes them in the same round trip (a hashed list the database builds once, so the
    first page stays an index range scan). None when the actor sees every brand."""
    if _is_operator_org(actor_org) or _org_id(actor_org) == seller_id:
        return None
    return _brands_hidden_from(_org_id(actor_org), seller_id)


def _brands_hidden_from(buyer_id: int | None, seller_id: int) -> QuerySet[Brand]:
    hidden = Brand.objects.filter(seller_id=seller_id, selective=True)
    if buyer_id is not None:
        approved = BrandApproval.objects.filter(buyer_id=buyer_id, revoked_at__isnull=True)
        hidden = hidden.exclude(pk__in=approved.values("brand_id"))
    return hidden.values("pk")


# --- sellers and brands ------------------------------------------------------------------------


def visible_sellers(actor_org: Organization | None = None) -> QuerySet[Organization]:
    """Active sellers (P6: a suspended or terminated seller disappears from browsing)."""
    qs = Organization.objects.filter(is_seller=True, state=OrganizationState.ACTIVE)
    if actor_org is not None and actor_org.is_seller:
        qs = Organization.objects.filter(Q(pk__in=qs.values("pk")) | Q(pk=actor_org.pk))
    return qs.order_by("sort_name", "id")


def seller_for(actor_org: Organization | None, seller_id: int) -> Organization:
    """A seller the actor may browse; NotFound otherwise."""
    try:
        found = _SELLER(seller_id=int(seller_id))
    except (TypeError, ValueError):
        found = []
    if not found:
        raise NotFound(_("Seller"))
    seller = found[0]
    if seller.state != OrganizationState.ACTIVE and not (
        _is_operator_org(actor_org) or _org_id(actor_org) == seller.pk
    ):
        raise NotFound(_("Seller"))
    return seller


# read on every catalog page: its SQL built once (core.compiled)
_SELLER = CompiledRead(
    lambda seller_id: Organization.objects.filter(pk=seller_id, is_seller=True)[:1],
    seller_id=int,
)


def seller_visible(actor_org: Organization | None, seller: Organization | int) -> Organization:
    """`seller_for` for a seller the caller has already read (a checkout's): checked on the
    object, without reading it again; an id is read."""
    seller_id = _org_id(seller)
    assert seller_id is not None
    if isinstance(seller, Organization) and seller.is_seller:
        if seller.state == OrganizationState.ACTIVE or (
            _is_operator_org(actor_org) or _org_id(actor_org) == seller.pk
        ):
            return seller
        raise NotFound(_("Seller"))
    return seller_for(actor_org, seller_id)


def visible_brands(
    actor_org: Organization | None, seller: Organization | int | None = None
) -> QuerySet[Brand]:
    """Brands of active sellers; selective ones only for approved buyers (C2)."""
    qs = Brand.objects.select_related("seller")
    if seller is not None:
        qs = qs.filter(seller_id=_org_id(seller))
    if _is_operator_org(actor_org):
        return qs.order_by("sort_name", "id")
    own = _org_id(actor_org)
    qs = qs.filter(Q(seller__state=OrganizationState.ACTIVE) | Q(seller_id=own))
    qs = qs.filter(Q(selective=False) | Q(seller_id=own) | Q(pk__in=approved_brand_ids(actor_org)))
    return qs.order_by("sort_name", "id")


def brand_for(actor_org: Organization | None, brand_id: int) -> Brand:
    brand = visible_brands(actor_org).filter(pk=brand_id).first()
    if brand is None:
        raise NotFound(_("Brand"))
    return brand


# --- products ----------------------------------------------------------------------------------


def _search(qs: QuerySet[Product], search: str | None) -> QuerySet[Product]:
    """Exact SKU or GTIN first (index lookups); otherwise the title, or a SKU prefix."""
    # no text column holds a NUL character, and PostgreSQL refuses one in a query
    term = (search or "").replace("\x00", "").strip()
    if not term:
        return qs
    compact = term.replace(" ", "")
    exact = Q(sku=term) | Q(sku=term.upper())
    if compact.isdigit() and 8 <= len(compact) <= 14:
        exact |= Q(gtin=compact)
    if qs.filter(exact).exists():
        return qs.filter(exact)
    # accents, ligatures and case ignored on both sides: "ecran" finds "Écran" (core.sorting)
    condition = Q(sort_title__contains=sort_key(term))
    if " " not in term and any(c.isdigit() for c in term):
        # looks like a reference: SKU prefix too (the title alone is matched from the index)
        condition |= Q(sku__istartswith=term)
    return qs.filter(condition)


def products_for_seller(
    actor_org: Organization | None,
    seller: Organization | int,
    search: str | None = None,
) -> QuerySet[Product]:
    """The seller's products the actor may see, in alphabetical order: (sort_title, id).

    Uses the (seller, is_active, sort_title, id, brand) index; selective brands are excluded by a
    subquery rather than a join, so the first page stays an index range scan.
    """
    seller = seller_visible(actor_org, seller)
    if _is_operator_org(actor_org) or _org_id(actor_org) == seller.pk:
        qs = Product.objects.filter(seller_id=seller.pk)
    else:
        qs = _offered_products(seller.pk, _hidden_brands(actor_org, seller.pk))
    qs = _search(qs, search)
    return qs.select_related("brand", "stock").order_by("sort_title", "id")


def _offered_products(seller_id: int, hidden: QuerySet[Brand] | None) -> QuerySet[Product]:
    """The seller's products offered to others than itself and the operator: active, without the
    brands `hidden` from the viewer (C2)."""
    # `is_active__in=[True]` renders `is_active IN (1)`, an equality SQLite can match against
    # the index; the bare boolean `is_active` that `is_active=True` renders is not. A removed
    # product is also inactive (product_remove), so `removed_at` needs no test here.
    qs = Product.objects.filter(seller_id=seller_id, is_active__in=[True])
    return qs if hidden is None else qs.exclude(brand_id__in=hidden)


def _buyer_products(seller_id: int, buyer_id: int) -> QuerySet[Product]:
    """What a signed-in buyer may see of a seller's products: the base of its compiled reads."""
    return _offered_products(seller_id, _brands_hidden_from(buyer_id, seller_id))


def _buyer_page(seller_id: int, buyer_id: int, after: tuple[str, int] | None) -> QuerySet[Product]:
    """A page of the list a signed-in buyer browses, the read `product_page` compiles."""
    qs = _buyer_products(seller_id, buyer_id)
    if after is not None:
        title, pk = after
        qs = qs.filter(after_key("sort_title", title, pk))
    return (
        qs.select_related("brand").only(*LIST_FIELDS).order_by("sort_title", "id")[: PAGE_SIZE + 1]
    )


# the pages every buyer walks, their SQL built once (core.compiled)
_BUYER_FIRST_PAGE = CompiledRead(
    lambda seller_id, buyer_id: _buyer_page(seller_id, buyer_id, None),
    seller_id=int,
    buyer_id=int,
)
_BUYER_NEXT_PAGE = CompiledRead(
    lambda seller_id, buyer_id, title, pk: _buyer_page(seller_id, buyer_id, (title, pk)),
    seller_id=int,
    buyer_id=int,
    title=str,
    pk=int,
)


SKU_READ_SIZE = 20
"""A checkout's SKUs are read compiled up to this many (a quick order of more reads ordinarily)."""
_NO_SKU = "~" * 65  # longer than any SKU (64 characters): pads the compiled read's list


def products_by_sku(
    actor_org: Organization | None, seller: Organization | int, skus: Sequence[str]
) -> list[Product]:
    """The products of `products_for_seller` whose SKU is among `skus`, with their brand and
    stock; a buyer's short list (a checkout, a quote) is read compiled."""
    seller = seller_visible(actor_org, seller)
    skus = list(dict.fromkeys(skus))
    buyer_id = _org_id(actor_org)
    if (
        buyer_id is None
        or buyer_id == seller.pk
        or _is_operator_org(actor_org)
        or len(skus) > SKU_READ_SIZE
        or not all(type(sku) is str for sku in skus)
    ):
        return list(products_for_seller(actor_org, seller).filter(sku__in=skus))
    padded = skus + [f"{_NO_SKU}{n}" for n in range(SKU_READ_SIZE - len(skus))]
    values = {f"sku{n}": sku for n, sku in enumerate(padded)}
    return _BUYER_SKUS(seller_id=seller.pk, buyer_id=buyer_id, **values)


_BUYER_SKUS = CompiledRead(
    lambda seller_id, buyer_id, **skus: (
        _buyer_products(seller_id, buyer_id)
        .filter(sku__in=list(skus.values()))
        .select_related("brand", "stock")
    ),
    seller_id=int,
    buyer_id=int,
    **{f"sku{n}": str for n in range(SKU_READ_SIZE)},
)


def product_for(
    actor_org: Organization | None, seller: Organization | int, product_id: int
) -> Product:
    """One product of the seller, or NotFound when missing or not visible (C2)."""
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        raise NotFound(_("Product")) from None
    product = products_for_seller(actor_org, seller).filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("Product"))
    return product


def product_visible_to(actor_org: Organization | None, product: Product) -> bool:
    try:
        product_for(actor_org, product.seller_id, product.pk)
    except NotFound:
        return False
    return True


@dataclass(frozen=True)
class ProductPage:
    items: list[Product]
    total: int  # -1 when not asked for
    next_cursor: str | None
    total_is_capped: bool = False  # counted up to a cap ("more than 1,000"), see `count_cap`


SEARCH_COUNT_CAP = 1000
LIST_COUNT_CAP = 10_000
"""A list counts its products up to 10,000: past that, an exact figure tells a buyer nothing the
search does not, and counting a seller's whole catalog was the page's costliest query."""


def count_cap(searching: bool) -> int:
    return SEARCH_COUNT_CAP if searching else LIST_COUNT_CAP


def _encode_cursor(product: Product) -> str:
    return encode_cursor([product.sort_title, product.pk])


def _decode_cursor(cursor: str) -> tuple[str, int] | None:
    key = decode_cursor(cursor, 2)
    if key is None:
        return None
    try:
        return str(key[0]), int(key[1])
    except (ValueError, TypeError):
        return None


def _capped(counted: int, searching: bool) -> tuple[int, bool]:
    """A count shown up to its cap, and whether the cap was passed."""
    cap = count_cap(searching)
    return min(counted, cap), counted > cap


def _count(qs: QuerySet[Product], searching: bool) -> tuple[int, bool]:
    """The number of products of the list up to its cap, and whether the cap was passed."""
    return _capped(
        qs.order_by().select_related(None)[: count_cap(searching) + 1].count(), searching
    )


# the count of a buyer's first page, up to the cap: its SQL built once too
_BUYER_COUNT = CompiledRead(
    lambda seller_id, buyer_id: (
        _buyer_products(seller_id, buyer_id).order_by().values_list("pk")[: LIST_COUNT_CAP + 1]
    ),
    seller_id=int,
    buyer_id=int,
)


def product_page(
    actor_org: Organization | None,
    seller: Organization | int,
    *,
    search: str | None = None,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    with_total: bool = True,
    known_total: int | None = None,
) -> ProductPage:
    """A keyset page of `products_for_seller`: pass `next_cursor` back as `after`. The following
    pages may pass the total counted on the first one as `known_total` (the count is the page's
    costliest query on a large catalog); a first page that holds every product is not counted.
    The total is counted up to `count_cap` (`total_is_capped` past it). The rows come with their
    brand, not their stock, which a list does not show, and with `LIST_FIELDS` only."""
    seller = seller_visible(actor_org, seller)
    searching = bool((search or "").strip())
    key = _decode_cursor(after) if after else None
    buyer_id = _org_id(actor_org)
    compiled = (
        not searching
        and limit == PAGE_SIZE
        and buyer_id is not None
        and buyer_id != seller.pk  # a buyer's list, not the seller's own nor the operator's
        and not _is_operator_org(actor_org)
    )

    def listed() -> QuerySet[Product]:
        # the ordinary read; a buyer's compiled page builds it only to count its first page
        qs = products_for_seller(actor_org, seller, search)
        return qs.select_related(None).select_related("brand").only(*LIST_FIELDS)

    counted: int | None = None  # matches read with the page (a search's first page)
    qs: QuerySet[Product] | None = None
    if compiled and key is None:
        items = _BUYER_FIRST_PAGE(seller_id=seller.pk, buyer_id=buyer_id)
    elif compiled and key is not None:
        items = _BUYER_NEXT_PAGE(seller_id=seller.pk, buyer_id=buyer_id, title=key[0], pk=key[1])
    else:
        qs = page_qs = listed()
        if key is not None:
            title, pk = key
            page_qs = qs.filter(after_key("sort_title", title, pk))
        if searching:
            # a search may match thousands of rows: pick the page's ids first (sorting only ids
            # and titles), then load those rows with their brand, so the join runs on one page.
            # A first page reads the ids up to the count's cap in the same walk: they are its
            # count, which a separate COUNT would find by reading the same matches again.
            counting = with_total and key is None and known_total is None
            fetch = max(limit, SEARCH_COUNT_CAP) + 1 if counting else limit + 1
            found = list(page_qs.select_related(None).values_list("pk", flat=True)[:fetch])
            counted = len(found) if counting else None
            ids = found[: limit + 1]
            by_id = Product.objects.select_related("brand").only(*LIST_FIELDS).in_bulk(ids)
            items = [by_id[pk] for pk in ids]
        else:
            items = list(page_qs[: limit + 1])
    total, capped = -1, False
    if known_total is not None and known_total >= 0:
        total, capped = _capped(known_total, searching)
    elif counted is not None:  # a search's first page
        total, capped = _capped(counted, searching)
    elif with_total and key is None and len(items) <= limit:
        # the first page holds every product: its length is the count
        total = len(items)
    elif with_total and compiled:
        counted = _BUYER_COUNT.count(seller_id=seller.pk, buyer_id=buyer_id)
        total, capped = _capped(counted, searching)
    elif with_total:
        total, capped = _count(qs if qs is not None else listed(), searching)
    next_cursor = _encode_cursor(items[limit - 1]) if len(items) > limit else None
    return ProductPage(
        items=items[:limit], total=total, next_cursor=next_cursor, total_is_capped=capped
    )


def stock_for(actor_org: Organization | None, product: Product) -> StockLevel | None:
    """Stock of a visible product (shown availability never guarantees stock, C1)."""
    if not product_visible_to(actor_org, product):
        raise NotFound(_("Product"))
    return StockLevel.objects.filter(product=product).first()


# --- prices (C3, C5) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceInfo:
    """A unit price for a buyer on a date, and why."""

    product_id: int
    at: date
    unit_price_excl_vat: Decimal
    unit_price_incl_vat: Decimal
    list_price_excl_vat: Decimal
    vat_rate: Decimal
    tariff_id: int
    tariff_name: str
    condition_discount_percent: Decimal | None
    rules: tuple[str, ...]
    explanation: str


def _condition(buyer_id: int | None, seller_id: int, at: date) -> CustomerCondition | None:
    if buyer_id is None:
        return None
    found = _CONDITION(seller_id=seller_id, buyer_id=buyer_id)
    if not found or not rules.in_force(found[0].valid_from, found[0].valid_to, at):
        return None
    return found[0]


_CONDITION = CompiledRead(
    lambda seller_id, buyer_id: CustomerCondition.objects.filter(
        seller_id=seller_id, buyer_id=buyer_id
    )[:1],
    seller_id=int,
    buyer_id=int,
)


def _selective_brand_ids(products: list[Product]) -> set[int]:
    """The selective brands among the products' (C2): from the brands read with them (a product
    list reads them with `select_related`), the database asked only for the others."""
    brand_field = Product._meta.get_field("brand")
    selective: set[int] = set()
    unread: set[int] = set()
    for product in products:
        if product.brand_id is None:
            continue
        if brand_field.is_cached(product):
            if product.brand.selective:
                selective.add(product.brand_id)
        else:
            unread.add(product.brand_id)
    if unread:
        selective |= set(
            Brand.objects.filter(pk__in=unread, selective=True).values_list("pk", flat=True)
        )
    return selective


def prices_for(
    *,
    buyer: Organization | None,
    products: Iterable[Product],
    at: date,
    user: User | None = None,
) -> dict[int, PriceInfo]:
    """Unit prices of several products for a buyer on a date, in a constant number of queries.

    Products without a price are absent from the result: no tariff in force (C3), reserved to
    members for a visitor (P5), a selective brand the buyer is not approved for (C2), or — when
    `user` is given — a user without the view_prices permission (P4).
    """
    products = list(products)
    buyer_id = _org_id(buyer)
    if user is not None and not can_see_prices(user, buyer):
        return {}
    if buyer is None:
        products = [p for p in products if not p.members_only_price]
    selective_ids = _selective_brand_ids(products)
    approved = approved_brand_ids(buyer) if selective_ids else set()
    products = [
        p
        for p in products
        if p.brand_id not in selective_ids
        or p.brand_id in approved
        or p.seller_id == buyer_id
        or _is_operator_org(buyer)
    ]
    if not products:
        return {}
    # the tariff in force for each product: the latest by validity start, then by id (C3)
    best: dict[int, tuple[Decimal, int, str]] = {}
    for product_id, unit_price, tariff_id, tariff_name in _tariff_prices(
        [p.pk for p in products], at
    ):
        best.setdefault(product_id, (unit_price, tariff_id, tariff_name))
    conditions: dict[int, CustomerCondition | None] = {}
    explanations: dict[tuple[int, Decimal | None], str] = {}  # one sentence per tariff and discount
    result: dict[int, PriceInfo] = {}
    for product in products:
        if product.pk not in best:
            continue
        unit_price, tariff_id, tariff_name = best[product.pk]
        if product.seller_id not in conditions:
            conditions[product.seller_id] = _condition(buyer_id, product.seller_id, at)
        condition = conditions[product.seller_id]
        vat_rate = Decimal(product.vat_rate)
        if product.prices_include_vat:
            list_excl = rules.excl_vat(unit_price, vat_rate)
        else:
            list_excl = rules.quantize_unit(unit_price)
        unit_excl = list_excl
        discount = None
        if condition is not None and condition.discount_percent > 0:
            discount = condition.discount_percent
            unit_excl = rules.apply_discount(list_excl, discount)
        if (tariff_id, discount) not in explanations:
            explanations[tariff_id, discount] = _price_explanation(tariff_name, at, discount)
        if product.prices_include_vat and discount is None:
            unit_incl = rules.quantize_unit(unit_price)
        else:
            unit_incl = rules.incl_vat(unit_excl, vat_rate)
        result[product.pk] = PriceInfo(
            product_id=product.pk,
            at=at,
            unit_price_excl_vat=unit_excl,
            unit_price_incl_vat=unit_incl,
            list_price_excl_vat=list_excl,
            vat_rate=vat_rate,
            tariff_id=tariff_id,
            tariff_name=tariff_name,
            condition_discount_percent=discount,
            rules=("C3",) if discount is None else ("C3", "C5"),
            explanation=explanations[tariff_id, discount],
        )
    return result


def _tariff_price_rows(product_ids: list[int], at: date) -> QuerySet[TariffPrice]:
    """The products' prices in the tariffs in force on `at`, the one in force first (C3)."""
    return (
        TariffPrice.objects.filter(product_id__in=product_ids, tariff__valid_from__lte=at)
        .filter(Q(tariff__valid_to__isnull=True) | Q(tariff__valid_to__gte=at))
        .order_by("product_id", "-tariff__valid_from", "-tariff_id")
        .values_list("product_id", "unit_price", "tariff_id", "tariff__name")
    )


def _tariff_prices(product_ids: list[int], at: date) -> list[Any]:
    """`_tariff_price_rows`; up to a page of products through a compiled read, the list padded
    with ids no product has (distinct negative numbers)."""
    ids = list(dict.fromkeys(product_ids))
    if len(ids) > PAGE_SIZE or any(i <= 0 for i in ids):
        return list(_tariff_price_rows(ids, at))
    padded = ids + [-1 - n for n in range(PAGE_SIZE - len(ids))]
    return _PAGE_PRICES(at=at, **{f"id{n}": i for n, i in enumerate(padded)})


# a page's prices (the product list, a quote): its SQL built once (core.compiled)
_PAGE_PRICES = CompiledRead(
    lambda at, **ids: _tariff_price_rows(list(ids.values()), at),
    at=date,
    **{f"id{n}": int for n in range(PAGE_SIZE)},
)


def _price_explanation(tariff_name: str, at: date, discount: Decimal | None) -> str:
    """Why this price: the tariff in force (C3), and the customer condition's discount (C5)."""
    explanation = _("Tariff “%(tariff)s” in force on %(day)s") % {
        "tariff": tariff_name,
        "day": f"{at:%d/%m/%Y}",
    }
    if discount is None:
        return explanation
    return _("%(price)s, customer condition −%(rate)s") % {
        "price": explanation,
        "rate": format_rate_active(discount),
    }


def price_for(
    *, buyer: Organization | None, product: Product, at: date, user: User | None = None
) -> PriceInfo | None:
    """The unit price of one product for a buyer on a date (see `prices_for`), or None."""
    return prices_for(buyer=buyer, products=[product], at=at, user=user).get(product.pk)


# --- tiers and promotions (C4) -----------------------------------------------------------------


def pricing_profile_for(*, buyer: Organization | int | None, seller: Organization | int) -> str:
    buyer_id = _org_id(buyer)
    if buyer_id is None:
        return "standard"
    profile = (
        CustomerCondition.objects.filter(seller_id=_org_id(seller), buyer_id=buyer_id)
        .values_list("pricing_profile", flat=True)
        .first()
    )
    return profile or "standard"


def price_tiers_for(
    *, buyer: Organization | int | None, seller: Organization | int
) -> list[rules.Tier]:
    """The net-price tiers of the buyer's pricing profile with this seller, ascending (C4)."""
    profile = pricing_profile_for(buyer=buyer, seller=seller)
    return [
        rules.Tier(threshold=t.threshold, discount_percent=t.discount_percent)
        for t in PriceTier.objects.filter(seller_id=_org_id(seller), profile=profile).order_by(
            "threshold"
        )
    ]


def promotions_in_force(*, seller: Organization | int, at: date) -> list[Promotion]:
    return list(
        Promotion.objects.filter(seller_id=_org_id(seller), valid_from__lte=at, valid_to__gte=at)
        .select_related("product", "brand")
        .order_by("-percent", "id")
    )


def promotion_for(
    *, product: Product, at: date, promotions: list[Promotion] | None = None
) -> Promotion | None:
    """The best promotion covering the product on that date (product, brand or seller-wide)."""
    if promotions is None:
        promotions = promotions_in_force(seller=product.seller_id, at=at)
    covering = [
        p
        for p in promotions
        if (p.product_id is None and p.brand_id is None)
        or p.product_id == product.pk
        or (p.brand_id is not None and p.brand_id == product.brand_id)
    ]
    return max(covering, key=lambda p: (p.percent, -p.pk), default=None)
