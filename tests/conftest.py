"""Suite-wide fixtures and the skip policy.

Tests run twice in `make test`: on SQLite and on a throwaway PostgreSQL cluster (see
comptoir.testing.pg_plugin). With COMPTOIR_TEST_ALL=1 (CI) any skipped test fails the run.
"""

import os

import pytest
from django.utils import translation

from comptoir.core import clock

TEST_ALL = os.environ.get("COMPTOIR_TEST_ALL") == "1"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if TEST_ALL and skipped:
        terminalreporter.write_line(
            f"COMPTOIR_TEST_ALL=1: {len(skipped)} test(s) skipped; skips fail this run.", red=True
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if TEST_ALL and reporter and reporter.stats.get("skipped") and session.exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests do not need it (production settings keep it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _verify_compiled_reads(settings):
    """Every compiled read (core.compiled) is checked against its ordinary queryset."""
    settings.COMPTOIR_VERIFY_COMPILED_READS = True


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a page fetched through the test
    client leaves the language it was served in active in the thread (LocaleMiddleware), so a
    test of English pages could otherwise change what the next test on that worker reads."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _release_clock():
    """Every test starts with the real clock and leaves it so."""
    clock.freeze(None)
    yield
    clock.freeze(None)


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests (real concurrency, row locks) are deselected, not skipped, on SQLite:
    they run in the PostgreSQL pass, which CI always runs."""
    if on_postgres():
        return
    kept = [i for i in items if i.get_closest_marker("postgres_only") is None]
    deselected = [i for i in items if i.get_closest_marker("postgres_only") is not None]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
