"""Outside development, a delivery never reaches the platform's own network (SSRF)."""

from __future__ import annotations

from comptoir.webhooks.sending import non_public_target, post


def test_loopback_and_private_targets_are_refused_before_any_request() -> None:
    for url in ("https://127.0.0.1/hook", "https://10.0.0.8/hook", "https://169.254.169.254/x"):
        assert non_public_target(url).startswith("Refused")
        outcome = post(url, b"{}", {})
        assert outcome.status_code is None and outcome.error.startswith("Refused")


def test_a_public_address_passes_the_guard() -> None:
    assert non_public_target("https://8.8.8.8/hook") == ""
