"""The serving process's warm-up (comptoir/warmup.py): what the first request would build is
built when the application loads, without reading the database."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date

from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver

from comptoir import warmup
from comptoir.core import clock
from comptoir.core.calendar import french_holidays


def test_builds_templates_urls_and_holidays_without_the_database():
    # no django_db mark: a query here would fail the test ("Database access not allowed")
    french_holidays.cache_clear()
    built = warmup.warm_up()
    names = warmup._templates()
    assert built == {"templates": len(names), "languages": 2}
    assert "web/order_detail.html" in names and "web/base.html" in names
    loader = engines["django"].engine.template_loaders[0]  # Django's cached loader
    assert set(names) <= set(loader.get_template_cache)
    assert get_resolver()._populated
    year = clock.today().year
    assert date(year, 1, 1) in french_holidays(year)  # cached by now, with next year's
    assert french_holidays.cache_info().currsize >= 2


def test_a_template_that_does_not_compile_is_logged_and_the_process_still_starts(
    monkeypatch, caplog
):
    real = warmup.get_template

    def broken(name):
        if name == "web/order_detail.html":
            raise TemplateSyntaxError("Invalid block tag")
        return real(name)

    monkeypatch.setattr(warmup, "get_template", broken)
    with caplog.at_level(logging.ERROR, logger="comptoir.warmup"):
        built = warmup.warm_up()
    assert built["templates"] == len(warmup._templates()) - 1
    assert "web/order_detail.html does not compile" in caplog.text


def test_loading_the_wsgi_application_warms_it_up_unless_turned_off():
    env = dict(os.environ, COMPTOIR_LOG_LEVEL="INFO")
    code = "import comptoir.wsgi"
    on = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert on.returncode == 0, on.stderr
    assert "warmed up in" in on.stderr and "'templates': " in on.stderr
    env["COMPTOIR_WARM_UP"] = "0"
    off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert off.returncode == 0, off.stderr
    assert "warmed up" not in off.stderr
