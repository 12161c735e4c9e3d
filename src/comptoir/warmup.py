"""A serving process's one-time work, done before its first request instead of during it.

A fresh process pays, on its first request, for what Django and the libraries build lazily: the
URL configuration with every API schema (django-ninja builds its pydantic models on import), the
templates compiled by the cached loader, the translation catalogs, the public holidays the
deadlines count with (N2). Measured on the bench data, the first order page of a fresh process
took about 600 ms and the next one 35 ms; the first order placed, 114 ms against 20 ms.

`warm_up()` does that work once. `comptoir.wsgi` calls it when the application loads: in the
gunicorn master with `--preload` (the Procfile), so that every worker forked from it starts warm
and shares those pages. It reads no database and leaves no connection open, since forked workers
must not share one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.template import TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

from comptoir.core import clock
from comptoir.core.calendar import french_holidays

logger = logging.getLogger(__name__)


def _templates() -> list[str]:
    """The names of the project's own templates (those of the comptoir apps)."""
    names: list[str] = []
    for app in apps.get_app_configs():
        if not app.name.startswith("comptoir."):
            continue
        root = Path(app.path) / "templates"
        names += sorted(str(p.relative_to(root)) for p in root.rglob("*.html"))
    return names


def warm_up() -> dict[str, int]:
    """Build what the first request would build; returns what was built, for the log."""
    get_resolver().url_patterns  # noqa: B018 - imports every view and the API's schemas
    reverse("web:home")  # fills the reverse tables of the resolver and its namespaces
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Order")  # loads the language's catalogs
    year = clock.today().year
    for y in (year, year + 1):  # deadlines near the year's end count next year's holidays
        french_holidays(y)
    compiled = 0
    for name in _templates():
        try:
            get_template(name)
            compiled += 1
        except TemplateSyntaxError:  # the page itself will show it; a worker still starts
            logger.exception("template %s does not compile", name)
    connections.close_all()  # nothing above should have opened one; forked workers share none
    return {"templates": compiled, "languages": len(settings.LANGUAGES)}
