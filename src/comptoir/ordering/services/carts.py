"""Carts: one per (buyer, seller) (O1). Setting a line, quick order from pasted SKU lines or a
CSV, reorder of a past order. Users need the `use_cart` permission of the buyer (P4)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog import queries as catalog
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Cart, CartLine, Order
from comptoir.ordering.quoting import LineRequest
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission

MAX_LINES = 1000


def _cart(actor: Any, buyer: Organization, seller: Organization) -> Cart:
    if actor is not None:
        require_permission(actor, buyer, Permission.USE_CART)
    catalog.seller_for(buyer, seller.pk)
    cart, _created = Cart.objects.get_or_create(buyer=buyer, seller=seller)
    return cart


def _products(buyer: Organization, seller: Organization, skus: Sequence[str]) -> dict[str, Any]:
    return {p.sku: p for p in catalog.products_for_seller(buyer, seller).filter(sku__in=list(skus))}


@transaction.atomic
def cart_line_set(
    *, actor: Any, buyer: Organization, seller: Organization, sku: str, quantity: int
) -> Cart:
    """Set the quantity of a SKU in the cart; 0 removes the line."""
    if not isinstance(quantity, int) or quantity < 0 or quantity > 1_000_000:
        raise DomainError("invalid_quantity", _("A whole quantity from 0."), field="quantity")
    cart = _cart(actor, buyer, seller)
    product = _products(buyer, seller, [sku]).get(sku)
    if product is None:
        raise DomainError(
            "unknown_sku", _("Unknown SKU '%(sku)s'.") % {"sku": sku}, field="sku", rule="C1"
        )
    if quantity == 0:
        CartLine.objects.filter(cart=cart, product=product).delete()
    else:
        CartLine.objects.update_or_create(
            cart=cart, product=product, defaults={"quantity": quantity}
        )
    cart.updated_at = clock.now()
    cart.save(update_fields=["updated_at"])
    return cart


def parse_quick_order(text: str, *, header: bool = True) -> list[LineRequest]:
    """Lines of "SKU;quantity", "SKU,quantity", "SKU<tab>quantity" or "SKU quantity" (with
    `header`, a CSV export's header row is skipped); the same SKU twice adds up. Errors name the
    line."""
    requests: dict[str, int] = {}
    rows = list(csv.reader(io.StringIO(text.replace("\t", ";")), delimiter=";"))
    if rows and len(rows[0]) == 1 and "," in rows[0][0]:
        rows = list(csv.reader(io.StringIO(text), delimiter=","))
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) == 1 and " " in cells[0]:
            cells = cells[0].rsplit(None, 1)
        if not cells:
            continue
        if len(cells) != 2:
            raise DomainError(
                "invalid_line",
                _("Line %(number)s: expected a SKU and a quantity.") % {"number": number},
                field=f"lines[{number - 1}]",
            )
        sku, raw = cells
        if not raw.isdigit():
            if number == 1 and header:  # a header row
                continue
            raise DomainError(
                "invalid_quantity",
                _("Line %(number)s: '%(value)s' is not a whole quantity.")
                % {"number": number, "value": raw},
                field=f"lines[{number - 1}].quantity",
            )
        requests[sku] = requests.get(sku, 0) + int(raw)
        if len(requests) > MAX_LINES:
            raise DomainError(
                "too_many_lines",
                ngettext("At most %(count)s line.", "At most %(count)s lines.", MAX_LINES)
                % {"count": MAX_LINES},
                field="lines",
            )
    return [LineRequest(sku, qty) for sku, qty in requests.items() if qty > 0]


@transaction.atomic
def cart_lines_add(
    *, actor: Any, buyer: Organization, seller: Organization, lines: Sequence[LineRequest]
) -> Cart:
    """Quick order and reorder: add every line to the cart, or none if one SKU is unknown."""
    cart = _cart(actor, buyer, seller)
    found = _products(buyer, seller, [line.sku for line in lines])
    for i, line in enumerate(lines):
        if line.sku not in found:
            raise DomainError(
                "unknown_sku",
                _("Unknown SKU '%(sku)s'.") % {"sku": line.sku},
                field=f"lines[{i}].sku",
                rule="C1",
            )
        if line.quantity <= 0:
            raise DomainError(
                "invalid_quantity",
                _("Quantities must be at least 1."),
                field=f"lines[{i}].quantity",
            )
    existing = {cl.product_id: cl for cl in CartLine.objects.filter(cart=cart)}
    for line in lines:
        product = found[line.sku]
        if product.pk in existing:
            cart_line = existing[product.pk]
            cart_line.quantity += line.quantity
            cart_line.save(update_fields=["quantity"])
        else:
            existing[product.pk] = CartLine.objects.create(
                cart=cart, product=product, quantity=line.quantity
            )
    cart.updated_at = clock.now()
    cart.save(update_fields=["updated_at"])
    return cart


def cart_reorder(*, actor: Any, order: Order) -> Cart:
    """Put a past order's lines back in the cart (products no longer sold are left out)."""
    if actor is not None:
        require_permission(actor, order.buyer_id, Permission.USE_CART)
    buyer, seller = order.buyer, order.seller
    available = _products(buyer, seller, [line.sku for line in order.lines.all()])
    lines = [
        LineRequest(line.sku, line.quantity) for line in order.lines.all() if line.sku in available
    ]
    return cart_lines_add(actor=actor, buyer=buyer, seller=seller, lines=lines)


@transaction.atomic
def cart_clear(*, actor: Any, buyer: Organization, seller: Organization) -> None:
    cart = _cart(actor, buyer, seller)
    CartLine.objects.filter(cart=cart).delete()
