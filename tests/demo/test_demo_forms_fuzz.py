"""Bad input in every form of the demo's pages gets an answer, never a 500, and stores nothing the
pages cannot read back.

A buyer, a seller and the operator walk the demo as in `test_demo_links.py`. Every form they meet
is sent as the page filled it, then once per field with that field wrong and the others as filled,
so that the wrong value reaches the use case behind the form: 20 digits in a number (beyond every
column) and an exponent too large to round to the cent (1e400), otherwise in turn a NUL
character, 5,000 characters, an empty value, markup. Then the same people walk their pages
again: a value stored beyond what its column holds would make SQLite fail to read it back there,
and every page showing it would answer 500.

Three people keep the suite's time; COMPTOIR_FUZZ_ALL=1 runs every demo login (16 people)."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest

from comptoir.demo.builders import build_demo, demo_logins
from tests.demo.walk import Form, forms_of, logged_in, shape, walk

pytestmark = pytest.mark.django_db

#: the operator last: its forms suspend companies, which ends what their people can do
PEOPLE = ("buyer1@comptoir.example", "sales@maison-lumiere.example", "admin@comptoir.example")
if os.environ.get("COMPTOIR_FUZZ_ALL") == "1":
    PEOPLE = tuple(sorted((row[1] for row in demo_logins()), key=lambda e: e.startswith("admin@")))
#: what a number field gets, and in turn what the other fields get
TOO_LARGE = ("99999999999999999999", "1e400")
NONSENSE = ("\x00", "x" * 5000, "", "<script>alert(1)</script>", "2026-13-45", "-1")
NUMBER = re.compile(r"^-?[\d\s]*[.,]?\d*$")
NUMBER_NAME = re.compile(r"amount|price|quantity|on_hand|threshold|percent|fee|cost|limit|size")
PER_SHAPE = 2  # pages of one kind opened per person
FORMS_PER_SHAPE = 2  # forms of one target kind sent per person


def _as_filled(form: Form) -> dict[str, str]:
    data = {}
    for entry in form.fields:
        if entry["type"] != "file":
            options = entry["options"]
            assert isinstance(options, list)
            data[str(entry["name"])] = str(entry["value"]) or (str(options[0]) if options else "")
    return data


def _one_wrong(form: Form, turn: Counter[str]) -> list[dict[str, str]]:
    """The form as filled, then one copy per field the person types in, with that field wrong."""
    filled = _as_filled(form)
    out = [filled]
    for entry in form.fields:
        name, kind, value = str(entry["name"]), entry["type"], str(entry["value"])
        if name == "csrfmiddlewaretoken" or kind in ("file", "hidden", "submit", "checkbox"):
            continue
        if kind == "number" or NUMBER_NAME.search(name) or (value and NUMBER.match(value)):
            out.extend({**filled, name: wrong} for wrong in TOO_LARGE)
        else:
            out.append({**filled, name: NONSENSE[turn["text"] % len(NONSENSE)]})
            turn["text"] += 1
    return out


def test_nonsense_in_every_form_is_answered_and_leaves_readable_pages():
    build_demo()
    turn: Counter[str] = Counter()
    crashes: list[str] = []
    sent = 0
    for email in PEOPLE:
        client = logged_in(email)
        targets: Counter[str] = Counter()
        pages = list(walk(client, PER_SHAPE))
        for url, _source, response in pages:
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            for target, form in forms_of(response, url, lambda t: "logout" not in t):
                if targets[shape(target)] >= FORMS_PER_SHAPE:
                    continue
                targets[shape(target)] += 1
                send = client.post if form.method == "post" else client.get
                for data in _one_wrong(form, turn):
                    answer = send(target, data)
                    sent += 1
                    if answer.status_code >= 500:
                        shown = {k: v[:20] for k, v in data.items() if k != "csrfmiddlewaretoken"}
                        crashes.append(f"{email}: {form.method} {target} {shown} → 500")
        for url, _source, response in walk(client, 1):
            if response.status_code >= 500:
                crashes.append(f"{email}: {url} no longer opens after the forms (500)")
    assert not crashes, "\n".join(crashes)
    assert sent >= 150, sent  # the walk met the forms people work with
