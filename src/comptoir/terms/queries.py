"""Reads of stored terms: the version in force, a seller's versions, the parsed document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import NotFound
from comptoir.parties.models import Organization
from comptoir.terms.loader import validate_terms
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.schema import TermsDocument


def _day(at: date | datetime | None) -> date:
    if at is None:
        return clock.today()
    if isinstance(at, datetime):
        aware = at if at.tzinfo is not None else at.replace(tzinfo=clock.PARIS)
        return aware.astimezone(clock.PARIS).date()
    return at


def terms_in_force(
    seller: Organization | int, at: date | datetime | None = None
) -> TermsVersion | None:
    """The published version governing an order ``seller`` receives at ``at`` (default now):
    the one with the latest ``effective_from`` on or before that day (Paris), the highest version
    number breaking a tie (N3). None when the seller has no version in force yet."""
    seller_id = seller if isinstance(seller, int) else seller.pk
    found = _IN_FORCE(seller_id=seller_id, day=_day(at))
    return found[0] if found else None


# read by every quote and checkout: its SQL built once (core.compiled)
_IN_FORCE = CompiledRead(
    lambda seller_id, day: TermsVersion.objects.filter(
        seller_id=seller_id, status=TermsStatus.PUBLISHED, effective_from__lte=day
    ).order_by("-effective_from", "-version")[:1],
    seller_id=int,
    day=date,
)


def terms_in_force_or_404(seller: Organization, at: date | datetime | None = None) -> TermsVersion:
    found = terms_in_force(seller, at)
    if found is None:
        raise NotFound(_("Terms of sale in force"), field="seller")
    return found


def terms_versions_for(seller: Organization) -> QuerySet[TermsVersion]:
    """All versions of ``seller``'s terms, newest first (the seller's own view)."""
    return TermsVersion.objects.filter(seller=seller).order_by("-version")


def terms_version_get(*, seller: Organization, number: int) -> TermsVersion:
    """One version of ``seller``'s terms by its number (never by bare primary key)."""
    found = TermsVersion.objects.filter(seller=seller, version=number).first()
    if found is None:
        raise NotFound(_("Terms version"), field="version")
    return found


def terms_document(version: TermsVersion) -> TermsDocument:
    """The validated document of a stored version (from its parsed JSON)."""
    return validate_terms(version.parsed, source=f"terms v{version.version}")


# --- the seller's terms editor: versions at a glance, a source checked as it is typed ---------


@dataclass(frozen=True)
class VersionState:
    """A version of the seller's terms and where it stands on a day (N3): ``draft``,
    ``in_force`` (the one governing new orders), ``scheduled`` (published, effective later) or
    ``superseded`` (published, replaced by the version in force)."""

    version: TermsVersion
    state: str


def terms_versions_overview(
    seller: Organization, on: date | None = None
) -> tuple[list[VersionState], TermsVersion | None]:
    """Every version of ``seller``'s terms, newest first, with its state on ``on`` (default
    today), and the version in force that day."""
    day = _day(on)
    in_force = terms_in_force(seller, day)
    rows = []
    for version in terms_versions_for(seller):
        if not version.is_published:
            state = "draft"
        elif in_force is not None and version.pk == in_force.pk:
            state = "in_force"
        elif version.effective_from is not None and version.effective_from > day:
            state = "scheduled"
        else:
            state = "superseded"
        rows.append(VersionState(version, state))
    return rows, in_force


@dataclass(frozen=True)
class SourceProblem:
    """One problem of a terms source: a TOML syntax error, a schema error or a linter finding.

    ``location`` is the dotted field (``payment.options[1].due.days``), ``line`` the line of the
    source that defines it (or the nearest enclosing table when the field is missing), ``clause``
    the seller's own clause of the rule concerned (``Art. 7 — …``), when the source has one."""

    kind: str  # "syntax" | "schema" | "lint"
    severity: str  # "error" | "warning"
    location: str
    line: int | None
    message: str
    code: str = ""
    rule: str = ""
    law: str = ""
    clause_article: str = ""
    clause_text: str = ""


@dataclass(frozen=True)
class TermsCheck:
    """What a source is worth before publication: its problems, its document when it validates,
    and the earliest day it could take effect if published on the day of the check (N3)."""

    problems: tuple[SourceProblem, ...]
    document: TermsDocument | None
    earliest: date | None

    @property
    def valid(self) -> bool:
        return self.document is not None

    @property
    def errors(self) -> list[SourceProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[SourceProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def publishable(self) -> bool:
        return self.valid and not self.errors


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^(\[\[?)\s*([^\]]+?)\s*\]\]?")
_BARE_OR_QUOTED = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
_KEY = re.compile(rf"^({_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=")


def _location_parts(location: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in _TOKEN.findall(location):
        parts.append(int(index) if index else name)
    return parts


def _keys(text: str) -> list[str]:
    return [k.strip().strip("\"'") for k in text.split(".")]


def _defined_paths(source: str) -> list[tuple[tuple[str | int, ...], int]]:
    """(path, line) of each table header and key of a TOML source, arrays of tables indexed."""
    found: list[tuple[tuple[str | int, ...], int]] = []
    table: tuple[str | int, ...] = ()
    counts: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(source.splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        header = _HEADER.match(text)
        if header:
            names = _keys(header.group(2))
            path: list[str | int] = []
            for i, name in enumerate(names):
                path.append(name)
                prefix = tuple(names[: i + 1])
                last = i == len(names) - 1
                if last and header.group(1) == "[[":
                    counts[prefix] = counts.get(prefix, -1) + 1
                    path.append(counts[prefix])
                elif prefix in counts:
                    path.append(counts[prefix])
            table = tuple(path)
            found.append((table, number))
            continue
        key = _KEY.match(text)
        if key:
            found.append(((*table, *_keys(key.group(1))), number))
    return found


def source_line(source: str, location: str) -> int | None:
    """The line of ``source`` defining the dotted ``location``, or of its nearest enclosing
    table or key when the location itself is absent (a missing field); None at top level."""
    wanted = tuple(_location_parts(location))
    best: tuple[int, int] | None = None  # (depth, line)
    for path, number in _defined_paths(source):
        depth = len(path)
        if depth and wanted[:depth] == path and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _clause_at(data: Any, location: str) -> tuple[str, str]:
    """The deepest seller's clause (``clause = { article, text }``) on the path to
    ``location`` in the parsed TOML data."""
    found = ("", "")
    node = data
    for part in [None, *_location_parts(location)]:
        if part is not None:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        clause = node.get("clause") if isinstance(node, dict) else None
        if isinstance(clause, dict) and clause.get("article"):
            found = (str(clause.get("article", "")), str(clause.get("text", "")))
    return found


def terms_source_check(source: str, *, on: date | None = None) -> TermsCheck:
    """Check a terms source without storing it: TOML syntax, schema, then the legal linter with
    the legal and ECB rates in force on ``on`` (default today), as publication would run it.
    Linter errors block publication (N3); warnings do not."""
    from comptoir.terms.linter import lint
    from comptoir.terms.loader import SchemaError, TermsInvalid, parse_toml
    from comptoir.terms.services import earliest_effective_date, rates_on

    day = _day(on)
    try:
        data = parse_toml(source, "<draft>")
    except TermsInvalid as exc:
        problems = []
        for error in exc.errors:
            match = _TOML_LINE.search(error.message)
            problems.append(
                SourceProblem(
                    "syntax", "error", "", int(match.group(1)) if match else None, error.message
                )
            )
        return TermsCheck(tuple(problems), None, None)
    try:
        doc = validate_terms(data, "<draft>")
    except TermsInvalid as exc:
        errors: list[SchemaError] = exc.errors
        return TermsCheck(tuple(_problem(source, data, e) for e in errors), None, None)
    legal_rate, ecb_rate = rates_on(day)
    findings = lint(doc, legal_rate=legal_rate, ecb_rate=ecb_rate)
    return TermsCheck(
        tuple(_problem(source, data, f) for f in findings), doc, earliest_effective_date(doc, day)
    )


def _problem(source: str, data: dict[str, Any], found: Any) -> SourceProblem:
    """A schema error (``loader.SchemaError``) or a finding (``linter.Finding``) located; a
    finding's message in the active language (French or English)."""
    article, text = _clause_at(data, found.location)
    common = {
        "location": found.location,
        "line": source_line(source, found.location),
        "clause_article": article,
        "clause_text": text,
    }
    if hasattr(found, "severity"):
        return SourceProblem(
            kind="lint",
            severity=found.severity,
            message=found.text(get_language()),
            code=found.code,
            rule=found.rule,
            law=found.law,
            **common,
        )
    return SourceProblem(
        kind="schema",
        severity="error",
        message=found.message,
        code="terms_invalid",
        rule="N3",
        **common,
    )
