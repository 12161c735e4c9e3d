"""Pure rules of webhooks: the retry schedule, the signature, the body, which URLs are allowed."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

#: Wait after the 1st, 2nd, … failed attempt; after the last one the delivery has failed.
BACKOFF: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after `attempts` failed attempts; None when there is no retry left."""
    if 1 <= attempts <= len(BACKOFF):
        return BACKOFF[attempts - 1]
    return None


def body(envelope: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, sorted keys, UTF-8."""
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, payload: bytes) -> str:
    """`t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the Comptoir-Signature header."""
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def url_problem(url: str, *, allow_local_http: bool) -> str | None:
    """Why `url` cannot receive webhooks, or None: HTTPS only; plain HTTP only to this machine
    (127.0.0.1 or localhost) where the settings allow it (development, tests)."""
    if not url or len(url) > 500:
        return _("Give a URL of at most 500 characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return _("This URL is not valid.")
    if parts.username or parts.password:
        return _("The URL must not contain a user name or password.")
    host = (parts.hostname or "").lower()
    if not host or any(c.isspace() for c in url):
        return _("This URL is not valid.")
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and host in LOCAL_HOSTS and allow_local_http:
        return None
    return _("The URL must start with https://.")
