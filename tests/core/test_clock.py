from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from comptoir.core import clock


def test_frozen_clock_gives_paris_day():
    with clock.frozen(datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))):
        assert clock.today() == date(2027, 1, 1)
    assert clock.now().year >= 2026


def test_naive_instant_is_paris_time():
    with clock.frozen(datetime(2026, 11, 5, 9, 0)) as at:
        assert at.tzinfo == ZoneInfo("Europe/Paris")
        assert clock.now() == at


def test_sweep_command_moves_the_clock(capsys, db):
    call_command("sweep", "--until", "2027-03-31")
    out = capsys.readouterr().out
    assert "2027-03-31T23:59:59+02:00" in out


def test_the_pass_runs_on_the_database_it_claims(db):
    """The PostgreSQL pass really talks to PostgreSQL (and the default pass to SQLite)."""
    import os

    from django.db import connection

    expected = "postgresql" if os.environ.get("COMPTOIR_TEST_DB") == "postgres" else "sqlite"
    assert connection.vendor == expected
    if expected == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] in ("wal", "memory")
