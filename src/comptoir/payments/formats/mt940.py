"""MT940 bank statements in (PT4: value date of :61:, PT12: return reason of a failed debit).

French banks put the remittance in :86:, either as `?00`–`?63` subfields (`?20`–`?29` remittance,
with SEPA keywords such as `EREF+`, `SVWZ+`; `?31` IBAN; `?32`–`?33` name) or as `/TAG/value`
segments (`/EREF/`, `/REMI/`, `/NAME/`, `/IBAN/`, `/RTRN/`); anything else is free text.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import mt940
from django.utils.translation import gettext as _
from mt940.options import Options
from stdnum import iso11649

from comptoir.core.errors import DomainError
from comptoir.payments.formats.statement import Statement, StatementLine

LINE_WIDTH = 65
_STATEMENT_START = re.compile(r"^:20:", re.MULTILINE)
_SUBFIELD = re.compile(r"\?(\d{2})")
_STRUCTURED = re.compile(r"\s*(\d{3})?\?\d{2}")
_SEPA_KEYWORD = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_SLASH_TAGS = (
    "EREF|REMI|NAME|IBAN|BIC|RTRN|MARF|CSID|ORDP|BENM|ULTD|ULTB|PURP|ADDR|ID|TRCD|CREF|PREF|"
    "SVWZ|CDTRREFTP|CDTRREF|ISDT|OCMT|CHGS|EXCH|KREF"
)
_SLASH_TAG = re.compile(rf"/({_SLASH_TAGS})/")
_RF = re.compile(r"\bRF\d{2}(?: ?[A-Z0-9]){1,21}")
_NONE = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED"}


def _unreadable(message: str) -> DomainError:
    return DomainError(code="statement_unreadable", message=message, field="file", rule="PT4")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _join(raw: str) -> str:
    """Undo the 65-character line wrapping: a full line was cut mid-word, a short one at a space."""
    out, previous = "", ""
    for line in raw.replace("\r", "").split("\n"):
        if out:
            out += "" if len(previous) >= LINE_WIDTH else " "
        out += line
        previous = line
    return out


def _clean(value: str | None) -> str:
    value = " ".join((value or "").split())
    return "" if value.upper() in _NONE else value


def _structured_reference(text: str) -> str:
    for match in _RF.finditer(text.upper()):
        candidate = match.group().replace(" ", "")
        for end in range(len(candidate), 4, -1):
            if iso11649.is_valid(candidate[:end]):
                return candidate[:end]
    return ""


def _details_subfields(text: str) -> dict[str, str]:
    """`?00`–`?63` subfields: remittance, IBAN, name, and SEPA keywords inside the remittance."""
    fields: dict[str, str] = {}
    parts = _SUBFIELD.split(text)
    for code, value in zip(parts[1::2], parts[2::2], strict=True):
        fields[code] = fields.get(code, "") + value
    remittance = "".join(fields.get(f"{n}", "") for n in [*range(20, 30), *range(60, 64)])
    keyed: dict[str, str] = {}
    chunks = _SEPA_KEYWORD.split(remittance)
    if len(chunks) > 1:
        for key, value in zip(chunks[1::2], chunks[2::2], strict=True):
            keyed[key] = keyed.get(key, "") + value
        remittance = keyed.get("SVWZ", "") or chunks[0]
    return {
        "remittance": remittance,
        "end_to_end_id": keyed.get("EREF", ""),
        "iban": fields.get("31", "") or keyed.get("IBAN", ""),
        "name": fields.get("32", "") + fields.get("33", ""),
        "return_reason": "",
    }


def _details_slash_tags(text: str) -> dict[str, str]:
    """`/TAG/value` segments; `/REMI/USTD//text` or `/REMI/STRD/CUR/RF…` for the remittance."""
    parts = _SLASH_TAG.split(text)
    tags: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2], strict=True):
        tags.setdefault(key, value.strip("/"))
    remittance = tags.get("REMI", "")
    for prefix in ("USTD/", "STRD/CUR/", "STRD/ISO/", "STRD/"):
        if remittance.startswith(prefix):
            remittance = remittance[len(prefix) :].lstrip("/")
            break
    return {
        "remittance": remittance or tags.get("SVWZ", "") or parts[0],
        "end_to_end_id": tags.get("EREF", ""),
        "iban": tags.get("IBAN", ""),
        "name": tags.get("NAME", ""),
        "return_reason": tags.get("RTRN", "").split("/")[0],
    }


def parse_details(raw: str) -> dict[str, str]:
    """Read an :86: field into remittance, end_to_end_id, iban, name and return_reason."""
    flat = (raw or "").replace("\r", "").replace("\n", "")
    text = _join(raw or "")
    if _STRUCTURED.match(flat) and "?2" in flat:
        fields = _details_subfields(flat)
    elif _SLASH_TAG.search(text):
        fields = _details_slash_tags(text)
    else:
        fields = {
            "remittance": text,
            "end_to_end_id": "",
            "iban": "",
            "name": "",
            "return_reason": "",
        }
    fields = {key: _clean(value) for key, value in fields.items()}
    fields["iban"] = fields["iban"].replace(" ", "")
    fields["reference"] = _structured_reference(fields["remittance"]) or fields["remittance"]
    return fields


def _plain(value: date | None) -> date | None:
    return date(value.year, value.month, value.day) if value else None


def _line_hash(data: dict[str, Any], seen: Counter[str]) -> str:
    keys = ("date", "entry_date", "status", "amount", "id", "customer_reference", "extra_details")
    material = (
        "|".join(str(data.get(k, "")) for k in keys) + "|" + str(data.get("transaction_details"))
    )
    digest = hashlib.sha256(material.encode()).hexdigest()[:24]
    seen[digest] += 1
    return f"H{digest}-{seen[digest]}"


def _statement(chunk: str) -> Statement:
    transactions = mt940.models.Transactions(
        processors={"post_transaction_details": []},
        options=Options(reversal_sign=True, case_insensitive_marks=True, unbounded_details=True),
    )
    transactions.parse(chunk)
    head = transactions.data
    opening = head.get("final_opening_balance") or head.get("intermediate_opening_balance")
    closing = head.get("final_closing_balance") or head.get("intermediate_closing_balance")
    if opening is None:
        raise _unreadable(_("An MT940 statement has no opening balance (:60F:/:60M:)."))
    currency = opening.amount.currency or "EUR"
    seen: Counter[str] = Counter()
    lines = []
    for tx in transactions:
        data = tx.data
        if "amount" not in data:
            continue
        details = parse_details(data.get("transaction_details") or "")
        value_date = _plain(data["date"])
        lines.append(
            StatementLine(
                bank_reference=_clean(data.get("bank_reference")) or _line_hash(data, seen),
                booking_date=_plain(data.get("entry_date")) or value_date,
                value_date=value_date,
                amount=Decimal(data["amount"].amount),
                currency=data["amount"].currency or currency,
                reference=details["reference"],
                counterparty_name=details["name"],
                counterparty_iban=details["iban"],
                end_to_end_id=details["end_to_end_id"],
                return_reason=details["return_reason"],
            )
        )
    statement_no = "/".join(
        x for x in (head.get("statement_number"), head.get("sequence_number")) if x
    )
    return Statement(
        account_iban=_clean(head.get("account_identification")).replace(" ", ""),
        statement_id="-".join(x for x in (head.get("transaction_reference"), statement_no) if x),
        opening_balance=Decimal(opening.amount.amount),
        closing_balance=Decimal(closing.amount.amount)
        if closing
        else Decimal(opening.amount.amount),
        lines=tuple(lines),
    )


def parse_mt940(data: bytes) -> list[Statement]:
    """Read every statement (each :20: block) of an MT940 file (PT4)."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    starts = [m.start() for m in _STATEMENT_START.finditer(text)]
    if not starts:
        raise _unreadable(_("No MT940 statement (:20:) in the file."))
    chunks = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    statements = []
    for chunk in chunks:
        try:
            statements.append(_statement(chunk))
        except DomainError:
            raise
        except Exception as exc:
            raise _unreadable(_("Unreadable MT940 statement: %(error)s") % {"error": exc}) from exc
    return statements
