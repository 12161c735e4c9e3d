"""Run the benchmarks and record their figures in docs/performance.md.

    make bench                      # every bench/bench_*.py, on SQLite and PostgreSQL
    .venv/bin/python bench/run.py bench_catalog --db sqlite

Each bench module exposes `run() -> list[dict]` (one dict per measurement: name, a figure such as
median_ms or total_s, and its budget) and `NEEDS_DB` (False for pure code). Database benchmarks run
in a child process per database: a file SQLite database under var/bench/, made afresh for each
run, and a throwaway PostgreSQL cluster started for the run. The results replace the block
between the bench markers of docs/performance.md, with the machine they ran on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
PERF = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    return [n for n in names if not selected or n in selected]


def run_child(module: str) -> list[dict]:
    """Inside the child: set up Django when needed and run one module."""
    mod = importlib.import_module(module)
    if getattr(mod, "NEEDS_DB", True):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
        import django

        django.setup()
    return mod.run()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def reference_loop() -> float:
    """Seconds of CPU a fixed pure-Python loop takes (the best of three): how fast the host runs
    at that moment. A shared virtual machine's speed drifts; runs are comparable only at
    similar values (docs/performance.md)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i * i % 7
        best = min(best, time.process_time() - started)
    return round(best, 3)


def figure(row: dict) -> str:
    keys = (("median_ms", "ms median"), ("total_s", "s total"), ("per_s", "/s"))
    if "/s" in str(row.get("budget", "")):  # a throughput budget: show the throughput first
        keys = (("per_s", "/s"), *keys)
    for key, unit in keys:
        if key in row:
            return f"{row[key]} {unit}"
    return row.get("value", "")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true", help="do not update performance.md")
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_child(args.modules[0]), default=str))
        return 0

    from comptoir.testing import pg_plugin

    results: list[dict] = []
    pg_url = None
    loops = [reference_loop()]
    print(f"reference loop: {loops[0]} s of CPU", flush=True)
    try:
        for module in modules(args.modules):
            mod = importlib.import_module(module)
            dbs = ["-"]
            if getattr(mod, "NEEDS_DB", True):
                dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
            for db in dbs:
                env = dict(os.environ)
                env.setdefault("COMPTOIR_DEBUG", "0")  # as served: no SQL kept per query
                if db == "sqlite":
                    bench_dir = ROOT / "var" / "bench"
                    bench_dir.mkdir(parents=True, exist_ok=True)
                    path = bench_dir / (module + ".sqlite3")
                    for leftover in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm"))):
                        leftover.unlink(missing_ok=True)  # each run starts empty, as on PostgreSQL
                    env["DATABASE_URL"] = f"sqlite:///{path}"
                elif db == "postgres":
                    pg_url = pg_url or pg_plugin.start_cluster()
                    env["DATABASE_URL"] = pg_url
                print(f"== {module} on {db}", flush=True)
                out = subprocess.run(
                    [sys.executable, __file__, module, "--child"],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if out.returncode != 0:
                    print(out.stdout[-2000:], out.stderr[-4000:])
                    results.append({"module": module, "db": db, "name": "FAILED", "value": ""})
                    continue
                for row in json.loads(out.stdout.strip().splitlines()[-1]):
                    row.setdefault("db", db)
                    row["module"] = module
                    results.append(row)
                    cpu = {k: v for k, v in row.items() if k.startswith("cpu_s")}
                    print(
                        f"   {row['name']:<60} {figure(row):>16}  budget {row.get('budget', '')}"
                        + (f"  {cpu}" if cpu else "")
                    )
    finally:
        pg_plugin.stop_cluster()
    loops.append(reference_loop())
    print(f"reference loop: {loops[1]} s of CPU at the end", flush=True)

    if not args.no_record and results:
        record(results, loops)
    return 0


def record(results: list[dict], loops: list[float]) -> None:
    lines = [
        START,
        f"Last `make bench`: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Reference loop (`bench/run.py`, lower is a faster host): {loops[0]} s at the start, "
        f"{loops[1]} s at the end.",
        "",
        "| benchmark | database | measured | budget | within |",
        "|---|---|---|---|---|",
    ]
    for row in results:
        ok = row.get("ok")
        mark = "" if ok is None else ("yes" if ok else "**no**")
        lines.append(
            f"| {row['name']} | {row.get('db', '-')} | {figure(row)} | {row.get('budget', '')} "
            f"| {mark} |"
        )
    lines.append(END)
    block = "\n".join(lines)
    text = PERF.read_text() if PERF.exists() else "# Performance\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    PERF.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
