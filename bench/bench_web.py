"""Web load (issue "Faces"): the pages and the API served by gunicorn as in production, under load.

Seeds one seller with 100,000 products (prices, stock, tariff) and orders of 10 lines (100,000
orders, 1,000,000 lines, at the budget's scale) spread over 300 buyers and over the order
states, in bulk (COPY). Then starts gunicorn as the Procfile does (2 sync workers,
COMPTOIR_DEBUG=0, the same settings) on a free local port and drives it with locust
(bench/locustfile.py), 16 users without think time, one scenario at a time: the seller's product
list (first and following pages), an order page of the buyer, and an order placed through the
API (quote + place). PostgreSQL only: on SQLite it returns no rows.

    .venv/bin/python bench/run.py bench_web --db postgres --no-record

Environment: BENCH_WEB_PRODUCTS (100000), BENCH_WEB_ORDERS (100000 of 10 lines, the budget's
1,000,000 lines; seeding them takes about 30 s), BENCH_WEB_USERS (16), BENCH_WEB_SECONDS (30,
measured), BENCH_WEB_WARMUP (5, not measured), BENCH_WEB_WORKERS (2).
The seeded data stays in the cluster of the run: a later module of the same run, or a second
scenario, reuses it.
"""

from __future__ import annotations

import csv
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

NEEDS_DB = True
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PRODUCTS = int(os.environ.get("BENCH_WEB_PRODUCTS", "100000"))
ORDERS = int(os.environ.get("BENCH_WEB_ORDERS", "100000"))  # the budget's 1,000,000 lines
LINES = 10
BUYERS = 300
USERS = int(os.environ.get("BENCH_WEB_USERS", "16"))
SECONDS = int(os.environ.get("BENCH_WEB_SECONDS", "30"))
WARMUP = int(os.environ.get("BENCH_WEB_WARMUP", "5"))
WORKERS = os.environ.get("BENCH_WEB_WORKERS", "2")
PASSWORD = "bench-web-password"
SELLER_NAME = f"Bench Web Grossiste SAS ({PRODUCTS} products, {ORDERS} orders)"
# state, share of the orders, the actions after "place" that led there
STATES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("submitted", 10, ()),
    ("accepted", 20, ("accept",)),
    ("in_progress", 10, ("accept", "start")),
    ("shipped", 10, ("accept", "start", "ship")),
    ("delivered", 35, ("accept", "start", "ship", "deliver")),
    ("refused", 5, ("refuse",)),
    ("cancelled", 10, ("cancel",)),
)
TRAIL = ("submitted", "accepted", "in_progress", "shipped", "delivered")


def _text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format (the seeded strings hold no tab or newline)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _copy(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into the model's table: `columns` (attnames) vary per row, every other column
    takes the field's default (or NULL), computed once."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    fields = {f.attname: f for f in model._meta.concrete_fields}
    rest = [
        f
        for name, f in fields.items()
        if name not in columns and not f.primary_key and f.db_default is NOT_PROVIDED
    ]
    tail = ""
    for f in rest:
        if f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            value = datetime.now(UTC)
        elif f.empty_strings_allowed:
            value = ""
        else:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
        tail += "\t" + _text(value)
    names = ", ".join(f'"{fields[c].column}"' for c in columns)
    names += "".join(f', "{f.column}"' for f in rest)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
            buffer: list[str] = []
            for row in rows:
                buffer.append("\t".join(map(_text, row)) + tail + "\n")
                count += 1
                if len(buffer) >= 20_000:
                    copy.write("".join(buffer))
                    buffer.clear()
            if buffer:
                copy.write("".join(buffer))
    return count


def _next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _sync_sequence(model: Any) -> None:
    from django.db import connection

    table = model._meta.db_table  # a model's table, not input
    sql = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
    sql += f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _seller() -> tuple[Any, Any, Any]:
    from comptoir.catalog.models import Tariff
    from comptoir.core import clock
    from comptoir.parties.models import Address, Organization
    from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish

    seller = Organization.objects.create(
        legal_name=SELLER_NAME,
        siren=str(random.randint(10**8, 10**9 - 1)),
        is_seller=True,
        state="active",
    )
    Address.objects.create(
        organization=seller, kind="registered", line1="8 quai A", postcode="44000", city="Nantes"
    )
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        version = terms_version_publish(
            version=terms_version_create_from_preset(seller=seller, preset="electronics-wholesale")
        )
    tariff = Tariff.objects.create(seller=seller, name="Tarif 2026", valid_from=date(2026, 1, 1))
    return seller, version, tariff


def _price(i: int) -> Decimal:
    return Decimal("9.90") + i % 50


def _seed_products(seller: Any, tariff: Any) -> int:
    from comptoir.catalog.models import Brand, Product, StockLevel, TariffPrice
    from comptoir.core.sorting import sort_key

    brands = Brand.objects.bulk_create(Brand(seller=seller, name=f"Marque {i}") for i in range(20))
    words = ["Câble", "Chargeur", "Écran", "Clavier", "Souris", "Batterie", "Hub", "Casque"]
    first = _next_id(Product)
    titles = (f"{words[i % len(words)]} modèle {i:06d}" for i in range(PRODUCTS))
    _copy(
        Product,
        ["id", "seller_id", "brand_id", "sku", "title", "sort_title", "vat_rate", "pack_size"],
        (
            (
                first + i,
                seller.pk,
                brands[i % 20].pk,
                f"W-{i:06d}",
                title,
                sort_key(title),
                Decimal("20.00"),
                (1, 6, 12)[i % 3],
            )
            for i, title in enumerate(titles)
        ),
    )
    _sync_sequence(Product)
    _copy(
        TariffPrice,
        ["tariff_id", "product_id", "unit_price"],
        ((tariff.pk, first + i, _price(i)) for i in range(PRODUCTS)),
    )
    _copy(
        StockLevel,
        ["product_id", "on_hand"],
        ((first + i, 100_000 + i % 40) for i in range(PRODUCTS)),
    )
    return first


def _seed_buyers(seller: Any) -> list[tuple[Any, Any]]:
    from django.contrib.auth.hashers import make_password

    from comptoir.parties.models import Membership, Organization, User

    buyers = Organization.objects.bulk_create(
        Organization(
            legal_name=f"Acheteur Web {n:03d} SARL",
            siren=str(random.randint(10**8, 10**9 - 1)),
            is_buyer=True,
            state="active",
        )
        for n in range(BUYERS)
    )
    password = make_password(PASSWORD)  # one hash for all: argon2 is slow by design
    users = User.objects.bulk_create(
        User(email=f"buyer{n:03d}-{seller.pk}@web.bench.example", password=password)
        for n in range(BUYERS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organization=b, is_owner=True, user_code=f"WEB-{seller.pk}-{n:03d}")
        for n, (b, u) in enumerate(zip(buyers, users, strict=True))
    )
    return list(zip(buyers, users, strict=True))


def _seed_orders(seller: Any, version: Any, first_product: int, buyers: list) -> None:
    """ORDERS orders of LINES lines, consistent totals (VAT 20 %), the timeline of their state."""
    from comptoir.ordering.models import Order, OrderEvent, OrderLine

    first = _next_id(Order)
    start = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)
    span = (datetime(2026, 11, 25, tzinfo=UTC) - start).total_seconds()
    plan: list[str] = [state for state, share, _ in STATES for _ in range(share)]
    steps = {state: trail for state, _, trail in STATES}
    rng = random.Random(7)
    order_rows: list[tuple] = []
    line_rows: list[tuple] = []
    event_rows: list[tuple] = []
    for i in range(ORDERS):
        pk = first + i
        state = plan[i % len(plan)]
        buyer, user = buyers[i % len(buyers)]
        placed = start + timedelta(seconds=span * i / ORDERS)
        excl = Decimal("0.00")
        for k in range(LINES):
            p = rng.randrange(PRODUCTS)
            qty = (1, 6, 12)[p % 3] * (1 + k % 3)
            net = _price(p) * qty
            excl += net
            line_rows.append(
                (pk, k + 1, first_product + p, f"W-{p:06d}", f"Article {p:06d}", qty, qty)
                + (_price(p), Decimal("20.00"), net)
            )
        vat = (excl * Decimal("0.20")).quantize(Decimal("0.01"))
        changed = placed + timedelta(hours=len(steps[state]) * 20)
        reason = "Rupture de stock." if state in ("refused", "cancelled") else ""
        order_rows.append(
            (pk, f"CO-2026-{pk:06d}", buyer.pk, seller.pk, state, f"web-{pk}", "-", version.pk)
            + (user.pk, placed, {"fees": [], "discounts": []}, "bank_transfer", excl, vat)
            + (excl + vat, changed, reason, (placed + timedelta(days=2)).date())
        )
        event_rows.append((pk, placed, user.pk, "place", "", "submitted", "O9"))
        before = "submitted"
        for n, action in enumerate(steps[state], start=1):
            after = state if action in ("refuse", "cancel") else TRAIL[n]
            actor = user.pk if action == "cancel" else None
            event_rows.append(
                (pk, placed + timedelta(hours=20 * n), actor, action, before, after, "")
            )
            before = after
    _copy(
        Order,
        ["id", "number", "buyer_id", "seller_id", "state", "idempotency_key", "request_hash"]
        + ["terms_version_id", "placed_by_id", "placed_at", "quote", "payment_method"]
        + ["total_excl_vat", "total_vat", "total_incl_vat", "state_changed_at", "reason"]
        + ["acceptance_due_on"],
        order_rows,
    )
    _sync_sequence(Order)
    _copy(
        OrderLine,
        ["order_id", "position", "product_id", "sku", "title", "requested_quantity", "quantity"]
        + ["unit_price", "vat_rate", "net_amount"],
        line_rows,
    )
    _copy(
        OrderEvent,
        ["order_id", "at", "actor_id", "action", "from_state", "to_state", "rule"],
        event_rows,
    )


def seed() -> dict:
    """The data set, built once per cluster; returns what the load script needs."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from comptoir.catalog.models import Product
    from comptoir.ordering.models import Order
    from comptoir.parties.models import Membership, Organization

    call_command("migrate", verbosity=0)
    seller = Organization.objects.filter(legal_name=SELLER_NAME, is_seller=True).first()
    seconds = 0.0
    if seller is None or Order.objects.filter(seller=seller).count() < ORDERS:
        started = time.perf_counter()
        with transaction.atomic():
            seller, version, tariff = _seller()
            first_product = _seed_products(seller, tariff)
            buyers = _seed_buyers(seller)
            _seed_orders(seller, version, first_product, buyers)
        with connection.cursor() as cursor:  # statistics and visibility map, as autovacuum does
            cursor.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
    members = list(
        Membership.objects.filter(user_code__startswith=f"WEB-{seller.pk}-")
        .select_related("user", "organization")
        .order_by("user_code")[: max(USERS, 32)]
    )
    buyers_out = []
    for m in members:
        numbers = list(
            Order.objects.filter(buyer=m.organization, seller=seller).values_list(
                "number", flat=True
            )
        )
        buyers_out.append({"email": m.user.email, "orders": numbers})
    skus = list(
        Product.objects.filter(seller=seller).order_by("?").values_list("sku", "pack_size")[:2000]
    )
    return {
        "seller_id": seller.pk,
        "password": PASSWORD,
        "buyers": buyers_out,
        "products": [[sku, pack] for sku, pack in skus],
        "seed_s": round(seconds, 1),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int) -> subprocess.Popen:
    """gunicorn as the Procfile starts it (warmed up in the master, `--preload`), with DEBUG off;
    waits until it answers."""
    env = dict(os.environ, COMPTOIR_DEBUG="0", COMPTOIR_PORT=str(port), WEB_CONCURRENCY=WORKERS)
    env["PYTHONPATH"] = str(ROOT / "src")
    bin_dir = Path(sys.executable).parent
    log = (OUT / "web-gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "comptoir.wsgi:application", "--preload"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--access-logfile", "-"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start: see var/bench/web-gunicorn.log")


def load(user_class: str, host: str, data_path: Path) -> dict:
    """One locust run, headless; the figures of the measured part (after the warm-up)."""
    prefix = OUT / f"web-{user_class}"
    env = dict(os.environ, BENCH_WEB_DATA=str(data_path), BENCH_WEB_WARMUP=str(WARMUP))
    env["BENCH_WEB_SECONDS"] = str(SECONDS)  # the locustfile stops the run after them
    loadavg = Path("/proc/loadavg").read_text().split()[0]
    subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py")]
        + ["--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{WARMUP + SECONDS + 120}s"]
        + ["--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
        + [user_class],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    rows: dict[str, dict[str, Any]] = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["50%"] == "N/A":  # no request of that name after the warm-up
                continue
            rows[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "per_s": float(row["Requests/s"]),
                "median_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
            }
    rows["load"] = {"start": loadavg, "end": Path("/proc/loadavg").read_text().split()[0]}
    return rows


def _row(name: str, figures: dict, load: dict, budget: str, ok: bool | None) -> dict:
    return {
        "name": f"{name}: p50 {figures['median_ms']:g} ms, p95 {figures['p95_ms']:g} ms, "
        f"{figures['failures']} failures of {figures['count']}, load {load['start']}",
        "per_s": round(figures["per_s"], 1),
        "budget": budget,
        "ok": ok,
        **{k: figures[k] for k in ("median_ms", "p95_ms", "failures", "count")},
        "load_start": load["start"],
        "load_end": load["end"],
    }


def run() -> list[dict]:
    from django.db import connection

    from bench_billing import _ensure_database

    _ensure_database()
    if connection.vendor != "postgresql":
        return []  # the budgets are for PostgreSQL behind gunicorn; SQLite is not measured
    OUT.mkdir(parents=True, exist_ok=True)
    data = seed()
    data_path = OUT / "web-data.json"
    data_path.write_text(json.dumps(data))
    connection.close()
    port = _free_port()
    server = serve(port)
    host = f"http://127.0.0.1:{port}"
    try:
        listing = load("ProductListUser", host, data_path)
        detail = load("OrderPageUser", host, data_path)
        placing = load("PlaceOrderUser", host, data_path)
    finally:
        server.terminate()
        server.wait(timeout=30)
    scale = f"{PRODUCTS:,} products, {ORDERS * LINES:,} order lines"

    def within(f: dict) -> bool:
        return f["per_s"] >= 250 and f["p95_ms"] <= 100 and f["failures"] == 0

    none = {"count": 0, "failures": 0, "per_s": 0.0, "median_ms": 0.0, "p95_ms": 0.0}
    page = listing.get("Aggregated", none)
    order = detail.get("Aggregated", none)
    place = placing.get("api: place", none)  # no order placed in the window: 0 orders/s
    place = dict(place, failures=placing.get("Aggregated", none)["failures"])
    rows = [
        {
            "name": f"web: seed {scale} (COPY; 0 = reused)",
            "total_s": data["seed_s"],
            "budget": "(information)",
        },
        _row(
            f"web: product list, pages 1-5, {USERS} users ({scale})",
            page,
            listing["load"],
            "≥ 250 req/s, p95 ≤ 100 ms",
            within(page),
        ),
        _row(
            f"web: order page of the buyer, {USERS} users",
            order,
            detail["load"],
            "≥ 250 req/s, p95 ≤ 100 ms",
            within(order),
        ),
        _row(
            f"web: API quote + place, {USERS} users (orders/s)",
            place,
            placing["load"],
            "≥ 70 orders/s",
            place["per_s"] >= 70 and place["failures"] == 0,
        ),
    ]
    return rows
