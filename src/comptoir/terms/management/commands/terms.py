"""`comptoir terms check | render | quote | interest`.

* ``check FILE…`` — validate each terms document (a path, or a preset name) and run the legal
  linter; prints the findings in the active language (French by default, like every command;
  ``--json`` gives both texts, ``message`` and ``message_fr``). Exit 0: clean; 1: warnings only;
  2: errors (schema errors with their dotted location, linter errors, a missing or unreadable
  file) — never a traceback.
* ``render FILE --format html|pdf|text [--out PATH]`` — the readable French terms generated from
  the document (PDF needs ``--out``).
* ``quote TERMS CART [--context CTX] [--at ISO]`` — the engine's quote for a cart (JSON).
* ``interest TERMS --amount A --due D --paid P [--invoice-date D]`` — late-payment interest.

``quote`` and ``interest`` run ``comptoir.terms.cli_quote``; this file only parses arguments,
prints and exits with the code.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.terms.linter import LATEST_ECB_RATE, LATEST_LEGAL_RATE, Finding, lint
from comptoir.terms.loader import PRESET_NAMES, TermsInvalid, load_terms, preset_path

CLEAN, WARNINGS, ERRORS = 0, 1, 2


def _terms_path(value: str) -> Path:
    """A file path, or the name of a preset (``selective-beauty``) when no such file exists."""
    path = Path(value)
    if not path.exists() and value in PRESET_NAMES:
        return preset_path(value)
    return path


def _severity(severity: str) -> str:
    return _("error") if severity == "error" else _("warning")


def _line(finding: Finding, language: str | None) -> str:
    """``severity: location: message [law] (code)`` in ``language``."""
    cite = f" [{finding.law}]" if finding.law else ""
    text = finding.text(language)
    return f"{_severity(finding.severity)}: {finding.location}: {text}{cite} ({finding.code})"


def check_file(
    path: str,
    *,
    legal_rate: Decimal = LATEST_LEGAL_RATE,
    ecb_rate: Decimal = LATEST_ECB_RATE,
) -> tuple[int, list[str], list[dict[str, Any]]]:
    """(exit code, lines for people, findings as dicts) for one file."""
    try:
        doc = load_terms(_terms_path(path))
    except TermsInvalid as exc:
        lines = [f"{path}: {_severity('error')}: {e}" for e in exc.errors]
        found = [
            {"severity": "error", "code": "schema", "location": e.location, "message": e.message}
            for e in exc.errors
        ]
        return ERRORS, lines, found
    findings: list[Finding] = lint(doc, legal_rate=legal_rate, ecb_rate=ecb_rate)
    language = get_language()
    lines = [f"{path}: {_line(f, language)}" for f in findings]
    if any(f.severity == "error" for f in findings):
        code = ERRORS
    elif findings:
        code = WARNINGS
    else:
        code = CLEAN
        lines = [f"{path}: ok"]
    return code, lines, [f.as_dict() for f in findings]


def run_check(
    paths: list[str],
    *,
    as_json: bool = False,
    legal_rate: Decimal = LATEST_LEGAL_RATE,
    ecb_rate: Decimal = LATEST_ECB_RATE,
) -> tuple[int, str]:
    worst = CLEAN
    lines: list[str] = []
    report: dict[str, Any] = {}
    for path in paths:
        code, out, found = check_file(path, legal_rate=legal_rate, ecb_rate=ecb_rate)
        worst = max(worst, code)
        lines += out
        report[path] = {"exit_code": code, "findings": found}
    if as_json:
        return worst, json.dumps(report, ensure_ascii=False, indent=2)
    errors = sum(1 for r in report.values() for f in r["findings"] if f["severity"] == "error")
    warnings = sum(1 for r in report.values() for f in r["findings"] if f["severity"] == "warning")
    lines.append(
        _("%(errors)s error(s), %(warnings)s warning(s)") % {"errors": errors, "warnings": warnings}
    )
    return worst, "\n".join(lines)


def run_render(path: str, fmt: str, out: str | None) -> tuple[int, str, bytes | None]:
    """(exit code, message, PDF bytes or None)."""
    try:
        doc = load_terms(_terms_path(path))
    except TermsInvalid as exc:
        return ERRORS, "\n".join(f"{path}: error: {e}" for e in exc.errors), None
    from comptoir.terms import render

    if fmt == "pdf":
        if not out:
            return ERRORS, "render: --out PATH is required for --format pdf", None
        data = render.render_pdf(doc)
    else:
        text = render.render_html(doc) if fmt == "html" else render.render_text(doc)
        if not out:
            return CLEAN, text, None
        data = text.encode("utf-8")
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        return ERRORS, f"render: cannot write {out}: {exc.strerror or exc}", None
    return CLEAN, f"{out}: {len(data)} bytes ({fmt})", data


def _rate(value: str) -> Decimal:
    try:
        rate = Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"not a rate: {value!r}") from None
    if not rate.is_finite() or rate < 0:
        raise ValueError(f"not a rate: {value!r}")
    return rate


class Command(BaseCommand):
    help = "Terms of sale: check (schema + legal linter), render, quote a cart, compute interest."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p_check = sub.add_parser("check", help="validate and lint terms documents")
        p_check.add_argument("files", nargs="+", metavar="FILE")
        p_check.add_argument("--json", action="store_true", dest="as_json")
        p_check.add_argument(
            "--legal-rate",
            type=_rate,
            default=LATEST_LEGAL_RATE,
            help=f"legal interest rate in %% (default {LATEST_LEGAL_RATE}, latest published)",
        )
        p_check.add_argument(
            "--ecb-rate",
            type=_rate,
            default=LATEST_ECB_RATE,
            help=f"ECB main refinancing rate in %% (default {LATEST_ECB_RATE})",
        )
        p_render = sub.add_parser("render", help="the readable terms (HTML, PDF or text)")
        p_render.add_argument("file", metavar="FILE")
        p_render.add_argument("--format", choices=["html", "pdf", "text"], default="html")
        p_render.add_argument("--out", metavar="PATH")
        p_quote = sub.add_parser("quote", help="evaluate a cart against terms (JSON quote)")
        p_quote.add_argument("terms", metavar="TERMS")
        p_quote.add_argument("cart", metavar="CART")
        p_quote.add_argument("--context", metavar="CONTEXT")
        p_quote.add_argument("--at", metavar="ISO")
        p_interest = sub.add_parser("interest", help="late-payment interest on an amount")
        p_interest.add_argument("terms", metavar="TERMS")
        p_interest.add_argument("--amount", required=True)
        p_interest.add_argument("--due", required=True, metavar="YYYY-MM-DD")
        p_interest.add_argument("--paid", required=True, metavar="YYYY-MM-DD")
        p_interest.add_argument("--invoice-date", metavar="YYYY-MM-DD")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        try:
            code, text = getattr(self, "_" + action)(**options)
        except DomainError as exc:  # a last guard: people get a line, not a traceback
            code, text = ERRORS, f"error: {exc}"
        if text:
            to_stdout = code != ERRORS or action in ("check", "quote")
            stream = self.stdout if to_stdout else self.stderr
            stream.write(text)
        if code:
            sys.exit(code)

    def _check(
        self, *, files: list[str], as_json: bool, legal_rate: Decimal, ecb_rate: Decimal, **_: Any
    ) -> tuple[int, str]:
        return run_check(files, as_json=as_json, legal_rate=legal_rate, ecb_rate=ecb_rate)

    def _render(self, *, file: str, format: str, out: str | None, **_: Any) -> tuple[int, str]:
        code, message, _data = run_render(file, format, out)
        return code, message

    def _quote(
        self, *, terms: str, cart: str, context: str | None, at: str | None, **_: Any
    ) -> tuple[int, str]:
        from comptoir.terms.cli_quote import run_quote

        return run_quote(terms, cart, context, at)

    def _interest(
        self,
        *,
        terms: str,
        amount: str,
        due: str,
        paid: str,
        invoice_date: str | None,
        **_: Any,
    ) -> tuple[int, str]:
        from comptoir.terms.cli_quote import run_interest

        return run_interest(terms, amount, due, paid, invoice_date)
