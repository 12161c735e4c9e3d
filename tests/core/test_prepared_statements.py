"""PostgreSQL keeps the statements a connection runs again prepared (settings,
COMPTOIR_PG_PREPARE_THRESHOLD; decisions.md "PostgreSQL keeps the plans…")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from comptoir.parties.models import Organization

SETTINGS = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'comptoir.settings';"
    "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
)


def _options(database_url: str, threshold: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COMPTOIR_PG_PREPARE_THRESHOLD"}
    env["DATABASE_URL"] = database_url
    if threshold is not None:
        env["COMPTOIR_PG_PREPARE_THRESHOLD"] = threshold
    return subprocess.run([sys.executable, "-c", SETTINGS], env=env, capture_output=True, text=True)


def test_postgresql_binds_on_the_server_and_prepares_after_five_runs():
    url = "postgres://u@127.0.0.1:5432/x"
    assert _options(url, None).stdout.strip() == (
        "{'server_side_binding': True, 'prepare_threshold': 5}"
    )
    assert "'prepare_threshold': 0" in _options(url, "0").stdout
    assert _options(url, "off").stdout.strip() == "None"  # Django's defaults


def test_sqlite_keeps_its_own_options():
    out = _options("sqlite:///tmp-unused.sqlite3", "2").stdout
    assert "transaction_mode" in out and "prepare_threshold" not in out


def test_a_threshold_that_is_not_a_number_stops_the_start():
    done = _options("postgres://u@127.0.0.1:5432/x", "often")
    assert done.returncode != 0
    assert "COMPTOIR_PG_PREPARE_THRESHOLD: a number of runs, or off" in done.stderr


@pytest.mark.postgres_only
def test_a_statement_run_again_is_prepared_on_the_connection(db):
    """The sixth run of a read is prepared: its plan is kept by the server."""
    for n in range(7):
        list(Organization.objects.filter(pk=n + 1_000_000))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "parties_organization" WHERE "parties_organization"."id" = $1%'],
        )
        assert cursor.fetchone()[0] == 1
