"""Every page of the demo, as each of its people sees it: follow the links from the home page and
check that each one opens (no 403, 404 or 500 behind a link a page shows), that each page has its
main landmark, and that no page shows Python's words or raw numbers ("None", "12.50 €").

The demo has orders in every state, so this walks the pages with the data people meet: order
timelines, shipments, invoices, statements, receivables, the operator's queues (P4, P9)."""

from __future__ import annotations

import html
import re

import pytest

from comptoir.demo.builders import build_demo, demo_logins
from tests.demo.walk import logged_in, walk

pytestmark = pytest.mark.django_db

#: each kind of page (numbers as N) is opened at most this many times per person
PER_SHAPE = 2
#: what a page must never show a French reader: Python's values, template syntax, dot decimals
SMELLS = {
    "Python None": re.compile(r"\bNone\b"),
    "Python boolean": re.compile(r"\b(True|False)\b"),
    "Python repr": re.compile(r"\b(Decimal|datetime\.date|datetime\.datetime)\("),
    "template syntax": re.compile(r"\{\{|\{%|%\}|\}\}"),
    "amount not in French": re.compile(r"\d\.\d{2}\s?€"),
    "rate not in French": re.compile(r"\d\.\d+\s?%"),
}


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _problems(who: str, url: str, source: str, response) -> list[str]:
    if response.status_code in (301, 302):
        return []
    if response.status_code != 200:
        return [f"{who}: {url} answers {response.status_code} (linked from {source})"]
    if "text/html" not in response["Content-Type"]:
        return []
    page = response.content.decode()
    found = [] if "<main" in page else [f"{who}: {url} has no <main> landmark"]
    text = _visible_text(page)
    for what, smell in SMELLS.items():
        if match := smell.search(text):
            context = " ".join(text[max(0, match.start() - 50) : match.end() + 30].split())
            found.append(f"{who}: {url} shows {what}: …{context}…")
    return found


def test_every_link_of_every_demo_login_opens_and_reads_well():
    build_demo()
    problems: list[str] = []
    pages: dict[str, int] = {}
    for role, email, _password, _org in demo_logins():
        opened = 0
        for url, source, response in walk(logged_in(email), PER_SHAPE):
            opened += 1
            problems += _problems(email, url, source, response)
        pages[role] = opened
    assert not problems, "\n".join(problems)
    # the walk reached the pages each role works in, not just a home page
    assert min(pages.values()) >= 10, pages
    assert pages["operator (superuser)"] >= 20, pages
