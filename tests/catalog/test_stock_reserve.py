"""Holding several products' stock at once (O13): one UPDATE, the short products named, the
rest held until the caller's transaction rolls back."""

from __future__ import annotations

import pytest
from django.db import transaction

from comptoir.catalog.models import Product, StockLevel
from comptoir.catalog.services import stock_managed, stock_managed_among, stock_reserve_many
from tests.ordering.conftest import make_shop

pytestmark = pytest.mark.django_db


def reserved(shop) -> dict[str, int]:
    return {
        s.product.sku: s.reserved
        for s in StockLevel.objects.select_related("product").filter(product__seller=shop.seller)
    }


def test_every_product_with_enough_stock_is_held_in_one_query(django_assert_num_queries) -> None:
    shop = make_shop("electronics-wholesale", [("A", "1.00", 1, 10), ("B", "1.00", 1, 5)])
    a, b = shop.products["A"].pk, shop.products["B"].pk
    with django_assert_num_queries(1):
        assert stock_reserve_many({a: 10, b: 2}) == set()
    assert reserved(shop) == {"A": 10, "B": 2}
    assert stock_reserve_many({a: 0, b: -1}) == set()  # nothing asked, nothing held
    assert reserved(shop) == {"A": 10, "B": 2}


def test_a_short_product_is_named_and_the_rollback_releases_the_rest() -> None:
    shop = make_shop("electronics-wholesale", [("A", "1.00", 1, 10), ("B", "1.00", 1, 5)])
    a, b = shop.products["A"].pk, shop.products["B"].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        assert stock_reserve_many({a: 3, b: 6}) == {b}  # 5 on hand for B
        raise RuntimeError("the caller refuses the order")
    assert reserved(shop) == {"A": 0, "B": 0}
    assert stock_reserve_many({a: 10, b: 5}) == set()  # exactly what is on hand
    assert stock_reserve_many({a: 1}) == {a}


def test_products_read_with_their_stock_say_which_count_stock_without_a_query(
    django_assert_num_queries,
) -> None:
    """O13: physical products with a stock row count stock; one without a row, or a licence
    key even with a row, does not. Read with `select_related("stock")`, no query asks it."""
    shop = make_shop(
        "electronics-wholesale",
        [("A", "1.00", 1, 10), ("B", "1.00", 1, None), ("K", "1.00", 1, 5)],
        kinds={"K": "license_key"},
    )
    StockLevel.objects.filter(product=shop.products["B"]).delete()  # a product without a row
    ids = [p.pk for p in shop.products.values()]
    with_stock = list(Product.objects.filter(pk__in=ids).select_related("stock"))
    with django_assert_num_queries(0):
        managed = stock_managed_among(with_stock)
    assert managed == {shop.products["A"].pk} == stock_managed(ids)
    bare = list(Product.objects.filter(pk__in=ids))
    with django_assert_num_queries(1):  # read without their stock: asked in one query
        assert stock_managed_among(bare) == managed
    with django_assert_num_queries(1):  # bare ids too
        assert stock_managed_among(ids) == managed
