"""End-to-end tests: Chromium (Debian's package) driven by Playwright against a live server.

Without Chromium the tests skip with a message (CI installs it and COMPTOIR_TEST_ALL=1 makes a
skip fail). Screenshots go to tests/e2e/artifacts/ (not committed).
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# themselves (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True, scope="session")
def _one_request_at_a_time_on_sqlite():
    """On SQLite the live server's request threads share the test's one in-memory connection,
    which is not safe to use from two threads at once (a page loading its four charts hung):
    serve one request at a time there. PostgreSQL keeps the threaded server as it is."""
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        yield
        return
    lock = threading.Lock()
    original = WSGIHandler.__call__

    def serialized(self, environ, start_response):
        with lock:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = serialized
    yield
    WSGIHandler.__call__ = original


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found: `apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Call screenshot("name") to save tests/e2e/artifacts/<test>-<name>.png.

    screenshot("name", readme="page") also refreshes docs/screenshots/page.png (the README's
    pictures: the top 1280×800 of the page, or `readme_height` pixels, as a palette PNG) when
    COMPTOIR_README_SCREENSHOTS=1."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, readme: str | None = None, readme_height: int = 800) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if readme and os.environ.get("COMPTOIR_README_SCREENSHOTS") == "1":
            readme_screenshot(page, README_SHOTS / f"{readme}.png", readme_height)
        return path

    return take


README_SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


def readme_screenshot(page, path: Path, height: int = 800) -> None:
    """The top 1280×`height` of the page, reduced to a 256-colour palette (tens of KB)."""
    from PIL import Image

    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    if size:
        page.set_viewport_size(size)
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
