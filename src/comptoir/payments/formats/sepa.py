"""SEPA files out: direct debits (pain.008.001.02) and credit transfers (pain.001.001.03).

PT1: SEPA direct debit needs a mandate (id, signature date) and the creditor identifier (ICS);
PT2: the collection date is the due date; PT14: payouts to sellers are credit transfers.
Input is checked before anything is written; every refusal is a `DomainError` naming the field at
fault (`debits[3].debtor.iban`). Amounts are `Decimal` to the cent, never float.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from lxml import etree
from sepaxml import SepaDD, SepaTransfer
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.eu import at_02
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from text_unidecode import unidecode

from comptoir.core.errors import DomainError
from comptoir.payments.formats.validation import safe_parser, validate

PAIN008 = "pain.008.001.02"
PAIN001 = "pain.001.001.03"
CURRENCY = "EUR"

Sequence_ = Literal["FRST", "RCUR", "OOFF", "FNAL"]
SEQUENCES: tuple[str, ...] = ("FRST", "RCUR", "OOFF", "FNAL")

NAME_MAX = 70
REMITTANCE_MAX = 140
ID_MAX = 35
AMOUNT_MAX = Decimal("999999999.99")
CENT = Decimal("0.01")

_ID_CHARS = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]+$")
_NOT_SEPA_TEXT = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


@dataclass(frozen=True, slots=True)
class Party:
    """An account holder: name as on the account (verification of payee), IBAN, optional BIC."""

    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True, slots=True)
class Creditor:
    """The seller collecting direct debits, with its SEPA creditor identifier (ICS, PT1)."""

    name: str
    iban: str
    bic: str
    creditor_id: str


@dataclass(frozen=True, slots=True)
class DirectDebit:
    """One collection under a signed mandate (PT1), on the due date (PT2)."""

    end_to_end_id: str
    amount: Decimal
    mandate_id: str
    mandate_signed_on: date
    sequence: Sequence_
    debtor: Party
    remittance: str
    collection_date: date


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One outgoing transfer, e.g. a payout to a seller (PT14) or a rebate (PT13)."""

    end_to_end_id: str
    amount: Decimal
    creditor: Party
    remittance: str
    execution_date: date


def _refuse(code: str, message: str, field: str) -> DomainError:
    return DomainError(code=code, message=message, field=field, rule="PT1")


def identifier_fault(exc: ValidationError) -> str:
    """Why python-stdnum refused an IBAN, a BIC or a creditor identifier, in the active language
    (its own text when it gave a specific one)."""
    if exc.args:
        return str(exc)
    if isinstance(exc, InvalidLength):
        return _("The number has an invalid length.")
    if isinstance(exc, InvalidFormat):
        return _("The number has an invalid format.")
    if isinstance(exc, InvalidChecksum):
        return _("The number's checksum or check digit is invalid.")
    if isinstance(exc, InvalidComponent):
        return _("One of the parts of the number is invalid or unknown.")
    return str(exc)


def sepa_text(value: str) -> str:
    """Transliterate to the SEPA Latin character set (accents dropped, other signs to spaces)."""
    ascii_text = unidecode(unicodedata.normalize("NFC", value))
    return " ".join(_NOT_SEPA_TEXT.sub(" ", ascii_text).split())


def _text(value: object, field: str, max_len: int, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _refuse("invalid_text", _("A text is expected."), field)
    cleaned = sepa_text(value)
    if required and not cleaned:
        raise _refuse("required", _("This field is required."), field)
    if len(cleaned) > max_len:
        raise _refuse(
            "text_too_long",
            _("At most %(max)s characters (%(given)s given).")
            % {"max": max_len, "given": len(cleaned)},
            field,
        )
    return cleaned


def _identifier(value: object, field: str) -> str:
    """SEPA references: 1–35 characters of the restricted set, no leading/trailing or double '/'."""
    if not isinstance(value, str) or not value.strip():
        raise _refuse("required", _("This identifier is required."), field)
    if len(value) > ID_MAX:
        raise _refuse(
            "text_too_long",
            _("At most %(max)s characters (%(given)s given).")
            % {"max": ID_MAX, "given": len(value)},
            field,
        )
    if not _ID_CHARS.match(value) or value.startswith("/") or value.endswith("/") or "//" in value:
        raise _refuse(
            "invalid_identifier",
            _(
                "Only letters, digits and / - ? : ( ) . , ' + space; no leading, trailing or "
                "double /."
            ),
            field,
        )
    return value


def _amount(value: object, field: str) -> int:
    """Check a positive Decimal amount to the cent; return it in integer cents."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise _refuse("invalid_amount", _("The amount must be a Decimal."), field)
    if value <= 0:
        raise _refuse("invalid_amount", _("The amount must be positive."), field)
    if value != value.quantize(CENT):
        raise _refuse("invalid_amount", _("The amount must be to the cent."), field)
    if value > AMOUNT_MAX:
        raise _refuse(
            "invalid_amount", _("The amount may not exceed %(max)s.") % {"max": AMOUNT_MAX}, field
        )
    return int(value * 100)


def _iban(value: object, field: str) -> str:
    try:
        return str(stdnum_iban.validate(str(value), check_country=True))
    except ValidationError as exc:
        raise _refuse(
            "invalid_iban", _("Invalid IBAN: %(reason)s") % {"reason": identifier_fault(exc)}, field
        ) from exc


def _bic(value: object, field: str, *, required: bool) -> str:
    if not value:
        if required:
            raise _refuse("required", _("The BIC is required."), field)
        return ""
    try:
        return str(stdnum_bic.validate(str(value)))
    except ValidationError as exc:
        raise _refuse(
            "invalid_bic", _("Invalid BIC: %(reason)s") % {"reason": identifier_fault(exc)}, field
        ) from exc


def _creditor_id(value: object, field: str) -> str:
    try:
        return str(at_02.validate(str(value)))
    except ValidationError as exc:
        raise _refuse(
            "invalid_creditor_id",
            _("Invalid SEPA creditor identifier: %(reason)s") % {"reason": identifier_fault(exc)},
            field,
        ) from exc


def _date(value: object, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _refuse("invalid_date", _("A date is expected."), field)
    return value


def _party(party: Party, field: str, *, bic_required: bool = False) -> dict[str, str]:
    if not isinstance(party, Party):
        raise _refuse("invalid_party", _("A Party is expected."), field)
    out = {
        "name": _text(party.name, f"{field}.name", NAME_MAX),
        "IBAN": _iban(party.iban, f"{field}.iban"),
    }
    bic = _bic(party.bic, f"{field}.bic", required=bic_required)
    if bic:
        out["BIC"] = bic
    return out


def _header(message_id: str, created_at: datetime) -> tuple[str, str]:
    msg_id = _identifier(message_id, "message_id")
    if not isinstance(created_at, datetime):
        raise _refuse("invalid_date", _("A datetime is expected."), "created_at")
    return msg_id, created_at.replace(microsecond=0).isoformat()


def _non_empty(items: object, field: str) -> list[Any]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence) or not items:
        raise _refuse("empty", _("At least one payment is required."), field)
    return list(items)


def _unique_end_to_end(ids: list[str], field: str) -> None:
    seen: set[str] = set()
    for i, e2e in enumerate(ids):
        if e2e in seen:
            raise _refuse(
                "duplicate_end_to_end_id",
                _("End-to-end id “%(id)s” is used twice in the file.") % {"id": e2e},
                f"{field}[{i}].end_to_end_id",
            )
        seen.add(e2e)


def _finish(raw: bytes, schema: str, message_id: str, created_at: str) -> bytes:
    """Put our own ids and timestamp in the file, then check it against the official schema."""
    root = etree.fromstring(raw, safe_parser())
    ns = {"p": root.nsmap[None]}
    root.find(".//p:GrpHdr/p:MsgId", ns).text = message_id
    root.find(".//p:GrpHdr/p:CreDtTm", ns).text = created_at
    infos = root.findall(".//p:PmtInf", ns)
    for n, info in enumerate(infos, start=1):
        suffix = f"-{n}"
        info.find("p:PmtInfId", ns).text = message_id[: ID_MAX - len(suffix)] + suffix
        for agent in info.iterfind(".//p:FinInstnId", ns):
            if len(agent) == 0:
                othr = etree.SubElement(agent, f"{{{ns['p']}}}Othr")
                etree.SubElement(othr, f"{{{ns['p']}}}Id").text = "NOTPROVIDED"
    out = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        root, encoding="UTF-8", pretty_print=True
    )
    problems = validate(out, schema)
    if problems:
        raise DomainError(
            code="sepa_file_invalid",
            message=_("The generated file does not match the ISO 20022 schema."),
            field=None,
            rule="PT1",
            details={"problems": problems},
        )
    return out


def pain008(
    creditor: Creditor,
    debits: Sequence[DirectDebit],
    *,
    message_id: str,
    created_at: datetime,
) -> bytes:
    """Build a SEPA direct debit file (pain.008.001.02, CORE) for `creditor` (PT1, PT2).

    One PmtInf per (sequence type, collection date), in date order; NbOfTxs and CtrlSum are the
    count and the sum of the debits, per PmtInf and for the whole file. `end_to_end_id` should be
    the invoice number so that the bank statement can be matched back (PT4).
    """
    msg_id, created = _header(message_id, created_at)
    if not isinstance(creditor, Creditor):
        raise _refuse("invalid_party", _("A Creditor is expected."), "creditor")
    config: dict[str, Any] = {
        "name": _text(creditor.name, "creditor.name", NAME_MAX),
        "IBAN": _iban(creditor.iban, "creditor.iban"),
        "BIC": _bic(creditor.bic, "creditor.bic", required=True),
        "creditor_id": _creditor_id(creditor.creditor_id, "creditor.creditor_id"),
        "batch": True,
        "currency": CURRENCY,
        "instrument": "CORE",
    }
    items = _non_empty(debits, "debits")
    payments: list[tuple[date, int, dict[str, Any]]] = []
    for i, debit in enumerate(items):
        f = f"debits[{i}]"
        if not isinstance(debit, DirectDebit):
            raise _refuse("invalid_payment", _("A DirectDebit is expected."), f)
        if debit.sequence not in SEQUENCES:
            raise _refuse(
                "invalid_sequence",
                _("Sequence type must be one of %(choices)s.") % {"choices": ", ".join(SEQUENCES)},
                f"{f}.sequence",
            )
        collection = _date(debit.collection_date, f"{f}.collection_date")
        signed = _date(debit.mandate_signed_on, f"{f}.mandate_signed_on")
        if signed > collection:
            raise _refuse(
                "mandate_not_signed",
                _("The mandate must be signed before the collection date."),
                f"{f}.mandate_signed_on",
            )
        payment = {
            **_party(debit.debtor, f"{f}.debtor"),
            "amount": _amount(debit.amount, f"{f}.amount"),
            "type": debit.sequence,
            "collection_date": collection,
            "mandate_id": _identifier(debit.mandate_id, f"{f}.mandate_id"),
            "mandate_date": signed,
            "description": _text(debit.remittance, f"{f}.remittance", REMITTANCE_MAX),
            "endtoend_id": _identifier(debit.end_to_end_id, f"{f}.end_to_end_id"),
        }
        payments.append((collection, SEQUENCES.index(debit.sequence), payment))
    _unique_end_to_end([p["endtoend_id"] for _day, _order, p in payments], "debits")

    dd = SepaDD(config, schema=PAIN008, clean=False)
    for _day, _order, payment in sorted(payments, key=lambda p: (p[0], p[1])):
        dd.add_payment(payment)
    return _finish(dd.export(validate=False), PAIN008, msg_id, created)


def pain001(
    debtor: Party,
    transfers: Sequence[CreditTransfer],
    *,
    message_id: str,
    created_at: datetime,
) -> bytes:
    """Build a SEPA credit transfer file (pain.001.001.03) paid from `debtor`'s account (PT14).

    One PmtInf per execution date; NbOfTxs and CtrlSum are the count and the sum of the transfers.
    """
    msg_id, created = _header(message_id, created_at)
    config: dict[str, Any] = {**_party(debtor, "debtor"), "batch": True, "currency": CURRENCY}
    items = _non_empty(transfers, "transfers")
    payments: list[tuple[date, dict[str, Any]]] = []
    for i, transfer in enumerate(items):
        f = f"transfers[{i}]"
        if not isinstance(transfer, CreditTransfer):
            raise _refuse("invalid_payment", _("A CreditTransfer is expected."), f)
        execution = _date(transfer.execution_date, f"{f}.execution_date")
        payment = {
            **_party(transfer.creditor, f"{f}.creditor"),
            "amount": _amount(transfer.amount, f"{f}.amount"),
            "execution_date": execution,
            "description": _text(transfer.remittance, f"{f}.remittance", REMITTANCE_MAX),
            "endtoend_id": _identifier(transfer.end_to_end_id, f"{f}.end_to_end_id"),
        }
        payments.append((execution, payment))
    _unique_end_to_end([p["endtoend_id"] for _day, p in payments], "transfers")

    ct = SepaTransfer(config, schema=PAIN001, clean=False)
    for _day, payment in sorted(payments, key=lambda p: p[0]):
        ct.add_payment(payment)
    return _finish(ct.export(validate=False), PAIN001, msg_id, created)
