"""Pytest plugin: run the suite on a throwaway PostgreSQL cluster.

With COMPTOIR_TEST_DB=postgres, the plugin initialises a cluster in a temporary directory, starts
it on a free local port before Django reads its settings, points DATABASE_URL at it, and stops and
removes it when the session ends. When PostgreSQL is not installed, every test of that pass is
skipped with a message saying how to enable it (and COMPTOIR_TEST_ALL=1 turns skips into failures).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_cluster: dict[str, object] = {}
_missing_reason: str | None = None


def _find_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = shutil.which(name)
    return candidates[0] if candidates else found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as(user: str | None, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def start_cluster() -> str:
    """Start a throwaway cluster; returns its DATABASE_URL."""
    initdb, pg_ctl = _find_bin("initdb"), _find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise FileNotFoundError("initdb/pg_ctl not found")
    run_user = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise FileNotFoundError("running as root and no 'postgres' system user") from exc
        run_user = "postgres"
    workdir = Path(tempfile.mkdtemp(prefix="comptoir-pg-"))
    datadir = workdir / "data"
    if run_user:
        shutil.chown(workdir, user=run_user)
    user = run_user or pwd.getpwuid(os.geteuid()).pw_name
    _run_as(
        run_user,
        [
            initdb,
            "-D",
            str(datadir),
            "-A",
            "trust",
            "-U",
            user,
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
    )
    port = _free_port()
    opts = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    _run_as(
        run_user,
        [pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(workdir / "log"), "-w", "start"],
    )
    _cluster.update(workdir=workdir, datadir=datadir, pg_ctl=pg_ctl, run_user=run_user)
    createdb = _find_bin("createdb")
    if createdb:  # the database itself, for benchmarks and `comptoir` commands against the cluster
        _run_as(run_user, [createdb, "-h", "127.0.0.1", "-p", str(port), "-U", user, "comptoir"])
    return f"postgres://{user}@127.0.0.1:{port}/comptoir"


def stop_cluster() -> None:
    if not _cluster:
        return
    try:
        _run_as(
            _cluster["run_user"],
            [_cluster["pg_ctl"], "-D", str(_cluster["datadir"]), "-m", "immediate", "-w", "stop"],
        )
    finally:
        time.sleep(0.2)
        shutil.rmtree(_cluster["workdir"], ignore_errors=True)
        _cluster.clear()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _missing_reason
    if os.environ.get("COMPTOIR_TEST_DB") == "postgres" and "DATABASE_URL" not in os.environ:
        try:
            os.environ["DATABASE_URL"] = start_cluster()
        except (FileNotFoundError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            _missing_reason = (
                "PostgreSQL pass skipped: could not start a throwaway cluster "
                f"({detail.strip()[:200]}). Install it (apt-get install postgresql) to enable it."
            )
    return (yield)


def pytest_collection_modifyitems(config, items):
    if _missing_reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=_missing_reason))


def pytest_unconfigure(config):
    stop_cluster()
