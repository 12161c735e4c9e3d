"""Shared builders for the engine tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from comptoir.terms.engine.inputs import Cart, CartLine

AT = datetime(2026, 11, 5, 9, 30, tzinfo=UTC)


def cart_of(*amounts: str, vat: str = "20", pack: int = 1, **kwargs) -> Cart:
    """One line per amount: quantity 1 × unit price = the amount."""
    return Cart(
        lines=tuple(
            CartLine(f"SKU-{i}", 1, Decimal(a), Decimal(vat), pack) for i, a in enumerate(amounts)
        ),
        **kwargs,
    )


def line(sku: str, qty: int, price: str, vat: str = "20", pack: int = 1, **kw) -> CartLine:
    return CartLine(sku, qty, Decimal(price), Decimal(vat), pack, **kw)
