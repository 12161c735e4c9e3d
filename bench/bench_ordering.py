"""Ordering benchmarks: placing orders through the service layer with 8 concurrent workers, and
the monthly batch (O6) of 10,000 orders, processed and invoiced by the deadline sweep.

.venv/bin/python bench/run.py bench_ordering          # both databases, records the figures
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from decimal import Decimal

NEEDS_DB = True
WORKERS = int(os.environ.get("BENCH_WORKERS", "8"))
PER_WORKER = 100  # 800 orders: about 15 s, long enough to say what the workers sustain
BATCH_ORDERS = 10_000


def _shop(preset: str, skus: int, stock: int):
    import random

    from comptoir.catalog.models import Product, StockLevel, Tariff, TariffPrice
    from comptoir.core import clock
    from comptoir.parties.models import Address, Organization
    from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish

    seller = Organization.objects.create(
        legal_name=f"Vendeur {preset}",
        siren=str(random.randint(10**8, 10**9 - 1)),
        is_seller=True,
        state="active",
    )
    Address.objects.create(
        organization=seller, kind="registered", line1="1 rue A", postcode="75001", city="Paris"
    )
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        version = terms_version_publish(
            version=terms_version_create_from_preset(seller=seller, preset=preset)
        )
    tariff = Tariff.objects.create(seller=seller, name="T", valid_from=datetime(2026, 1, 1).date())
    products = Product.objects.bulk_create(
        Product(
            seller=seller, sku=f"SKU-{i}", title=f"Article {i}", vat_rate=Decimal(20), pack_size=1
        )
        for i in range(skus)
    )
    TariffPrice.objects.bulk_create(
        TariffPrice(tariff=tariff, product=p, unit_price=Decimal("12.50")) for p in products
    )
    StockLevel.objects.bulk_create(StockLevel(product=p, on_hand=stock) for p in products)
    return seller, version, products


def _buyer(n: int):
    import random

    from comptoir.parties.models import Organization

    return Organization.objects.create(
        legal_name=f"Acheteur {n}",
        siren=str(random.randint(10**8, 10**9 - 1)),
        is_buyer=True,
        state="active",
    )


def _placing() -> dict:
    """WORKERS processes (as web workers are), each placing PER_WORKER orders for its buyer.
    Like gunicorn's workers (Procfile, `--preload`), they are forked from a parent that ran
    `comptoir.warmup.warm_up()`, so the figure is that of serving processes, not of cold starts."""
    import multiprocessing

    from django.db import connection

    from comptoir.core import clock
    from comptoir.warmup import warm_up

    clock.freeze(datetime(2026, 11, 19, 10, 0, tzinfo=clock.PARIS))
    seller, version, products = _shop("electronics-wholesale", 40, 1_000_000)
    buyers = [_buyer(n) for n in range(WORKERS)]
    warm_up()  # also closes the connection: each forked worker opens its own
    ctx = multiprocessing.get_context("fork")
    barrier, errors = ctx.Barrier(WORKERS + 1), ctx.Queue()

    def work(i: int) -> None:
        from django.db import connection

        from comptoir.ordering.quoting import LineRequest
        from comptoir.ordering.services import Submission, order_place

        connection.close()
        barrier.wait()
        try:
            for n in range(PER_WORKER):
                skus = [products[(i * 7 + n + k) % len(products)].sku for k in range(3)]
                order_place(
                    actor=None,
                    submission=Submission(
                        buyer=buyers[i],
                        seller=seller,
                        lines=tuple(LineRequest(sku, 2 + k) for k, sku in enumerate(skus)),
                        accepted_terms_version=version.version,
                        idempotency_key=f"bench-{i}-{n}",
                    ),
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.put(repr(exc))
        finally:
            connection.close()

    workers = [ctx.Process(target=work, args=(i,)) for i in range(WORKERS)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if not errors.empty():
        raise RuntimeError(errors.get())
    total = WORKERS * PER_WORKER
    return {
        "name": f"place {total} orders of 3 lines, {WORKERS} worker processes (service layer)",
        "per_s": round(total / elapsed, 1),
        "budget": "≥ 100 orders/s (PostgreSQL)",
        "ok": (total / elapsed) >= 100 if connection.vendor == "postgresql" else None,
    }


def _monthly_batch() -> dict:
    """10,000 accepted orders of a monthly-batch seller, inserted directly (setup, not timed),
    then processed and invoiced by the deadline sweep on the second Tuesday."""
    from comptoir.core import clock
    from comptoir.ordering.models import Order, OrderLine
    from comptoir.ordering.rules import start_of_day
    from comptoir.ordering.services import orders_apply_deadlines

    placed = datetime(2026, 11, 5, 9, 0, tzinfo=clock.PARIS)
    clock.freeze(placed)
    seller, version, products = _shop("monthly-intranet", 20, 0)
    buyers = [_buyer(n) for n in range(200)]
    processing = datetime(2026, 11, 10).date()
    quote = {"fees": [], "discounts": []}
    orders = Order.objects.bulk_create(
        Order(
            buyer=buyers[i % len(buyers)],
            seller=seller,
            state="accepted",
            idempotency_key=f"batch-{i}",
            request_hash="-",
            terms_version=version,
            placed_at=placed,
            quote=quote,
            payment_method="sepa_debit",
            total_excl_vat=Decimal("150.00"),
            total_vat=Decimal("30.00"),
            total_incl_vat=Decimal("180.00"),
            processing_on=processing,
            next_deadline_at=start_of_day(processing),
            next_action="process",
            state_changed_at=placed,
            number=f"CO-B{seller.pk}-{i:06d}",
        )
        for i in range(BATCH_ORDERS)
    )
    OrderLine.objects.bulk_create(
        (
            OrderLine(
                order=o,
                position=k + 1,
                product=products[(i + k) % len(products)],
                sku=products[(i + k) % len(products)].sku,
                title="Article",
                requested_quantity=6,
                quantity=6,
                unit_price=Decimal("12.50"),
                vat_rate=Decimal(20),
                net_amount=Decimal("75.00"),
            )
            for i, o in enumerate(orders)
            for k in range(2)
        ),
        batch_size=2000,
    )
    at = datetime(2026, 11, 10, 0, 5, tzinfo=clock.PARIS)
    clock.freeze(at)
    start, cpu = time.perf_counter(), time.process_time()
    done = orders_apply_deadlines(until=at)
    elapsed, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    invoiced = Order.objects.filter(seller=seller, invoice__isnull=False).count()
    assert done == BATCH_ORDERS and invoiced == BATCH_ORDERS, (done, invoiced)
    return {
        "name": f"monthly batch: process and invoice {BATCH_ORDERS} orders (sweep, O6, I1)",
        "total_s": round(elapsed, 2),
        "cpu_s": round(cpu_s, 2),
        "budget": "≤ 60 s",
        "ok": elapsed <= 60,
    }


def run() -> list[dict]:
    from django.core.management import call_command

    from bench_billing import _ensure_database

    _ensure_database()
    call_command("migrate", verbosity=0)
    return [_placing(), _monthly_batch()]
