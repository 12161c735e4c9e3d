"""CAMT.053 bank statements in (camt.053.001.02 and later versions), read by local names.

PT4: a payment counts on the value date (ValDt), kept on each line. PT12: a returned direct debit
keeps its ISO reason code (RtrInf/Rsn/Cd) in `return_reason`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from comptoir.core.errors import DomainError
from comptoir.payments.formats.statement import Statement, StatementLine
from comptoir.payments.formats.validation import safe_parser

_NOT_PROVIDED = {"NOTPROVIDED", "NOT PROVIDED"}


class _Unreadable(Exception):
    """A required element is missing or malformed."""


def _unreadable(message: str) -> DomainError:
    return DomainError(code="statement_unreadable", message=message, field="file", rule="PT4")


def _local(el: etree._Element) -> str:
    tag = el.tag  # "{namespace}local" or "local"; comments and PIs have no str tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(el: etree._Element | None, name: str) -> Iterator[etree._Element]:
    if el is None:
        return
    for child in el:
        if _local(child) == name:
            yield child


def _find(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = next(_children(el, name), None)
    return el


def _text(el: etree._Element | None, *path: str) -> str:
    found = _find(el, *path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _amount(el: etree._Element | None) -> tuple[Decimal, str] | None:
    if el is None:
        return None
    try:
        value = Decimal((el.text or "").strip())
    except InvalidOperation as exc:
        raise _Unreadable(
            _("Amount %(value)s is not a number.") % {"value": repr(el.text)}
        ) from exc
    if not value.is_finite():
        raise _Unreadable(_("Amount %(value)s is not a number.") % {"value": repr(el.text)})
    return value, el.get("Ccy", "")


def _date(el: etree._Element | None) -> date | None:
    """`<Dt>` or `<DtTm>` (date part as written by the bank)."""
    if el is None:
        return None
    raw = _text(el, "Dt") or _text(el, "DtTm")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise _Unreadable(_("Date %(value)s is not an ISO date.") % {"value": repr(raw)}) from exc


def _signed(value: Decimal, indicator: str) -> Decimal:
    if indicator not in ("CRDT", "DBIT"):
        raise _Unreadable(
            _("CdtDbtInd %(value)s is neither CRDT nor DBIT.") % {"value": repr(indicator)}
        )
    return -value if indicator == "DBIT" else value


def _account_id(acct: etree._Element | None) -> str:
    return _text(acct, "Id", "IBAN") or _text(acct, "Id", "Othr", "Id")


def _party_name(parties: etree._Element | None, role: str) -> str:
    # V02–V07: <Dbtr><Nm>; V08+: <Dbtr><Pty><Nm>
    return _text(parties, role, "Nm") or _text(parties, role, "Pty", "Nm")


def _clean_ref(value: str) -> str:
    return "" if value.upper() in _NOT_PROVIDED else value


def _remittance(tx: etree._Element | None, entry: etree._Element) -> str:
    rmt = _find(tx, "RmtInf")
    structured = [
        _text(strd, "CdtrRefInf", "Ref")
        for strd in _children(rmt, "Strd")
        if _text(strd, "CdtrRefInf", "Ref")
    ]
    if structured:
        return " ".join(structured)
    free = [" ".join((u.text or "").split()) for u in _children(rmt, "Ustrd")]
    text = " ".join(t for t in free if t)
    return text or _text(tx, "AddtlTxInf") or _text(entry, "AddtlNtryInf")


def _balances(stmt: etree._Element) -> tuple[Decimal, Decimal]:
    found: dict[str, Decimal] = {}
    for bal in _children(stmt, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd") or _text(bal, "Tp", "CdOrPrtry", "Prtry")
        amount = _amount(_find(bal, "Amt"))
        if amount is None:
            raise _Unreadable(_("A balance has no amount."))
        found.setdefault(code, _signed(amount[0], _text(bal, "CdtDbtInd")))
    opening = found.get("OPBD", found.get("PRCD", Decimal("0.00")))
    closing = found.get("CLBD", opening)
    return opening, closing


def _entry_hash(entry: etree._Element, seen: Counter[str]) -> str:
    """A stable reference for an entry the bank did not number: its canonical XML, plus its rank
    among identical entries of the same statement."""
    digest = hashlib.sha256(etree.tostring(entry, method="c14n")).hexdigest()[:24]
    seen[digest] += 1
    return f"H{digest}-{seen[digest]}"


def _lines(
    entry: etree._Element, account: str, currency: str, seen: Counter[str]
) -> list[StatementLine]:
    status = _text(entry, "Sts") or _text(entry, "Sts", "Cd")
    if status and status != "BOOK":
        return []
    amount = _amount(_find(entry, "Amt"))
    if amount is None:
        raise _Unreadable(_("An entry has no amount."))
    indicator = _text(entry, "CdtDbtInd")
    entry_amount = _signed(amount[0], indicator)
    entry_currency = amount[1] or currency
    booking = _date(_find(entry, "BookgDt"))
    value = _date(_find(entry, "ValDt"))
    known = [d for d in (booking, value) if d is not None]
    if not known:
        raise _Unreadable(_("An entry has neither a booking date nor a value date."))
    booking_date, value_date = booking or known[0], value or known[0]
    entry_ref = _clean_ref(_text(entry, "AcctSvcrRef")) or _entry_hash(entry, seen)

    txs = [tx for dtls in _children(entry, "NtryDtls") for tx in _children(dtls, "TxDtls")]
    tx_amounts = [_tx_amount(tx, indicator, entry_currency) for tx in txs]
    if len(txs) <= 1 or any(a is None for a in tx_amounts):
        tx = txs[0] if txs else None
        pairs = [(tx, (entry_amount, entry_currency), entry_ref)]
    else:
        own_refs = [_clean_ref(_text(tx, "Refs", "AcctSvcrRef")) for tx in txs]
        distinct = (
            all(own_refs) and len(set(own_refs)) == len(own_refs) and entry_ref not in own_refs
        )
        pairs = [
            (tx, amt, own_refs[i] if distinct else f"{entry_ref}/{i + 1}")
            for i, (tx, amt) in enumerate(zip(txs, tx_amounts, strict=True))
        ]
    out = []
    for tx, (line_amount, line_currency), reference in pairs:
        name, iban = _counterparty(tx, line_amount, account)
        out.append(
            StatementLine(
                bank_reference=reference,
                booking_date=booking_date,
                value_date=value_date,
                amount=line_amount,
                currency=line_currency,
                reference=_remittance(tx, entry),
                counterparty_name=name,
                counterparty_iban=iban,
                end_to_end_id=_clean_ref(_text(tx, "Refs", "EndToEndId")),
                return_reason=_text(tx, "RtrInf", "Rsn", "Cd")
                or _text(tx, "RtrInf", "Rsn", "Prtry"),
            )
        )
    return out


def _tx_amount(
    tx: etree._Element, entry_indicator: str, currency: str
) -> tuple[Decimal, str] | None:
    indicator = _text(tx, "CdtDbtInd") or entry_indicator
    for path in (("Amt",), ("AmtDtls", "TxAmt", "Amt"), ("AmtDtls", "InstdAmt", "Amt")):
        found = _amount(_find(tx, *path))
        if found is not None and (found[1] or currency) == currency:
            return _signed(found[0], indicator), currency
    return None


def _counterparty(tx: etree._Element | None, amount: Decimal, account: str) -> tuple[str, str]:
    """Credits come from the debtor, debits go to the creditor; when that side is the account
    holder itself (a returned direct debit), the other side is the counterparty (PT12)."""
    parties = _find(tx, "RltdPties")
    sides = [("Dbtr", "DbtrAcct"), ("Cdtr", "CdtrAcct")]
    if amount < 0:
        sides.reverse()
    for role, acct in sides:
        name, iban = _party_name(parties, role), _account_id(_find(parties, acct))
        if (name or iban) and not (iban and iban == account):
            return name, iban
    return "", ""


def _statements(root: etree._Element) -> Iterator[etree._Element]:
    if _local(root) != "Document":
        raise _Unreadable(_("The root element is not an ISO 20022 Document."))
    message = _find(root, "BkToCstmrStmt")
    if message is None:
        raise _Unreadable(_("This is not a camt.053 bank statement (no BkToCstmrStmt)."))
    yield from _children(message, "Stmt")


def parse_camt053(data: bytes) -> list[Statement]:
    """Read every statement of a camt.053 file (PT4), one line per booked transaction.

    Entries grouping several transactions (a batch) give one line per TxDtls, each with a bank
    reference made unique by the position in the batch when the bank gives none per transaction.
    """
    try:
        root = etree.fromstring(data, safe_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _unreadable(_("The file is not well-formed XML: %(error)s") % {"error": exc}) from exc
    try:
        statements = []
        for stmt in _statements(root):
            acct = _find(stmt, "Acct")
            account = _account_id(acct)
            currency = _text(acct, "Ccy") or "EUR"
            opening, closing = _balances(stmt)
            seen: Counter[str] = Counter()
            lines = [
                line
                for entry in _children(stmt, "Ntry")
                for line in _lines(entry, account, currency, seen)
            ]
            statements.append(
                Statement(
                    account_iban=account,
                    statement_id=_text(stmt, "Id") or _text(stmt, "ElctrncSeqNb"),
                    opening_balance=opening,
                    closing_balance=closing,
                    lines=tuple(lines),
                )
            )
    except _Unreadable as exc:
        raise _unreadable(str(exc)) from exc
    return statements
