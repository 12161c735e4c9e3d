"""The HTTP POST of one delivery, with the standard library (no redirects followed)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass

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


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
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
