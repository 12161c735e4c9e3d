"""What ``comptoir terms quote`` and ``comptoir terms interest`` run.

``run_quote(terms_path, cart_path, context_path, at_iso) -> (exit code, text)`` and
``run_interest(terms_path, amount, due, paid, invoice_date) -> (exit code, text)``. The
management command only prints the text and exits with the code:

* 0 — a quote without violations, or an interest computation;
* 1 — a quote with violations (the order would be refused; the JSON says why);
* 2 — bad input (unreadable file, invalid JSON or terms, wrong type, negative quantity,
  impossible date): one line per problem with its place, never a traceback.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.core.errors import DomainError
from comptoir.terms.engine.evaluate import evaluate
from comptoir.terms.engine.inputs import DEFAULT_CONTEXT
from comptoir.terms.engine.jsonio import InputInvalid, parse_cart, parse_context
from comptoir.terms.engine.rates import FALLBACK_RATES, RateSource
from comptoir.terms.engine.serialize import money, quote_to_json
from comptoir.terms.interest import AmountBasis, late_interest
from comptoir.terms.loader import load_terms

PARIS = ZoneInfo("Europe/Paris")
OK, REFUSED, BAD_INPUT = 0, 1, 2


class _Bad(Exception):
    pass


def _read_json(path: str, label: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _Bad(f"{label}: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _Bad(f"{label}: {path} is not UTF-8 text") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise _Bad(
            f"{label}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _terms(path: str) -> Any:
    try:
        return load_terms(path if path.endswith(".toml") else Path(path))
    except DomainError as exc:
        errors = getattr(exc, "errors", None) or [exc.message]
        raise _Bad("\n".join(f"terms: {e}" for e in errors)) from None


def parse_at(at_iso: str | None) -> datetime:
    """An aware instant: ISO datetime (naive = Paris time) or a date (noon, Paris)."""
    if not at_iso:
        from comptoir.core.clock import now

        return now()
    try:
        if len(at_iso) == 10:
            return datetime.combine(date.fromisoformat(at_iso), time(12), tzinfo=PARIS)
        at = datetime.fromisoformat(at_iso)
    except ValueError:
        raise _Bad(f"at: {at_iso!r} is not a valid ISO date or datetime") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=PARIS)


def _date(value: str, label: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Bad(f"{label}: {value!r} is not a valid date (YYYY-MM-DD)") from None


def run_quote(
    terms_path: str, cart_path: str, context_path: str | None, at_iso: str | None
) -> tuple[int, str]:
    """Evaluate a cart (JSON file) against a terms document (TOML) and return the quote as JSON."""
    try:
        terms = _terms(terms_path)
        cart = parse_cart(_read_json(cart_path, "cart"), "cart")
        context = DEFAULT_CONTEXT
        if context_path:
            context = parse_context(_read_json(context_path, "context"), "context")
        at = parse_at(at_iso)
    except _Bad as exc:
        return BAD_INPUT, str(exc)
    except InputInvalid as exc:
        return BAD_INPUT, "\n".join(f"{exc.source}: {e}" for e in exc.errors)
    quote = evaluate(terms, cart, context, at)
    text = json.dumps(quote_to_json(quote), ensure_ascii=False, indent=2)
    return (OK if quote.accepted else REFUSED), text


def load_rates() -> tuple[RateSource, str]:
    """The rate tables from the database (``core.queries.rate_table_snapshot``), or the published
    rates of DOMAIN-NOTES 1.3 when the query or its tables are not available."""
    try:
        from comptoir.core.queries import rate_table_snapshot  # type: ignore[attr-defined]
    except ImportError:
        return FALLBACK_RATES, "taux publiés / published rates (DOMAIN-NOTES 1.3)"
    try:
        tables = rate_table_snapshot()
    except Exception:  # no table yet (database not migrated): fall back, and say so
        return FALLBACK_RATES, "taux publiés / published rates (DOMAIN-NOTES 1.3)"
    if not tables.legal or not tables.ecb:
        return FALLBACK_RATES, "taux publiés / published rates (DOMAIN-NOTES 1.3)"
    return tables, "base de données / database rate tables"


def run_interest(
    terms_path: str, amount: str, due: str, paid: str, invoice_date: str | None
) -> tuple[int, str]:
    """Late-payment interest and indemnity on ``amount`` due on ``due`` and paid on ``paid``."""
    try:
        terms = _terms(terms_path)
        try:
            principal = Decimal(amount.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise _Bad(f"amount: {amount!r} is not a decimal number") from None
        if not principal.is_finite() or principal < 0:
            raise _Bad(f"amount: {amount!r} must be a positive amount")
        due_d, paid_d = _date(due, "due"), _date(paid, "paid")
        inv = _date(invoice_date, "invoice_date") if invoice_date else None
    except _Bad as exc:
        return BAD_INPUT, str(exc)
    from comptoir.terms.engine.adapter import policy_for

    late = policy_for(terms).late
    rates, source = load_rates()
    try:
        result = late_interest(principal, due_d, paid_d, late, rates, invoice_date=inv)
    except DomainError as exc:
        return BAD_INPUT, f"rates: {exc.message}"
    base = "TTC / incl. VAT" if late.amount_basis is AmountBasis.INCL_VAT else "HT / excl. VAT"
    clause = str(late.clause) if late.clause.article else "—"
    out = [
        f"Intérêts de retard / late-payment interest — PT11 — {clause}",
        f"Principal ({base}): {money(principal)} EUR",
        f"Échéance / due: {due_d.isoformat()}   Paiement / paid: {paid_d.isoformat()}   "
        f"Jours de retard / days late: {result.days}",
    ]
    for ln in result.lines:
        out.append(
            f"  {ln.start.isoformat()} → {ln.end.isoformat()}  {ln.days:>4} j/d  "
            f"{ln.rate:>7} %  {money(ln.amount):>12}  {ln.formula}"
        )
    out += [
        f"Intérêts / interest: {money(result.interest)} EUR",
        f"Indemnité forfaitaire / fixed indemnity (D441-5): {money(result.indemnity)} EUR",
        f"Total: {money(result.total)} EUR",
        f"Taux / rates: {source}",
    ]
    extras = []
    if late.collection_percent is not None:
        extras.append(
            f"frais de recouvrement / collection costs {late.collection_percent} % "
            f"(min {money(late.collection_minimum)})"
        )
    if late.litigation_percent is not None:
        lit_base = "TTC / incl. VAT"
        if late.litigation_base is AmountBasis.EXCL_VAT:
            lit_base = "HT / excl. VAT"
        extras.append(f"pénalité contentieux / litigation {late.litigation_percent} % ({lit_base})")
    if late.reminder_fee is not None:
        extras.append(f"relance / reminder {money(late.reminder_fee)} EUR")
    if extras:
        out.append("Selon le cas / when applicable: " + "; ".join(extras))
    return OK, "\n".join(out)
