"""Terms engine and late-payment interest benchmarks (pure code, no database).

    .venv/bin/python bench/bench_terms.py         # prints a table
    .venv/bin/python bench/run.py bench_terms     # records the figures in docs/performance.md

Budgets: a 50-line cart against the richest preset (selective-beauty, with its tier profile)
≤ 1 ms median; a 1,000-line cart ≤ 20 ms median; late-payment interest for 100,000 open items
≤ 1 s (median of the repeats, rate tables resolved once per run inside ``interest_batch``).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

NEEDS_DB = False
AT = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


def _median_ms(fn: Callable[[], object], repeats: int, warmup: int = 3) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), min(samples)


def _cart(n: int, seed: int):
    from comptoir.terms.engine.inputs import Cart, CartLine

    rng = random.Random(seed)
    rates = [Decimal("20"), Decimal("10"), Decimal("5.5")]
    return Cart(
        lines=tuple(
            CartLine(
                f"SKU-{i:05d}",
                rng.randint(1, 40),
                Decimal(rng.randint(100, 20_000)) / 100,
                rates[i % 3],
                rng.choice([1, 6, 12]),
            )
            for i in range(n)
        ),
        payment_method="lcr",
    )


def _items(n: int, seed: int) -> list[tuple[Decimal, date, date]]:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    out = []
    for _ in range(n):
        due = start + timedelta(days=rng.randint(0, 800))
        out.append(
            (
                Decimal(rng.randint(1_000, 5_000_000)) / 100,
                due,
                due + timedelta(rng.randint(0, 200)),
            )
        )
    return out


def run() -> list[dict]:
    from comptoir.terms.engine.evaluate import evaluate
    from comptoir.terms.engine.inputs import BuyerContext
    from comptoir.terms.engine.rates import FALLBACK_RATES
    from comptoir.terms.interest import interest_batch
    from comptoir.terms.loader import load_preset

    doc = load_preset("selective-beauty")
    ctx = BuyerContext(orders_this_month=2, pricing_profile="salon")
    rows = []
    for name, n, budget, repeats in (
        ("terms quote, 50-line cart, selective-beauty", 50, 1.0, 300),
        ("terms quote, 1,000-line cart, selective-beauty", 1000, 20.0, 30),
    ):
        cart = _cart(n, seed=n)
        median, best = _median_ms(lambda cart=cart: evaluate(doc, cart, ctx, AT), repeats)
        rows.append(
            {
                "name": name,
                "median_ms": round(median, 3),
                "min_ms": round(best, 3),
                "budget_ms": budget,
                "budget": f"≤ {budget:g} ms median",
                "ok": median <= budget,
                "repeats": repeats,
            }
        )
    late = load_preset("digital-goods")  # ECB + points per half-year: the splitting formula
    from comptoir.terms.engine.adapter import policy_for

    terms = policy_for(late).late
    items = _items(100_000, seed=7)
    median, best = _median_ms(lambda: interest_batch(items, terms, FALLBACK_RATES), 5, warmup=1)
    rows.append(
        {
            "name": "late-payment interest, 100,000 open items (ECB + 9 points)",
            "median_ms": round(median, 1),
            "min_ms": round(best, 1),
            "budget_ms": 1000.0,
            "budget": "≤ 1000 ms",
            "ok": median <= 1000.0,
            "repeats": 5,
        }
    )
    return rows


def main() -> int:
    rows = run()
    print(f"{'benchmark':<62} {'median ms':>10} {'min ms':>9} {'budget ms':>10}  ok")
    for r in rows:
        print(
            f"{r['name']:<62} {r['median_ms']:>10} {r['min_ms']:>9} {r['budget_ms']:>10}  "
            f"{'yes' if r['ok'] else 'NO'}"
        )
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
