"""A search by name pages through the same products, in the same order, as the whole search, with
the count the page shows: a broad word (more matches than the count's cap) and a rare one (a single
page, counted from the page itself). Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog import queries, services
from comptoir.catalog.models import Product
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db

BROAD = 1_040  # "Clavier …" titles, more than SEARCH_COUNT_CAP


@pytest.fixture
def shop():
    seller_user = make_user()
    seller = make_org(seller=True, owner=seller_user)
    buyer = make_org(buyer=True, owner=make_user())
    hidden_brand = services.brand_create(
        actor=seller_user, seller=seller, name="Marque sélective", selective=True
    )
    words = ["Clavier", "Souris", "Écran", "Câble"]
    products = [
        Product(
            seller=seller,
            sku=f"S-{i:05d}",
            # the broad word in most titles, spread among the others in title order and on disk
            title=f"{'Clavier' if i % 5 else words[i % 4]} modèle {i % 97:03d}",
            vat_rate=Decimal("20.00"),
        )
        for i in range(BROAD * 5 // 4)
    ]
    # the rare word: equal titles (ordered by id), another case, and two the buyer may not see
    rare = [
        ("T-3", "Trackball B", {}),
        ("T-1", "Trackball A", {}),
        ("T-2", "Trackball B", {}),
        ("T-4", "trackball c", {}),
        ("T-5", "Trackball A", {"is_active": False}),
        ("T-6", "Trackball A", {"brand": hidden_brand}),
    ]
    products += [
        Product(seller=seller, sku=sku, title=title, vat_rate=Decimal("20.00"), **more)
        for sku, title, more in rare
    ]
    Product.objects.bulk_create(products)
    return seller, buyer


def _all_pages(buyer, seller, term: str) -> tuple[list[int], list[queries.ProductPage]]:
    """Follow the pages as the product list does: the next link carries the first page's total."""
    page = queries.product_page(buyer, seller, search=term)
    pages = [page]
    while page.next_cursor:
        carried = pages[0].total + 1 if pages[0].total_is_capped else pages[0].total
        page = queries.product_page(
            buyer, seller, search=term, after=page.next_cursor, known_total=carried
        )
        pages.append(page)
    return [p.pk for page in pages for p in page.items], pages


def test_a_broad_word_pages_through_every_match_in_order_with_a_capped_count(shop):
    seller, buyer = shop
    expected = list(
        queries.products_for_seller(buyer, seller, "clavier").values_list("pk", flat=True)
    )
    assert len(expected) > queries.SEARCH_COUNT_CAP
    titles = dict(Product.objects.filter(pk__in=expected).values_list("pk", "title"))
    assert all("clavier" in titles[pk].lower() for pk in expected)
    with CaptureQueriesContext(connection) as done:
        seen, pages = _all_pages(buyer, seller, "clavier")
    # the first page read its count with its ids; the following ones carry it: no COUNT at all
    assert not any("COUNT(" in q["sql"].upper() for q in done.captured_queries)
    assert seen == expected
    assert len(pages) == -(-len(expected) // queries.PAGE_SIZE)
    assert {(p.total, p.total_is_capped) for p in pages} == {(queries.SEARCH_COUNT_CAP, True)}


def test_a_rare_word_is_one_page_in_title_then_id_order_counted_from_the_page(shop):
    seller, buyer = shop
    with CaptureQueriesContext(connection) as done:
        page = queries.product_page(buyer, seller, search="trackball")
    skus = [p.sku for p in page.items]
    assert skus == ["T-1", "T-3", "T-2", "T-4"]  # "Trackball B" twice: by id, as created
    assert (page.total, page.total_is_capped, page.next_cursor) == (4, False, None)
    assert not any("COUNT(" in q["sql"].upper() for q in done.captured_queries)
    whole = list(queries.products_for_seller(buyer, seller, "trackball").values_list("sku"))
    assert [s for (s,) in whole] == skus


def test_a_word_just_over_a_page_is_counted_exactly(shop):
    seller, buyer = shop
    term = "souris"  # one title in 20: more than a page, under the cap
    expected = list(queries.products_for_seller(buyer, seller, term).values_list("pk", flat=True))
    assert queries.PAGE_SIZE < len(expected) < queries.SEARCH_COUNT_CAP
    with CaptureQueriesContext(connection) as done:
        seen, pages = _all_pages(buyer, seller, term)
    assert not any("COUNT(" in q["sql"].upper() for q in done.captured_queries)
    assert seen == expected
    assert {(p.total, p.total_is_capped) for p in pages} == {(len(expected), False)}


def test_a_short_plain_list_is_counted_from_its_page(shop):
    seller, buyer = shop
    other = make_org(seller=True, owner=make_user())
    Product.objects.bulk_create(
        Product(seller=other, sku=f"O-{i}", title=f"Outil {i}", vat_rate=Decimal("20.00"))
        for i in range(3)
    )
    with CaptureQueriesContext(connection) as done:
        page = queries.product_page(buyer, other)
    assert (page.total, page.next_cursor) == (3, None)
    assert not any("COUNT(" in q["sql"].upper() for q in done.captured_queries)
    assert queries.product_page(buyer, seller).total == len(
        queries.products_for_seller(buyer, seller)
    )


@pytest.mark.postgres_only
def test_the_search_by_name_reads_sort_title_from_its_indexes_on_postgres():
    """The list index ends with the columns a search walk reads (no UPPER(title) since
    migration 0009), and the trigram index is on `sort_title`, the column a search matches."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalog_product'"
        )
        indexes = dict(cursor.fetchall())
    assert "(seller_id, is_active, sort_title, id, brand_id)" in indexes["product_seller_list_idx"]
    assert "gin (sort_title gin_trgm_ops)" in indexes["product_sort_title_trgm_idx"]
    assert "product_title_trgm_idx" not in indexes


def test_a_reference_finds_its_sku_prefix_in_title_order(shop):
    seller, buyer = shop
    found, pages = _all_pages(buyer, seller, "s-0001")
    expected = [
        p.pk
        for p in queries.products_for_seller(buyer, seller)
        if p.sku.upper().startswith("S-0001") or "S-0001" in p.title.upper()
    ]
    assert found == expected and len(found) == pages[0].total == 10  # S-00010 … S-00019


@pytest.mark.postgres_only
def test_the_sku_prefix_has_its_index_on_postgres():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'product_sku_upper_prefix_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "upper((sku)::text) text_pattern_ops" in definition
