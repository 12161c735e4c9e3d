"""Walking the demo's pages as a person does: follow the links from the home page, read the forms.

Shared by the link check and the form fuzzing of `tests/demo/`."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client

from comptoir.demo.builders import DEMO_PASSWORD

#: links not to follow: leaving the session, static files, switching the language, Django's admin
SKIPPED = re.compile(r"^/(logout|static|media|i18n|admin)/")
FIELDS = ("input", "textarea", "select")


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, object]] = field(default_factory=list)


class PageParser(HTMLParser):
    """The links (a href, src, hx-get) and the forms of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        for name in ("href", "src", "hx-get"):
            if found.get(name) and (name != "href" or tag == "a"):
                self.links.append(found[name])
        if tag == "form":
            self._form = Form(found.get("action", ""), found.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag in FIELDS and found.get("name"):
            entry: dict[str, object] = {
                "name": found["name"],
                "type": found.get("type", "text").lower(),
                "value": found.get("value", ""),
                "options": [],
            }
            self._form.fields.append(entry)
            self._select = entry if tag == "select" else None
        elif tag == "option" and self._select is not None:
            options = self._select["options"]
            assert isinstance(options, list)
            options.append(found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def local(base: str, link: str) -> str | None:
    """The path (and query) of a link that stays on the site and is worth following."""
    parts = urlsplit(urljoin(base, link))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if SKIPPED.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(url: str) -> str:
    """A path with its numbers as N: the pages of one kind."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def logged_in(email: str) -> Client:
    """A French-speaking session of `email`; a crash answers 500 (listed by the tests) rather
    than stopping the walk at the first one."""
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "fr"
    response = client.post("/login/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, email
    return client


def walk(client: Client, per_shape: int) -> Iterator[tuple[str, str, object]]:
    """Open the pages reachable from the home page, at most `per_shape` of each kind; yield
    (url, where it was linked from, response) and follow what HTML pages link to."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    while queue:
        url, source = queue.popleft()
        if url in seen or shapes[shape(url)] >= per_shape:
            continue
        seen.add(url)
        shapes[shape(url)] += 1
        response = client.get(url)
        yield url, source, response
        follow: list[str] = []
        if response.status_code in (301, 302):
            follow = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            parser = PageParser()
            parser.feed(response.content.decode())
            follow = parser.links
        for link in follow:
            target = local(url, link)
            if target and target not in seen:
                queue.append((target, url))


def forms_of(response: object, url: str, keep: Callable[[str], bool]) -> list[tuple[str, Form]]:
    """The forms of a page as (target URL, form), for the targets `keep` accepts."""
    parser = PageParser()
    parser.feed(response.content.decode())  # type: ignore[attr-defined]
    out = []
    for form in parser.forms:
        target = local(url, form.action or url)
        if target and keep(target):
            out.append((target, form))
    return out
