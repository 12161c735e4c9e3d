"""An EDI trading pair: a seller under the electronics-wholesale terms (orders by web and EDI,
manual acceptance) with GTIN-coded products, and a buyer; both identified by GLN (O14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from comptoir.core import clock
from comptoir.parties.models import Organization
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop

DATA = Path(__file__).parent / "data"
BUYER_GLN = "3012345000017"
SELLER_GLN = "3012345000024"
OTHER_GLN = "3012345000031"
ORDERED_AT = datetime(2026, 11, 30, 10, 0, tzinfo=clock.PARIS)
GTINS = {
    "EL-100": "3760123450010",
    "EL-200": "",
    "EL-300": "3760123450034",
    "EL-400": "3760123450027",
}


def set_gln(org: Organization, gln: str) -> Organization:
    Organization.objects.filter(pk=org.pk).update(gln=gln)
    org.refresh_from_db()
    return org


def sample(name: str) -> str:
    return (DATA / name).read_text(encoding="iso8859-1")


@dataclass
class Pair:
    shop: Shop
    buyer: Buyer
    other: Buyer


def make_pair(preset: str = "electronics-wholesale", source: str | None = None) -> Pair:
    shop = make_shop(
        preset,
        [
            ("EL-100", "25.00", 1, 100),
            ("EL-200", "12.50", 1, 100),
            ("EL-300", "40.00", 4, 100),
            ("EL-400", "9.90", 1, 100),
        ],
        source=source,
    )
    for sku, gtin in GTINS.items():
        product = shop.products[sku]
        type(product).objects.filter(pk=product.pk).update(gtin=gtin)
        product.refresh_from_db()
    set_gln(shop.seller, SELLER_GLN)
    buyer = make_buyer()
    set_gln(buyer.org, BUYER_GLN)
    other = make_buyer()
    set_gln(other.org, OTHER_GLN)
    return Pair(shop, buyer, other)


@pytest.fixture
def pair(db) -> Pair:
    return make_pair()


def orders_text(
    *,
    reference: str = "ICB9001",
    number: str = "PO-9001",
    sender: str = BUYER_GLN,
    buyer: str = BUYER_GLN,
    seller: str = SELLER_GLN,
    lines: tuple[tuple[str, str, str], ...] = (("3760123450010", "", "10"),),
    function: str = "9",
    note: str = "",
    delivery: str = "",
) -> str:
    """An ORDERS interchange: `lines` are (GTIN, SKU, quantity); `function` is BGM 1225 (9
    original, 5 replace, 1 cancellation), `note` an FTX+AAI, `delivery` a NAD+DP segment."""
    body = [
        f"BGM+220+{number}+{function}'",
        "DTM+137:20261130:102'",
        *([f"FTX+AAI+++{note}'"] if note else []),
        f"NAD+BY+{buyer}::9'",
        f"NAD+SU+{seller}::9'",
        *([delivery] if delivery else []),
    ]
    for n, (gtin, sku, qty) in enumerate(lines, start=1):
        body.append(f"LIN+{n}++{gtin}:EN'" if gtin else f"LIN+{n}'")
        if sku:
            body.append(f"PIA+5+{sku}:SA'")
        body.append(f"QTY+21:{qty}'")
    body += ["UNS+S'", f"CNT+2:{len(lines)}'"]
    segments = [
        f"UNB+UNOC:3+{sender}:14+{seller}:14+261130:0900+{reference}'",
        "UNH+1+ORDERS:D:96A:UN:EAN008'",
        *body,
        f"UNT+{len(body) + 2}+1'",
        f"UNZ+1+{reference}'",
    ]
    return "\n".join(segments) + "\n"
