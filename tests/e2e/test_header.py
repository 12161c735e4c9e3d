"""The header ("Faces", usable on a phone and a desktop): with a seller's crowded menus, every
item stays inside the page at desktop, tablet and phone widths, each menu's caret stays beside
its name, and the menus still open with a click."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.test_browse import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAYOUT = """() => {
  const nav = document.querySelector("header nav").getBoundingClientRect();
  // what the header's own items show (not a closed menu's entries, nor the language label kept
  // off screen for screen readers); a link's text, since Pico pulls its padded box out
  const items = [...document.querySelectorAll(
    "header nav > ul > li > :is(a, span, details > summary, form > select, form > button)")];
  const box = el => {
    if (el.tagName !== "A") return el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const outside = items
    .map(el => [el.textContent.trim().slice(0, 30), box(el)])
    .filter(([, r]) => r.width > 0 && (r.right > nav.right + 1 || r.left < nav.left - 1))
    .map(([text]) => text);
  // Pico gives a menu's summary a fixed height: a caret dropped under the name overflows it
  const dropped = [...document.querySelectorAll("header details.dropdown > summary")]
    .filter(s => s.scrollHeight > s.clientHeight + 1)
    .map(s => s.textContent.trim());
  return {outside, dropped, pageWidth: document.documentElement.scrollWidth};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo", verbosity=0)


@pytest.mark.parametrize("width", [1280, 1024, 390])
def test_a_sellers_header_stays_in_the_page_with_its_carets_beside_the_names(
    live_server, page, screenshot, demo, width
):
    log_in(page, live_server.url, "sales@volta-distribution.example")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/seller/dashboard/")
    layout = page.evaluate(LAYOUT)
    screenshot(f"header-{width}")
    assert layout["outside"] == [], f"outside the header at {width} px: {layout['outside']}"
    assert layout["dropped"] == [], f"caret under the name at {width} px: {layout['dropped']}"
    assert layout["pageWidth"] <= width, "the page scrolls sideways"
    menu = page.get_by_test_id("nav-seller")
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
