"""Attempts per visitor on the forms open without a login: registration (P1) and tracking an
order by its number and e-mail (O16). Past the limit the page answers 429 with a clear message
and a `Retry-After` header, so that nobody can try SIRENs or order numbers in bulk.

Counting: POST requests only (showing the form is free), per client address as django-axes
resolves it for the login lockout (`AXES_IPWARE_*`, `AXES_CLIENT_IP_CALLABLE`: one setting for
both), in fixed windows of the clock (`comptoir.core.clock`, so tests freeze it), kept in the
Django cache named by `COMPTOIR_RATE_LIMIT_CACHE` ("default"). The counts are only as shared as
that cache: a per-process cache counts per process.

Limits per scope: `COMPTOIR_RATE_LIMITS = {"register": (10, 3600), "track": (10, 3600)}`
(attempts, seconds)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.core import clock

View = Callable[..., HttpResponse]

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {"register": (10, 3600), "track": (10, 3600)}


def limit_of(scope: str) -> tuple[int, int]:
    """(attempts, period in seconds) allowed for `scope`."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "COMPTOIR_RATE_LIMITS", {})}
    return limits.get(scope, (10, 3600))


def _cache() -> Any:
    return caches[getattr(settings, "COMPTOIR_RATE_LIMIT_CACHE", "default")]


def attempt(scope: str, client: str) -> int:
    """Count one attempt of `client` in the current window; returns the seconds to wait when
    the limit is passed, else 0."""
    attempts, period = limit_of(scope)
    now = int(clock.now().timestamp())
    window = now // period
    key = f"comptoir:ratelimit:{scope}:{client}:{window}"
    cache = _cache()
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    if count <= attempts:
        return 0
    return (window + 1) * period - now


def rate_limited(scope: str) -> Callable[[View], View]:
    """Limit the POSTs of a view per client address (429 past the limit)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                client = get_client_ip_address(request) or "unknown"
                wait = attempt(scope, client)
                if wait:
                    response = render(
                        request,
                        "web/onboarding/rate_limited.html",
                        {"minutes": max(1, (wait + 59) // 60), "scope": scope},
                        status=429,
                    )
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
