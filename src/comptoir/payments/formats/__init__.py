"""Bank file formats (pure, no database): SEPA pain.008 / pain.001 out, CAMT.053 / MT940 in."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.payments.formats.camt import parse_camt053
from comptoir.payments.formats.mt940 import parse_mt940
from comptoir.payments.formats.statement import Statement, StatementLine

__all__ = ["Statement", "StatementLine", "parse_camt053", "parse_mt940", "parse_statement"]

_MT940 = re.compile(rb"(?m)^:20:.*$[\s\S]*^:(25|60[FM]|61):")


def parse_statement(data: bytes, filename: str = "") -> list[Statement]:
    """Read a bank statement file, CAMT.053 (XML) or MT940 (text), whatever its name (PT4)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"BkToCstmrStmt" in head[:4096]:
        return parse_camt053(data)
    if _MT940.search(head[:65536]):
        return parse_mt940(data)
    raise DomainError(
        code="statement_format_unknown",
        message=(
            _("This file (%(name)s) is neither a CAMT.053 nor an MT940 bank statement.")
            % {"name": filename}
            if filename
            else _("This file is neither a CAMT.053 nor an MT940 bank statement.")
        ),
        field="file",
        rule="PT4",
    )
