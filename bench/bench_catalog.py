"""Product list of a seller with 100,000 products (issue: foundation; budget 50 ms median).

Measures the whole page through Django's test client (routing, session, queries, template), as a
logged-in buyer who sees prices: first page, a later page (keyset cursor), and a search by name.
The data set is built at the start of each run (`bench/run.py` starts from empty databases).
"""

from __future__ import annotations

import html
import statistics
import time
from datetime import date
from decimal import Decimal

NEEDS_DB = True
PRODUCTS = 100_000
BUDGET_MS = 50.0
SELLER_SIREN = "732829320"


def build() -> tuple[int, int]:
    from django.core.management import call_command

    from comptoir.catalog.models import Brand, Product, StockLevel, Tariff, TariffPrice
    from comptoir.parties.models import Membership, Organization, OrganizationState, User

    call_command("migrate", verbosity=0)
    seller, _ = Organization.objects.get_or_create(
        siren=SELLER_SIREN,
        is_seller=True,
        defaults={"legal_name": "Bench Grossiste SAS", "state": OrganizationState.ACTIVE},
    )
    buyer, _ = Organization.objects.get_or_create(
        siren="552100554",
        is_buyer=True,
        defaults={"legal_name": "Bench Acheteur SARL", "state": OrganizationState.ACTIVE},
    )
    user = User.objects.filter(email="bench@comptoir.example").first()
    if user is None:
        user = User.objects.create_user("bench@comptoir.example", "bench-password")
    Membership.objects.get_or_create(
        user=user, organization=buyer, defaults={"is_owner": True, "user_code": "BENCH-1"}
    )
    if Product.objects.filter(seller=seller).count() < PRODUCTS:
        Product.objects.filter(seller=seller).delete()
        brands = [
            Brand.objects.get_or_create(seller=seller, name=f"Marque {i}")[0] for i in range(20)
        ]
        tariff, _ = Tariff.objects.get_or_create(
            seller=seller, name="Tarif 2026", defaults={"valid_from": date(2026, 1, 1)}
        )
        words = ["Câble", "Chargeur", "Écran", "Clavier", "Souris", "Batterie", "Hub", "Casque"]
        batch = 5_000
        for start in range(0, PRODUCTS, batch):
            products = Product.objects.bulk_create(
                Product(
                    seller=seller,
                    brand=brands[i % 20],
                    sku=f"SKU-{i:06d}",
                    title=f"{words[i % len(words)]} modèle {i:06d}",
                    vat_rate=Decimal("20.00"),
                    pack_size=(1, 6, 12)[i % 3],
                )
                for i in range(start, min(start + batch, PRODUCTS))
            )
            if not products[0].pk:  # backends that do not return ids
                skus = [p.sku for p in products]
                products = list(Product.objects.filter(seller=seller, sku__in=skus))
            TariffPrice.objects.bulk_create(
                TariffPrice(tariff=tariff, product=p, unit_price=Decimal("9.90") + p.pk % 50)
                for p in products
            )
            StockLevel.objects.bulk_create(
                StockLevel(product=p, on_hand=p.pk % 40) for p in products
            )
    from django.db import connection

    with connection.cursor() as cursor:  # statistics and visibility map, as autovacuum keeps them
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return seller.pk, user.pk


def measure(client, url: str, repeat: int = 60) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(samples), len(queries)


def run() -> list[dict]:
    from django.test import Client

    from comptoir.parties.models import User

    seller_id, user_id = build()
    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    base = f"/sellers/{seller_id}/products/"
    first = client.get(base)
    marker = b'rel="next"'
    # the "next" link as a browser follows it: cursor and the total counted on the first page
    href = first.content.split(marker)[0].rsplit(b'href="', 1)[1].split(b'"')[0].decode()
    results = []
    for name, url in (
        ("product list, first page (100,000 products)", base),
        ("product list, next page (keyset cursor)", base + html.unescape(href)),
        ("product list, search by name", f"{base}?q=Clavier"),
    ):
        median, queries = measure(client, url)
        results.append(
            {
                "name": f"{name}, {queries} queries",
                "median_ms": round(median, 1),
                "budget": f"≤ {BUDGET_MS:g} ms",
                "ok": median <= BUDGET_MS,
            }
        )
    return results
