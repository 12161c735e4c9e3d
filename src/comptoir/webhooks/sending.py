"""The HTTP POST of one delivery, with the standard library (no redirects followed)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10
USER_AGENT = "Comptoir-Webhooks/1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: the URL was checked, its target was not."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def non_public_target(url: str) -> str:
    """Why `url` must not be called from the platform (it resolves to a private, loopback,
    link-local or reserved address: the platform's own network), or ""."""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        return f"DNS: {exc}"[:300]
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            return f"Refused: {parts.hostname} resolves to a non-public address ({ip})."
    return ""


def post(url: str, body: bytes, headers: dict[str, str], *, allow_local: bool = False) -> Outcome:
    if not allow_local and (problem := non_public_target(url)):
        return Outcome(None, problem)
    request = urllib.request.Request(  # noqa: S310 - the URL's scheme is checked at registration
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read(4096)
            return Outcome(response.status, "")
    except urllib.error.HTTPError as exc:
        return Outcome(exc.code, f"HTTP {exc.code} {exc.reason}"[:300])
    except (OSError, http.client.HTTPException) as exc:  # network, timeout, bad answer
        reason = getattr(exc, "reason", exc)
        return Outcome(None, f"{type(exc).__name__}: {reason}"[:300])
