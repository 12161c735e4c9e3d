"""CFONB 160 "remise de LCR" (lettre de change relevé, PT1, PT4): the fixed-width file a seller
hands to its bank so that the bank presents each LCR to the drawee's bank for its due date.

Pure (no database). One header record 03, one detail record 06 per LCR, one total record 08, each
exactly 160 characters, separated by CR LF; operation code 60 (LCR) on every record. Text is
upper-case ASCII; amounts are in cents, right-aligned with leading zeros; dates are DDMMYY. The
layout and its source are in docs/payments.md ("LCR file"). `parse_remittance` reads a file back
and checks its structure (lengths, record order and numbers, total), for the tests and for
anyone checking a file before sending it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

RECORD = 160
OPERATION = "60"  # LCR
ENTRY_CODE = "3"  # collection, lump-sum credit after the due date (not a discount)
CURRENCY_CODE = "E"  # euro
ACCEPTANCE = "0"  # LCR not accepted (presented for approval by the drawee)
AMOUNT_MAX = Decimal("9999999999.99")  # 12 digits of cents
CENT = Decimal("0.01")
EOL = "\r\n"

_NOT_ALLOWED = re.compile(r"[^A-Z0-9 .,\-/'()+:]")


class LcrFormatError(ValueError):
    """A value that cannot go into the file, or a file that is not a well-formed remittance."""


@dataclass(frozen=True, slots=True)
class Rib:
    """French bank details as the IBAN carries them: bank code, branch code, account, RIB key."""

    bank: str
    branch: str
    account: str
    key: str


@dataclass(frozen=True, slots=True)
class Drawer:
    """The seller (tireur, cédant) remitting the LCR to its bank."""

    name: str
    iban: str
    bank_name: str = ""


@dataclass(frozen=True, slots=True)
class Bill:
    """One LCR: drawn on the buyer (tiré) for an invoice, due on its due date."""

    reference: str  # the invoice number (référence tireur)
    drawee_name: str
    drawee_iban: str  # empty when unknown: the bank details are then left blank
    amount: Decimal
    due_date: date
    drawee_bank_name: str = ""
    drawee_reference: str = ""  # the buyer's own reference, when it gave one


def _key_digits(account: str) -> int:
    """The account number with its letters mapped to digits, as the RIB key counts them."""
    table = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
    return int(account.upper().translate(table))


def rib_key(bank: str, branch: str, account: str) -> str:
    """The two-digit RIB key of French bank details (97 − (89 b + 15 g + 3 c) mod 97)."""
    total = 89 * int(bank) + 15 * int(branch) + 3 * _key_digits(account)
    return f"{97 - total % 97:02d}"


def rib_from_iban(iban: str) -> Rib | None:
    """The French bank details inside a French (or Monaco) IBAN, or None when the IBAN is not
    one or its RIB key does not check: such an LCR goes without bank details."""
    compact = re.sub(r"\s", "", iban or "").upper()
    if len(compact) != 27 or compact[:2] not in ("FR", "MC"):
        return None
    bank, branch, account, key = compact[4:9], compact[9:14], compact[14:25], compact[25:27]
    if not (bank.isdigit() and branch.isdigit() and key.isdigit() and account.isalnum()):
        return None
    if rib_key(bank, branch, account) != key:
        return None
    return Rib(bank, branch, account, key)


def text(value: str, size: int) -> str:
    """`value` as the file wants it: ASCII, upper case, other signs as spaces, cut or padded."""
    ascii_only = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    cleaned = _NOT_ALLOWED.sub(" ", ascii_only.upper())
    return cleaned[:size].ljust(size)


def cents(amount: Decimal, size: int = 12) -> str:
    """A positive amount in euros as `size` digits of cents."""
    if not isinstance(amount, Decimal):
        raise LcrFormatError(_("Amount %(amount)s is not a Decimal.") % {"amount": repr(amount)})
    if amount != amount.quantize(CENT) or amount <= 0 or amount > AMOUNT_MAX:
        raise LcrFormatError(
            _("Amount %(amount)s is not a positive amount to the cent.") % {"amount": amount}
        )
    return f"{int(amount * 100):0{size}d}"


def _ddmmyy(day: date) -> str:
    return day.strftime("%d%m%y")


def _number(n: int) -> str:
    return f"{n:08d}"


def _record(*fields: str) -> str:
    line = "".join(fields)
    if len(line) != RECORD:  # a layout mistake, never the input's
        raise AssertionError(f"CFONB record of {len(line)} characters")
    return line


def remittance_file(
    drawer: Drawer, bills: Sequence[Bill], *, reference: str, created_on: date
) -> str:
    """The CFONB 160 remittance of `bills` by `drawer`, created on `created_on`, with the
    remittance `reference` (11 characters at most) in the header. Refuses a drawer without French
    bank details, an empty remittance, and amounts that are not positive cents."""
    rib = rib_from_iban(drawer.iban)
    if rib is None:
        raise LcrFormatError(_("The seller's IBAN is not a French IBAN with a valid RIB key."))
    if not bills:
        raise LcrFormatError(_("A remittance carries at least one LCR."))
    if len(reference) > 11:
        raise LcrFormatError(_("The remittance reference has at most 11 characters."))
    lines = [
        _record(
            "03",
            OPERATION,
            _number(1),
            " " * 6,  # issuer number: not used for LCR
            " " * 6,  # reserved
            _ddmmyy(created_on),
            text(drawer.name, 24),
            text(drawer.bank_name, 24),
            ENTRY_CODE,
            " ",  # Dailly code: not a Dailly assignment
            CURRENCY_CODE,
            rib.bank,
            rib.branch,
            rib.account,
            " " * 16,  # reserved
            " " * 6,  # value date: only for a discount
            " " * 10,  # reserved
            " " * 15,  # reserved
            text(reference, 11),
        )
    ]
    total = Decimal("0.00")
    for n, bill in enumerate(bills, start=2):
        amount = cents(bill.amount)
        total += bill.amount
        drawee = rib_from_iban(bill.drawee_iban)
        lines.append(
            _record(
                "06",
                OPERATION,
                _number(n),
                " " * 8,  # reserved
                text(bill.drawee_reference or bill.reference, 10),
                text(bill.drawee_name, 24),
                text(bill.drawee_bank_name, 24),
                ACCEPTANCE,
                " " * 2,  # reserved
                drawee.bank if drawee else " " * 5,
                drawee.branch if drawee else " " * 5,
                drawee.account if drawee else " " * 11,
                amount,
                " " * 4,  # reserved
                _ddmmyy(bill.due_date),
                _ddmmyy(created_on),
                " " * 20,  # reserved (optional CFONB fields, left blank)
                text(bill.reference, 10),
            )
        )
    lines.append(
        _record(
            "08",
            OPERATION,
            _number(len(bills) + 2),
            " " * 90,  # reserved
            cents(total),
            " " * 46,  # reserved
        )
    )
    return EOL.join(lines) + EOL


# --- reading a file back -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedBill:
    number: int
    drawee_reference: str
    drawee_name: str
    drawee_bank_name: str
    bank: str
    branch: str
    account: str
    amount: Decimal
    due_date: date
    created_on: date
    reference: str


@dataclass(frozen=True, slots=True)
class ParsedRemittance:
    created_on: date
    drawer_name: str
    drawer_bank_name: str
    entry_code: str
    bank: str
    branch: str
    account: str
    reference: str
    bills: tuple[ParsedBill, ...]
    total: Decimal


def _date(value: str, where: str) -> date:
    try:
        return date(2000 + int(value[4:6]), int(value[2:4]), int(value[0:2]))
    except ValueError:
        raise LcrFormatError(f"{where}: {value!r} is not a DDMMYY date.") from None


def _amount(value: str, where: str) -> Decimal:
    if not value.isdigit():
        raise LcrFormatError(f"{where}: amount {value!r} is not digits.")
    return Decimal(int(value)) / 100


def parse_remittance(content: str) -> ParsedRemittance:
    """Read a CFONB 160 LCR remittance and check it: every record 160 characters, a header 03,
    details 06, a total 08 last, operation 60, records numbered from 1 without gaps, and the
    total equal to the sum of the amounts. Raises `LcrFormatError` on the first fault."""
    lines = content.split(EOL)
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) < 3:
        raise LcrFormatError("A remittance has a header, at least one LCR and a total.")
    for i, line in enumerate(lines, start=1):
        if len(line) != RECORD:
            raise LcrFormatError(f"Record {i} has {len(line)} characters, not {RECORD}.")
        kind = "03" if i == 1 else "08" if i == len(lines) else "06"
        if line[0:2] != kind:
            raise LcrFormatError(f"Record {i} is of type {line[0:2]!r}, expected {kind}.")
        if line[2:4] != OPERATION:
            raise LcrFormatError(f"Record {i}: operation {line[2:4]!r} is not {OPERATION}.")
        if line[4:12] != _number(i):
            raise LcrFormatError(f"Record {i} is numbered {line[4:12]!r}.")
    head = lines[0]
    bills = tuple(
        ParsedBill(
            number=int(line[4:12]),
            drawee_reference=line[20:30].rstrip(),
            drawee_name=line[30:54].rstrip(),
            drawee_bank_name=line[54:78].rstrip(),
            bank=line[81:86].strip(),
            branch=line[86:91].strip(),
            account=line[91:102].strip(),
            amount=_amount(line[102:114], f"Record {n}"),
            due_date=_date(line[118:124], f"Record {n}"),
            created_on=_date(line[124:130], f"Record {n}"),
            reference=line[150:160].rstrip(),
        )
        for n, line in enumerate(lines[1:-1], start=2)
    )
    total = _amount(lines[-1][102:114], "Total record")
    if total != sum((b.amount for b in bills), Decimal("0.00")):
        raise LcrFormatError(f"The total {total} is not the sum of the {len(bills)} LCR.")
    return ParsedRemittance(
        created_on=_date(head[24:30], "Header"),
        drawer_name=head[30:54].rstrip(),
        drawer_bank_name=head[54:78].rstrip(),
        entry_code=head[78],
        bank=head[81:86],
        branch=head[86:91],
        account=head[91:102],
        reference=head[149:160].rstrip(),
        bills=bills,
        total=total,
    )
