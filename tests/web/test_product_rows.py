"""The product list's rows built in Python (web/templatetags/product_rows.py): the cells the
template showed, every value escaped, a dash where there is nothing (C1, C3, P4)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import translation

from comptoir.catalog.models import Brand, Product
from comptoir.catalog.queries import PriceInfo
from comptoir.web.templatetags.product_rows import product_rows

HOSTILE = '<script>alert("x")</script>'


def _price(amount: str) -> PriceInfo:
    unit = Decimal(amount)
    return PriceInfo(
        product_id=7,
        at=date(2026, 12, 3),
        unit_price_excl_vat=unit,
        unit_price_incl_vat=unit * Decimal("1.2"),
        list_price_excl_vat=unit,
        vat_rate=Decimal("20"),
        tariff_id=1,
        tariff_name="Tarif",
        condition_discount_percent=None,
        rules=("C3",),
        explanation="",
    )


def _cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in html.split("\n")]


def test_a_row_holds_the_product_its_brand_and_its_price_escaped():
    product = Product(
        pk=7,
        title=f"Bol {HOSTILE}",
        sku="BOL-<1>",
        gtin="3012345678901",
        pack_size=12,
        brand=Brand(pk=3, name="Faïence & Fils"),
    )
    with translation.override("fr"):
        html = product_rows([(product, _price("1234.5"))], "/sellers/2/products/")
    assert "<script" not in html
    assert _cells(html) == [
        [
            '<a href="/sellers/2/products/7/">Bol &lt;script&gt;alert(&quot;x&quot;)'
            "&lt;/script&gt;</a>",
            "Faïence &amp; Fils",
            "<code>BOL-&lt;1&gt;</code>",
            "3012345678901",
            "12",
            "1\u202f234,50\xa0€",
        ]
    ]
    assert html.startswith('<tr data-testid="product-row">')
    assert 'data-testid="price"' in html


def test_missing_brand_ean_and_price_show_a_dash():
    bare = Product(pk=8, title="Assiette", sku="ASS-1", gtin="", pack_size=1)
    with translation.override("en"):
        html = product_rows([(bare, None)], "/sellers/2/products/")
    cells = _cells(html)[0]
    assert cells[1] == "—" and cells[3] == "—"
    assert cells[5] == '<span class="muted" title="Price not shown">—</span>'


def test_rows_come_one_per_product_in_their_order():
    products = [Product(pk=n, title=f"P{n}", sku=f"S{n}", pack_size=1) for n in (3, 1, 2)]
    html = product_rows([(p, _price("2")) for p in products], "/p/")
    assert re.findall(r'href="/p/(\d+)/"', html) == ["3", "1", "2"]
    assert html.count("<tr") == 3


def test_no_row_says_so_in_the_readers_language():
    with translation.override("en"):
        assert product_rows([], "/p/") == '<tr><td colspan="6">No product matches.</td></tr>'
    with translation.override("fr"):
        assert "Aucun produit" in product_rows([], "/p/")
