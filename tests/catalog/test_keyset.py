"""Keyset pages (`core.cursors.after_key`): the rows after a key are exactly those that follow it
in the list's order, ties on the sort column broken by id, and the database starts its index
range at the key instead of reading every earlier row again."""

from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.catalog import queries
from comptoir.catalog.models import Product
from comptoir.core.cursors import after_key
from tests.parties.factories import make_org
from tests.plans import query_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return make_org(seller=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(titles=st.lists(st.sampled_from(["a", "b", "b ", "c", "ca"]), min_size=1, max_size=12))
def test_the_rows_after_a_key_are_those_that_follow_it(seller, titles):
    Product.objects.filter(seller=seller).delete()
    Product.objects.bulk_create(
        Product(seller=seller, sku=f"K-{n}", title=t, sort_title=t) for n, t in enumerate(titles)
    )
    mine = Product.objects.filter(seller=seller)
    keys = list(mine.order_by("sort_title", "id").values_list("sort_title", "id"))
    for n, (title, pk) in enumerate(keys):
        after = mine.filter(after_key("sort_title", title, pk)).order_by("sort_title", "id")
        assert list(after.values_list("sort_title", "id")) == keys[n + 1 :]
        before = mine.filter(after_key("sort_title", title, pk, descending=True))
        newest_first = list(reversed(keys[:n]))
        assert list(before.order_by("-sort_title", "-id").values_list("sort_title", "id")) == (
            newest_first
        )


def test_a_following_page_starts_the_index_range_at_its_key(seller):
    buyer = make_org(buyer=True)
    Product.objects.bulk_create(
        Product(seller=seller, sku=f"P-{n}", title=f"t{n:03}", sort_title=f"t{n:03}")
        for n in range(120)
    )
    key = ("t060", Product.objects.get(seller=seller, sku="P-60").pk)
    pages = (
        # a buyer's list (the compiled read) and the seller's own, inactive products included
        (queries._buyer_page(seller.pk, buyer.pk, key), "product_seller_list_idx"),
        (
            queries.products_for_seller(seller, seller).filter(after_key("sort_title", *key)),
            "product_seller_all_idx",
        ),
    )
    for page, index in pages:
        plan = query_plan(*page.query.sql_with_params())
        if connection.vendor == "postgresql":
            # either index serves a buyer's list there: the planner picks
            scan = plan.split("Index Scan using product_seller_")[1]
            assert "sort_title)::text >= " in scan.split("Index Cond:")[1].split("\n")[0]
            assert "Sort Key" not in plan  # read in the index's order
        else:
            assert f"USING INDEX {index} (seller_id=? AND " in plan and "sort_title>?" in plan
            assert "TEMP B-TREE" not in plan
