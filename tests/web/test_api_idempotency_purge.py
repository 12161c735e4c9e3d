"""`api.purge_idempotency_keys`: keys older than 30 days go, newer ones stay; twice is once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from comptoir.api.models import IdempotencyKey
from comptoir.api.sweeps import KEY_KEPT, purge_idempotency_keys
from comptoir.core import clock
from comptoir.core.sweeps import registered
from tests.parties.factories import make_org

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 31, 12, tzinfo=clock.PARIS)


def _key(org, key: str, age: timedelta) -> None:
    IdempotencyKey.objects.create(
        organization=org,
        key=key,
        operation="claim_open",
        fingerprint="0" * 64,
        object_id=1,
        created_at=NOW - age,
    )


def test_keys_are_kept_thirty_days_then_purged_once():
    org = make_org(buyer=True)
    _key(org, "old", KEY_KEPT + timedelta(seconds=1))
    _key(org, "edge", KEY_KEPT)
    _key(org, "fresh", KEY_KEPT - timedelta(seconds=1))
    assert purge_idempotency_keys(until=NOW) == 2
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert purge_idempotency_keys(until=NOW) == 0


def test_the_purge_is_a_registered_sweep():
    assert "api.purge_idempotency_keys" in {s.name for s in registered()}
