"""Stock movements driven by orders (O13): reserve at checkout, release when an order ends
unserved, issue when goods ship. Each is one conditional UPDATE, so concurrent checkouts can never
reserve more than is on hand (the database re-checks the condition under the row lock).

Only physical products are stock-managed; digital goods and software are delivered from key pools
or links (D1–D3), so there is nothing to reserve. These functions run inside the caller's
transaction (checkout, cancellation, shipment)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import F

from comptoir.catalog.models import Product, ProductKind, StockLevel
from comptoir.core import clock


def stock_managed(product_ids: list[int]) -> set[int]:
    """The physical products among `product_ids` (those whose stock is counted)."""
    return set(
        StockLevel.objects.filter(
            product_id__in=product_ids, product__kind=ProductKind.PHYSICAL
        ).values_list("product_id", flat=True)
    )


def stock_managed_among(products: Iterable[Product | int]) -> set[int]:
    """`stock_managed` for products already read: those read with their stock
    (`select_related("stock")`, as the checkout reads them) are answered without a query; the
    others, and bare ids, are asked in one."""
    managed: set[int] = set()
    unread: list[int] = []
    for product in products:
        if isinstance(product, int):
            unread.append(product)
        elif Product.stock.is_cached(product):
            stock = getattr(product, "stock", None)  # None when the product has no stock row
            if stock is not None and product.kind == ProductKind.PHYSICAL:
                managed.add(product.pk)
        else:
            unread.append(product.pk)
    return managed | (stock_managed(unread) if unread else set())


def stock_reserve_many(quantities: Mapping[int, int]) -> set[int]:
    """Hold several products' quantities in one UPDATE; returns the products that lacked stock.

    The rows are taken in product order, so two checkouts never wait on each other crosswise.
    When the result is not empty, the products that had enough are held: the caller refuses the
    order and its transaction rolls back."""
    wanted = sorted((pid, q) for pid, q in quantities.items() if q > 0)
    if not wanted:
        return set()
    qn = connection.ops.quote_name
    table = qn(StockLevel._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(wanted))
    sql = (
        f"WITH v (pid, q) AS (VALUES {values}) "  # noqa: S608
        f"UPDATE {table} SET reserved = reserved + v.q, updated_at = %s FROM v "
        f"WHERE {table}.product_id = v.pid AND {table}.on_hand >= {table}.reserved + v.q "
        f"RETURNING {table}.product_id"
    )
    params: list[Any] = [x for row in wanted for x in row]
    params.append(_now_for_db())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        held = {row[0] for row in cursor.fetchall()}
    return {pid for pid, _q in wanted} - held


def _now_for_db() -> Any:
    """The clock's instant as the database driver takes it for `updated_at`."""
    return StockLevel._meta.get_field("updated_at").get_db_prep_save(clock.now(), connection)


def stock_release(*, product_id: int, quantity: int) -> None:
    """Give back `quantity` reserved units (order refused, lapsed, cancelled or reduced)."""
    if quantity > 0:
        StockLevel.objects.filter(product_id=product_id, reserved__gte=quantity).update(
            reserved=F("reserved") - quantity, updated_at=clock.now()
        )


def stock_issue(*, product_id: int, quantity: int) -> None:
    """Goods leave the warehouse: `quantity` reserved units are no longer on hand (F2)."""
    if quantity > 0:
        StockLevel.objects.filter(product_id=product_id, reserved__gte=quantity).update(
            reserved=F("reserved") - quantity,
            on_hand=F("on_hand") - quantity,
            updated_at=clock.now(),
        )


def stock_available(product_id: int) -> int | None:
    row = StockLevel.objects.filter(product_id=product_id).values("on_hand", "reserved").first()
    return None if row is None else row["on_hand"] - row["reserved"]


def stock_return(*, product_id: int, quantity: int) -> None:
    """Goods come back to the warehouse (a parcel returned to the seller, F7): `quantity` units
    are on hand again."""
    if quantity > 0:
        StockLevel.objects.filter(product_id=product_id).update(
            on_hand=F("on_hand") + quantity, updated_at=clock.now()
        )
