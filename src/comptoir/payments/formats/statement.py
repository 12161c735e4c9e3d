"""A bank statement as the reconciliation reads it, whatever file it came from (CAMT.053, MT940)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One booked movement on the seller's (or the operator's) bank account."""

    # the bank's own id for the movement; with the account, unique (idempotency)
    bank_reference: str
    booking_date: date
    value_date: date  # PT4: the day the funds are available
    amount: Decimal  # positive = credit to the account holder, negative = debit
    currency: str
    reference: str = ""  # remittance information: structured RF reference or free text
    counterparty_name: str = ""
    counterparty_iban: str = ""
    end_to_end_id: str = ""
    return_reason: str = ""  # ISO 20022 reason code (AM04, MD06, …) when a direct debit came back


@dataclass(frozen=True, slots=True)
class Statement:
    account_iban: str
    statement_id: str
    opening_balance: Decimal
    closing_balance: Decimal
    lines: tuple[StatementLine, ...]
