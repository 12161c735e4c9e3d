"""Products (C1), selective brands (C2), tariffs by date (C3), tiers and promotions (C4),
customer conditions (C5), stock constraints."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.catalog import queries, rules, services
from comptoir.catalog.models import Product, StockLevel
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.demo.identifiers import ean13
from comptoir.parties import services as party_services
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db

GTIN = "3760123450010"


@pytest.fixture
def world():
    seller_user = make_user()
    seller = make_org(seller=True, owner=seller_user)
    approved_owner, other_owner = make_user(), make_user()
    approved = make_org(buyer=True, owner=approved_owner)
    other = make_org(buyer=True, owner=other_owner)
    selective = services.brand_create(
        actor=seller_user, seller=seller, name="Lumière Prestige", selective=True
    )
    open_brand = services.brand_create(actor=seller_user, seller=seller, name="Lumière Essentiel")
    services.brand_approve(
        actor=seller_user, brand=selective, buyer=approved, point_of_sale="Paris"
    )
    prestige = services.product_create(
        actor=seller_user, seller=seller, sku="LP-001", title="Sérum éclat", brand=selective
    )
    essential = services.product_create(
        actor=seller_user,
        seller=seller,
        sku="LE-001",
        title="Crème mains",
        brand=open_brand,
        gtin=GTIN,
        pack_size=6,
    )
    hidden = services.product_create(
        actor=seller_user, seller=seller, sku="LE-OLD", title="Ancienne crème", is_active=False
    )
    return {
        "seller": seller,
        "seller_user": seller_user,
        "approved": approved,
        "approved_owner": approved_owner,
        "other": other,
        "other_owner": other_owner,
        "selective": selective,
        "prestige": prestige,
        "essential": essential,
        "hidden": hidden,
    }


def test_gtin_rule():
    assert rules.validate_gtin(GTIN) == GTIN
    assert ean13("376012345001") == GTIN
    with pytest.raises(DomainError) as raised:
        rules.validate_gtin("3760123450019")
    assert (raised.value.field, raised.value.code, raised.value.rule) == (
        "gtin",
        "invalid_gtin",
        "C1",
    )


def test_product_create_refuses_bad_gtin_naming_the_field(world):
    with pytest.raises(DomainError) as raised:
        services.product_create(
            actor=world["seller_user"],
            seller=world["seller"],
            sku="X-1",
            title="Produit",
            gtin="1234567890123",
        )
    assert (raised.value.field, raised.value.rule) == ("gtin", "C1")
    assert not Product.objects.filter(sku="X-1").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": "LE-001", "title": "Doublon"}, "sku"),
        ({"sku": "", "title": "Sans ref"}, "sku"),
        ({"sku": "N-1", "title": ""}, "title"),
        ({"sku": "N-2", "title": "T", "vat_rate": Decimal("19.6")}, "vat_rate"),
        ({"sku": "N-3", "title": "T", "pack_size": 0}, "pack_size"),
        ({"sku": "N-4", "title": "T", "kind": "software_rental"}, "rental_term_months"),
        ({"sku": "N-5", "title": "T", "kind": "teleport"}, "kind"),
    ],
)
def test_product_validation_names_the_field(world, fields, field):
    with pytest.raises(DomainError) as raised:
        services.product_create(actor=world["seller_user"], seller=world["seller"], **fields)
    assert raised.value.field == field


def test_only_the_seller_edits_its_catalog(world):
    with pytest.raises(PermissionDenied):
        services.product_create(
            actor=world["other_owner"], seller=world["seller"], sku="Z", title="Intrus"
        )


def test_product_update(world):
    product = services.product_update(
        actor=world["seller_user"], product=world["essential"], title="Crème mains 75 ml"
    )
    assert product.title == "Crème mains 75 ml"
    with pytest.raises(DomainError) as raised:
        services.product_update(actor=world["seller_user"], product=product, gtin="42")
    assert raised.value.field == "gtin"


def test_selective_brand_visible_only_to_approved_buyer(world):
    seller = world["seller"]
    approved_titles = [p.title for p in queries.products_for_seller(world["approved"], seller)]
    assert approved_titles == ["Crème mains", "Sérum éclat"]
    other_titles = [p.title for p in queries.products_for_seller(world["other"], seller)]
    assert other_titles == ["Crème mains"]
    assert world["selective"] in queries.visible_brands(world["approved"])
    assert world["selective"] not in queries.visible_brands(world["other"])
    assert world["selective"] not in queries.visible_brands(None)
    assert queries.product_for(world["approved"], seller, world["prestige"].pk) == world["prestige"]
    with pytest.raises(NotFound):
        queries.product_for(world["other"], seller, world["prestige"].pk)
    with pytest.raises(NotFound):
        queries.product_for(None, seller, world["prestige"].pk)


def test_inactive_products_hidden_from_buyers_not_from_the_seller(world):
    seller = world["seller"]
    with pytest.raises(NotFound):
        queries.product_for(world["approved"], seller, world["hidden"].pk)
    own = [p.sku for p in queries.products_for_seller(seller, seller)]
    assert own == ["LE-OLD", "LE-001", "LP-001"]


def test_revoked_approval_hides_the_brand_again(world):
    approval = world["selective"].approvals.get()
    services.brand_approval_revoke(actor=world["seller_user"], approval=approval)
    with pytest.raises(NotFound):
        queries.product_for(world["approved"], world["seller"], world["prestige"].pk)


def test_suspended_seller_disappears(world, operator):
    party_services.organization_suspend(
        actor=operator, organization=world["seller"], reason="Contrôle"
    )
    with pytest.raises(NotFound):
        queries.products_for_seller(world["approved"], world["seller"].pk)
    assert world["seller"] not in queries.visible_sellers(world["approved"])


def test_search_by_sku_gtin_title(world):
    seller, buyer = world["seller"], world["approved"]
    assert [p.sku for p in queries.products_for_seller(buyer, seller, "le-001")] == ["LE-001"]
    assert [p.sku for p in queries.products_for_seller(buyer, seller, GTIN)] == ["LE-001"]
    assert [p.sku for p in queries.products_for_seller(buyer, seller, "sérum")] == ["LP-001"]


def test_keyset_pages(world):
    user, seller = world["seller_user"], world["seller"]
    for i in range(7):
        services.product_create(actor=user, seller=seller, sku=f"B-{i}", title="Baume")
    seen = []
    page = queries.product_page(world["other"], seller, limit=3)
    assert page.total == 8
    while True:
        seen.extend(p.sku for p in page.items)
        if page.next_cursor is None:
            break
        page = queries.product_page(world["other"], seller, after=page.next_cursor, limit=3)
    expected = [p.sku for p in queries.products_for_seller(world["other"], seller)]
    assert seen == expected and len(seen) == 8


def test_a_buyers_full_pages_are_the_visible_products_in_order(world):
    """A signed-in buyer's pages of PAGE_SIZE run compiled reads (core.compiled): each viewer
    walks exactly the products it may see (C2), ties on the title broken by id."""
    user, seller = world["seller_user"], world["seller"]
    for i in range(queries.PAGE_SIZE + 7):
        brand = world["selective"] if i % 5 == 0 else None
        services.product_create(
            actor=user, seller=seller, sku=f"T-{i:03}", title=f"Tube {i % 3}", brand=brand
        )
    for viewer in (world["approved"], world["other"], seller):
        seen, page = [], queries.product_page(viewer, seller)
        while True:
            seen.extend(p.sku for p in page.items)
            if page.next_cursor is None:
                break
            page = queries.product_page(viewer, seller, after=page.next_cursor)
        assert seen == [p.sku for p in queries.products_for_seller(viewer, seller)]
        assert queries.product_page(viewer, seller).total == len(seen)  # counted compiled too
    assert len(seen) == queries.PAGE_SIZE + 7 + 3  # the seller's own list: inactive ones too
    assert queries._BUYER_NEXT_PAGE._built is not None  # the buyers' pages were compiled


def test_products_by_sku_are_the_visible_products_with_those_skus(world):
    """A checkout's SKUs (compiled up to SKU_READ_SIZE, padded with values no SKU can hold):
    the same products as filtering `products_for_seller`, for each viewer (C1, C2)."""
    user, seller = world["seller_user"], world["seller"]
    for i in range(25):
        brand = world["selective"] if i % 4 == 0 else None
        services.product_create(actor=user, seller=seller, sku=f"K-{i:02}", title="K", brand=brand)
    lists = (
        ["K-01", "K-04", "NOPE"],
        [f"K-{i:02}" for i in range(queries.SKU_READ_SIZE)],
        [f"K-{i:02}" for i in range(25)],  # more than the compiled read takes
        ["K-03", "K-03"],
        [],
    )
    for viewer in (world["approved"], world["other"], seller):
        for skus in lists:
            found = queries.products_by_sku(viewer, seller, skus)
            expected = queries.products_for_seller(viewer, seller).filter(sku__in=skus)
            assert sorted(p.sku for p in found) == sorted(p.sku for p in expected), skus
    hidden = queries.products_by_sku(world["other"], seller, ["K-04", "K-05"])
    assert [p.sku for p in hidden] == ["K-05"]  # a selective brand it is not approved for
    assert queries._BUYER_SKUS._built is not None


def test_products_by_sku_reads_once(world, django_assert_num_queries):
    services.product_create(
        actor=world["seller_user"], seller=world["seller"], sku="Q-1", title="Q"
    )
    queries.products_by_sku(world["approved"], world["seller"], ["Q-1"])
    with django_assert_num_queries(1):
        (product,) = queries.products_by_sku(world["approved"], world["seller"], ["Q-1"])
        _ = product.brand, product.stock if hasattr(product, "stock") else None


def test_product_list_query_count(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        page = queries.product_page(world["approved"], world["seller"])
        for product in page.items:
            _ = product.brand and product.brand.name  # read with the page; stock is not shown


def test_a_page_of_products_holds_what_lists_show(world):
    """A page is read with `LIST_FIELDS` only: the web list's rows, the API's items and their
    prices read nothing more per product, for each viewer, browsing and searching (C1-C3, P5)."""
    from comptoir.api.catalog import _product
    from comptoir.web.templatetags.product_rows import product_rows

    user, seller = world["seller_user"], world["seller"]
    made = [
        services.product_create(
            actor=user,
            seller=seller,
            sku=f"R-{i:03}",
            title=f"Rouge {i}",
            brand=world["selective"] if i % 3 == 0 else None,
        )
        for i in range(queries.PAGE_SIZE + 5)
    ]
    services.tariff_create(
        actor=user,
        seller=seller,
        name="Tarif",
        valid_from=date(2026, 1, 1),
        prices={p.pk: Decimal("3.50") for p in made},
    )
    for viewer in (world["approved"], world["other"], seller, None):
        for search in ("", "rouge"):
            with CaptureQueriesContext(connection) as reads:
                page = queries.product_page(viewer, seller, search=search)
                prices = queries.prices_for(buyer=viewer, products=page.items, at=date(2026, 6, 1))
                product_rows([(p, prices.get(p.pk)) for p in page.items], "/products/")
                items = [_product(p, prices.get(p.pk)) for p in page.items]
            assert len(reads) <= 7, [q["sql"][:80] for q in reads.captured_queries]
            assert items and prices
            assert {"description", "created_at"} <= page.items[0].get_deferred_fields()


# --- prices ------------------------------------------------------------------------------------


@pytest.fixture
def priced(world):
    user, seller, product = world["seller_user"], world["seller"], world["essential"]
    services.tariff_create(
        actor=user,
        seller=seller,
        name="Tarif 2026",
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        prices={product.pk: Decimal("10.00"), world["prestige"].pk: Decimal("40.00")},
    )
    services.tariff_create(
        actor=user,
        seller=seller,
        name="Tarif 2027",
        valid_from=date(2027, 1, 1),
        prices={product.pk: Decimal("11.00")},
    )
    return world


@pytest.mark.parametrize("day", [date(2025, 12, 31), date(2026, 6, 1), date(2027, 3, 1)])
def test_a_pages_prices_read_compiled_are_the_ordinary_reads(priced, day):
    """Up to a page of products, the tariff prices come from a compiled read padded with ids no
    product has (C3); more than a page, or odd ids, take the ordinary read: the same rows."""
    user, seller = priced["seller_user"], priced["seller"]
    extra = [
        services.product_create(actor=user, seller=seller, sku=f"X-{i:03}", title=f"Pot {i}").pk
        for i in range(queries.PAGE_SIZE + 2)
    ]
    services.tariff_create(
        actor=user,
        seller=seller,
        name="Tarif pots",
        valid_from=date(2026, 3, 1),
        prices={pk: Decimal("2.50") for pk in extra},
    )
    known = [priced["essential"].pk, priced["prestige"].pk, priced["hidden"].pk]
    for ids in (known, known + known, extra[:3] + known, extra, [0, *known]):
        expected = list(queries._tariff_price_rows(ids, day))
        assert queries._tariff_prices(ids, day) == expected
    assert queries._PAGE_PRICES._built is not None


def test_price_is_the_tariff_in_force_on_the_date(priced):
    buyer, product = priced["approved"], priced["essential"]
    assert queries.price_for(buyer=buyer, product=product, at=date(2025, 12, 31)) is None
    p2026 = queries.price_for(buyer=buyer, product=product, at=date(2026, 12, 31))
    assert p2026.unit_price_excl_vat == Decimal("10.0000")
    assert p2026.unit_price_incl_vat == Decimal("12.0000")
    assert (p2026.tariff_name, p2026.rules) == ("Tarif 2026", ("C3",))
    p2027 = queries.price_for(buyer=buyer, product=product, at=date(2027, 1, 1))
    assert (p2027.unit_price_excl_vat, p2027.tariff_name) == (Decimal("11.0000"), "Tarif 2027")


def test_customer_condition_overrides_the_tariff_for_that_buyer_only(priced):
    services.customer_condition_set(
        actor=priced["seller_user"],
        seller=priced["seller"],
        buyer=priced["approved"],
        discount_percent=Decimal("15"),
        valid_from=date(2026, 1, 1),
    )
    at = date(2026, 6, 1)
    mine = queries.price_for(buyer=priced["approved"], product=priced["essential"], at=at)
    theirs = queries.price_for(buyer=priced["other"], product=priced["essential"], at=at)
    assert mine.unit_price_excl_vat == Decimal("8.5000")
    assert mine.list_price_excl_vat == Decimal("10.0000")
    assert mine.rules == ("C3", "C5") and mine.condition_discount_percent == Decimal("15")
    assert theirs.unit_price_excl_vat == Decimal("10.0000")

    # the explanation is written in the reader's language (it was French on English pages)
    with translation.override("en"):
        mine = queries.price_for(buyer=priced["approved"], product=priced["essential"], at=at)
    assert mine.explanation == (
        "Tariff “Tarif 2026” in force on 01/06/2026, customer condition −15 %"
    )


def test_customer_condition_applies_within_its_dates_and_with_its_seller_only(priced):
    """C5: the condition applies from its first day to its last (inclusive), and a condition with
    another seller does not lower this seller's prices, in one call over both sellers."""
    user, buyer, product = priced["seller_user"], priced["approved"], priced["essential"]
    services.customer_condition_set(
        actor=user,
        seller=priced["seller"],
        buyer=buyer,
        discount_percent=Decimal("10"),
        valid_from=date(2026, 3, 1),
        valid_to=date(2026, 3, 31),
    )
    second_user = make_user()
    second = make_org(seller=True, owner=second_user)
    services.customer_condition_set(
        actor=second_user,
        seller=second,
        buyer=buyer,
        discount_percent=Decimal("50"),
        valid_from=date(2026, 1, 1),
    )
    second_product = services.product_create(
        actor=second_user, seller=second, sku="S2-001", title="Savon"
    )
    services.tariff_create(
        actor=second_user,
        seller=second,
        name="Tarif S2",
        valid_from=date(2026, 1, 1),
        prices={second_product.pk: Decimal("20.00")},
    )

    def unit(at):
        both = queries.prices_for(buyer=buyer, products=[product, second_product], at=at)
        return both[product.pk].unit_price_excl_vat, both[second_product.pk].unit_price_excl_vat

    assert unit(date(2026, 2, 28)) == (Decimal("10.0000"), Decimal("10.0000"))
    assert unit(date(2026, 3, 1)) == (Decimal("9.0000"), Decimal("10.0000"))
    assert unit(date(2026, 3, 31)) == (Decimal("9.0000"), Decimal("10.0000"))
    assert unit(date(2026, 4, 1)) == (Decimal("10.0000"), Decimal("10.0000"))
    theirs = queries.prices_for(
        buyer=priced["other"], products=[product, second_product], at=date(2026, 3, 15)
    )
    assert [p.condition_discount_percent for p in theirs.values()] == [None, None]


def test_prices_entered_incl_vat(priced):
    product = services.product_update(
        actor=priced["seller_user"], product=priced["essential"], prices_include_vat=True
    )
    info = queries.price_for(buyer=priced["approved"], product=product, at=date(2026, 6, 1))
    assert info.unit_price_incl_vat == Decimal("10.0000")
    assert info.unit_price_excl_vat == Decimal("8.3333")


def test_employee_without_view_prices_gets_no_price(priced):
    buyer, owner = priced["approved"], priced["approved_owner"]
    clerk = make_user()
    party_services.membership_add(
        actor=owner, organization=buyer, user=clerk, permissions=["view_products", "use_cart"]
    )
    at = date(2026, 6, 1)
    assert queries.price_for(buyer=buyer, product=priced["essential"], at=at, user=clerk) is None
    assert queries.price_for(buyer=buyer, product=priced["essential"], at=at, user=owner)


def test_no_price_for_a_selective_product_not_approved(priced):
    at = date(2026, 6, 1)
    assert queries.price_for(buyer=priced["other"], product=priced["prestige"], at=at) is None
    assert queries.price_for(buyer=priced["approved"], product=priced["prestige"], at=at)


def test_selective_brand_read_with_the_products_or_asked(priced, django_assert_num_queries):
    """C2: prices_for takes the brand read with a product list, and asks for the others."""
    at, other = date(2026, 6, 1), priced["other"]
    listed = list(queries.products_for_seller(priced["approved"], priced["seller"]))
    bare = list(Product.objects.filter(pk__in=[p.pk for p in listed]))
    with django_assert_num_queries(3):  # approvals, tariffs, customer condition: no brands
        from_list = queries.prices_for(buyer=other, products=listed, at=at)
    with django_assert_num_queries(4):  # the brands asked for once more
        from_bare = queries.prices_for(buyer=other, products=bare, at=at)
    assert set(from_list) == set(from_bare) == {priced["essential"].pk}


def test_members_only_price_hidden_from_visitors(priced):
    product = services.product_update(
        actor=priced["seller_user"], product=priced["essential"], members_only_price=True
    )
    at = date(2026, 6, 1)
    assert queries.price_for(buyer=None, product=product, at=at) is None
    assert queries.price_for(buyer=priced["other"], product=product, at=at) is not None


def test_prices_for_many_products_in_constant_queries(priced, django_assert_max_num_queries):
    products = list(queries.products_for_seller(priced["approved"], priced["seller"]))
    with django_assert_max_num_queries(4):
        prices = queries.prices_for(
            buyer=priced["approved"], products=products, at=date(2026, 6, 1)
        )
    assert set(prices) == {priced["essential"].pk, priced["prestige"].pk}


def test_tiers_and_promotions(priced):
    user, seller = priced["seller_user"], priced["seller"]
    services.price_tier_set(actor=user, seller=seller, threshold=Decimal("300"), discount_percent=3)
    services.price_tier_set(actor=user, seller=seller, threshold=Decimal("800"), discount_percent=6)
    services.price_tier_set(
        actor=user, seller=seller, threshold=Decimal("300"), discount_percent=5, profile="gold"
    )
    tiers = queries.price_tiers_for(buyer=priced["approved"], seller=seller)
    assert rules.select_tier(tiers, Decimal("299.99")) is None
    assert rules.select_tier(tiers, Decimal("900")).discount_percent == Decimal("6")
    services.customer_condition_set(
        actor=user,
        seller=seller,
        buyer=priced["approved"],
        discount_percent=0,
        valid_from=date(2026, 1, 1),
        pricing_profile="gold",
    )
    gold = queries.price_tiers_for(buyer=priced["approved"], seller=seller)
    assert [t.discount_percent for t in gold] == [Decimal("5.00")]
    promo = services.promotion_create(
        actor=user,
        seller=seller,
        name="Printemps",
        percent=Decimal("10"),
        valid_from=date(2026, 3, 1),
        valid_to=date(2026, 3, 31),
        brand=priced["essential"].brand,
        stacks_with_tier=True,
    )
    assert queries.promotion_for(product=priced["essential"], at=date(2026, 3, 15)) == promo
    assert queries.promotion_for(product=priced["essential"], at=date(2026, 4, 1)) is None
    assert queries.promotion_for(product=priced["prestige"], at=date(2026, 3, 15)) is None
    assert rules.combined_discount(
        tier_percent=Decimal("6"), promotion_percent=Decimal("10"), stacks_with_tier=True
    ) == Decimal("15.40")
    assert rules.combined_discount(
        tier_percent=Decimal("6"), promotion_percent=Decimal("10"), stacks_with_tier=False
    ) == Decimal("10")


# --- stock -------------------------------------------------------------------------------------


def test_stock_set_and_constraints(world):
    product = world["essential"]
    stock = services.stock_set(actor=world["seller_user"], product=product, on_hand=24)
    assert (stock.on_hand, stock.reserved, stock.available) == (24, 0, 24)
    StockLevel.objects.filter(pk=stock.pk).update(reserved=10)
    with pytest.raises(DomainError) as raised:
        services.stock_set(actor=world["seller_user"], product=product, on_hand=9)
    assert raised.value.code == "below_reserved"
    with pytest.raises(DomainError) as raised:  # beyond an integer column: refused, not stored
        services.stock_set(actor=world["seller_user"], product=product, on_hand=2**31)
    assert (raised.value.code, raised.value.field) == ("number_too_large", "on_hand")
    for values in ({"on_hand": -1}, {"reserved": -1}, {"reserved": 25}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StockLevel.objects.filter(pk=stock.pk).update(**values)


def test_pack_size_constraint_in_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=world["essential"].pk).update(pack_size=0)


def test_removed_product_disappears_and_stays_inactive(world, operator):
    product = services.product_remove(
        actor=operator, product=world["essential"], reason="Signalement : contrefaçon"
    )
    assert not product.is_active and product.removal_reason
    with pytest.raises(NotFound):
        queries.product_for(world["other"], world["seller"], product.pk)
    with pytest.raises(DomainError) as raised:
        services.product_update(actor=world["seller_user"], product=product, is_active=True)
    assert raised.value.rule == "P6"


def test_following_pages_reuse_the_first_pages_total(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, seller = world["seller_user"], world["seller"]
    for i in range(7):
        services.product_create(actor=user, seller=seller, sku=f"B-{i}", title="Baume")
    first = queries.product_page(world["other"], seller, limit=3)
    with CaptureQueriesContext(connection) as done:
        second = queries.product_page(
            world["other"], seller, after=first.next_cursor, limit=3, known_total=first.total
        )
    assert not any("COUNT(" in q["sql"].upper() for q in done.captured_queries)
    assert second.total == first.total == 8 and not second.total_is_capped
    capped = queries.product_page(
        world["other"], seller, search="Baume", after=first.next_cursor, known_total=1001
    )
    assert (capped.total, capped.total_is_capped) == (queries.SEARCH_COUNT_CAP, True)


def test_the_next_page_link_carries_the_total(world, client):
    from django.urls import reverse

    user, seller = world["seller_user"], world["seller"]
    for i in range(60):
        services.product_create(actor=user, seller=seller, sku=f"N-{i:02d}", title=f"Nuit {i:02d}")
    client.force_login(user)
    url = reverse("web:seller_products", args=[seller.pk])
    first = client.get(url).content.decode()
    total = queries.product_page(seller, seller).total
    assert f"n={total}" in first
    cursor = first.split("after=")[1].split("&amp;")[0]
    second = client.get(f"{url}?after={cursor}&n=4321").content.decode()
    assert "4321" in second  # shown as counted on the first page, not counted again


def test_a_large_list_counts_up_to_its_cap(world, client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    monkeypatch.setattr(queries, "LIST_COUNT_CAP", 5)
    user, seller = world["seller_user"], world["seller"]
    for i in range(7):
        services.product_create(actor=user, seller=seller, sku=f"C-{i}", title=f"Cire {i}")
    with CaptureQueriesContext(connection) as done:
        first = queries.product_page(world["other"], seller, limit=3)
    [count] = [q["sql"] for q in done.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 6" in count.upper()  # reads at most one row past the cap
    assert (first.total, first.total_is_capped) == (5, True)
    following = queries.product_page(
        world["other"], seller, after=first.next_cursor, limit=3, known_total=6
    )
    assert (following.total, following.total_is_capped) == (5, True)
    exact = queries.product_page(world["other"], seller, search="Cire", limit=3)
    assert (exact.total, exact.total_is_capped) == (7, False)  # a search has its own cap
    client.force_login(user)
    client.cookies["django_language"] = "en"
    url = reverse("web:seller_products", args=[seller.pk])
    # a following page (the first holds all ten of the seller's own products: no count there)
    page = client.get(url, {"after": first.next_cursor, "n": 6}).content.decode()
    assert "More than 5 products; search by name, SKU or EAN to find one." in page


def test_a_buyers_compiled_count_stops_at_the_cap(world, monkeypatch):
    """A buyer's first page counts through a compiled read (core.compiled): up to the cap too."""
    monkeypatch.setattr(queries, "LIST_COUNT_CAP", 5)
    monkeypatch.setattr(queries._BUYER_COUNT, "_built", None)  # built again with that cap
    user, seller = world["seller_user"], world["seller"]
    for i in range(queries.PAGE_SIZE + 2):
        services.product_create(actor=user, seller=seller, sku=f"K-{i:02}", title=f"Khôl {i}")
    with CaptureQueriesContext(connection) as done:
        first = queries.product_page(world["other"], seller)
    [count] = [q["sql"] for q in done.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 6" in count.upper()
    assert (first.total, first.total_is_capped) == (5, True)


def test_selective_brands_are_excluded_within_the_product_query(world, django_assert_num_queries):
    """C2 in one round trip: the list's query leaves out the brands the buyer is not approved
    for, and follows an approval's revocation at once."""
    seller = world["seller"]
    with django_assert_num_queries(1):
        assert [p.sku for p in queries.products_for_seller(world["other"], seller)] == ["LE-001"]
    with django_assert_num_queries(1):
        approved = [p.sku for p in queries.products_for_seller(world["approved"], seller)]
    assert approved == ["LE-001", "LP-001"]
    approval = world["selective"].approvals.get()
    services.brand_approval_revoke(actor=world["seller_user"], approval=approval)
    assert [p.sku for p in queries.products_for_seller(world["approved"], seller)] == ["LE-001"]
    assert [p.sku for p in queries.products_for_seller(None, seller)] == ["LE-001"]
