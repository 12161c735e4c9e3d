"""What placing an order reads (O13, C2, P6): the seller the caller has read is not read again,
the selective brands are left out inside the product query, and which products count stock comes
from the products read with their stock. The stock held stays exactly what it was."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.models import StockLevel
from comptoir.core.errors import NotFound
from comptoir.parties.models import OrganizationState
from tests.ordering.conftest import make_shop, place

pytestmark = pytest.mark.django_db

FROM = re.compile(r'^SELECT .*? FROM "(\w+)"', re.S)


def _tables_read(queries: list[dict]) -> list[str]:
    """The table each top-level SELECT reads first (a subquery's table is not counted)."""
    found = (FROM.match(q["sql"]) for q in queries)
    return [m.group(1) for m in found if m]


def test_placing_reads_no_seller_brand_or_stock_row_apart(buyer):
    shop = make_shop(
        "electronics-wholesale",
        [("A", "120.00", 1, 50), ("B", "80.00", 1, 0), ("K", "40.00", 1, 5)],
        kinds={"K": "license_key"},
    )
    StockLevel.objects.filter(product=shop.products["B"]).delete()  # counts no stock
    with CaptureQueriesContext(connection) as done:
        order = place(shop, buyer, [("A", 3), ("B", 2), ("K", 1)])
    read = _tables_read(done.captured_queries)
    assert "catalog_product" in read  # the products, with their brand and stock, in one query
    assert not {"parties_organization", "catalog_brand", "catalog_stocklevel"} & set(read), read
    held = {line.sku: line.reserved_quantity for line in order.lines.all()}
    assert held == {"A": 3, "B": 0, "K": 0}
    stock = {s.product.sku: s.reserved for s in StockLevel.objects.select_related("product")}
    assert stock == {"A": 3, "K": 0}


def test_a_seller_suspended_before_placing_is_refused(buyer):
    """P6: the seller is checked on the object the caller read; one read suspended is refused
    like one read from the database."""
    shop = make_shop("electronics-wholesale", [("A", "120.00", 1, 50)])
    shop.seller.state = OrganizationState.SUSPENDED
    with pytest.raises(NotFound):
        place(shop, buyer, [("A", 3)])
    assert not StockLevel.objects.filter(reserved__gt=0).exists()
