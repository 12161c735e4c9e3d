"""The pure rules of webhooks: retry schedule, signature, allowed URLs."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest

from comptoir.webhooks import rules


def test_retry_schedule_then_failure():
    delays = [rules.retry_delay(n) for n in range(1, 7)]
    assert delays == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
        None,
    ]
    assert rules.retry_delay(0) is None and rules.MAX_ATTEMPTS == 6


def test_signature_is_the_hmac_of_timestamp_dot_body():
    body = rules.body({"b": 1, "a": "é"})
    assert body == '{"a":"é","b":1}'.encode()
    header = rules.signature("whsec_x", 1_700_000_000, body)
    digest = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"


@pytest.mark.parametrize(
    ("url", "local", "ok"),
    [
        ("https://erp.example.com/hooks", False, True),
        ("https://erp.example.com:8443/hooks?x=1", False, True),
        ("http://erp.example.com/hooks", True, False),
        ("http://127.0.0.1:8080/hooks", True, True),
        ("http://localhost/hooks", True, True),
        ("http://127.0.0.1:8080/hooks", False, False),
        ("https://user:pw@erp.example.com/", False, False),
        ("ftp://erp.example.com/", True, False),
        ("https://", False, False),
        ("https://erp.example.com:99999/", False, False),
        ("https://erp.example.com/a b", False, False),
        ("", False, False),
        ("https://e.com/" + "a" * 500, False, False),
    ],
)
def test_which_urls_may_receive_webhooks(url, local, ok):
    assert (rules.url_problem(url, allow_local_http=local) is None) is ok
