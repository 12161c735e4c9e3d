"""What a ledger entry's label says, in the reader's language.

The payments services write each entry's label in French: the accounting record, unchanged in the
ledger, the FEC export and the data exports. Beside it they store the facts the label states in
the entry's `data` (`facts()`: {"kind": …, its parameters as JSON values}). Pages and API answers
show `describe()`: the same sentence in the active language, rebuilt from those facts, never by
reading the French text. An entry without facts (posted before they were stored) or of a kind
unknown here shows its stored label.

The French of each sentence reads as the label the services store, rule IDs included; dates are
dd/mm/yyyy and rates as the reader writes them (`core.i18n`) in both languages.

Billing posts its invoices and credit notes without facts: `document()` says them from the
document's number and recipient (the statement of account reads them from billing).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import pgettext

from comptoir.core.i18n import format_rate_active

# the kinds of entries the payments services post, as stored in `JournalEntry.data["kind"]`
PAYMENT = "payment"  # money in from the buyer (PT4, PT7)
PAYMENT_REVERSED = "payment_reversed"  # a returned debit, an unpaid LCR: owed anew (PT12)
INTEREST = "interest"  # late-payment interest claimed (PT11)
INDEMNITY = "indemnity"  # the fixed 40 € indemnity for recovery costs (PT11, C. com. D441-5)
REMINDER_FEE = "reminder_fee"  # a reminder's fee under the terms (PT11)
COLLECTION_COSTS = "collection_costs"  # charged with the formal notice (PT11)
RESOLUTION_INDEMNITY = "resolution_indemnity"  # the sale resolved (PT11)
DEBIT_RETURN_FEE = "debit_return_fee"  # a direct debit returned by the buyer's fault (PT12)
TRANSFER_REFUND = "transfer_refund"  # a refund paid by transfer (O12, O17)
CARD_REFUND = "card_refund"  # a card payment refunded (O12)
CARD_REFUND_CREDIT_NOTE = "card_refund_credit_note"  # a credit note refunded to the card (I5)
DEPOSIT = "deposit"  # a security deposit received (PT9)
DEPOSIT_SET_OFF = "deposit_set_off"  # what the buyer owed taken from its deposit (PT8, PT9)
DEPOSIT_RETURN = "deposit_return"  # the deposit returned at the end of the contract (PT9)
REBATE = "rebate"  # a quarter's rebate credited (PT13)
PAYOUT_COMMISSION = "payout_commission"  # the commission deducted from a payout (I8, PT14)
PAYOUT = "payout"  # the funds held paid out to the seller (PT14)
FINANCING_FEE = "financing_fee"  # the financing partner's fee (PT3)


def facts(kind: str, **params: Any) -> dict[str, Any]:
    """The `data` of an entry of `kind`: dates as ISO text, decimals as text (JSON values)."""
    out: dict[str, Any] = {"kind": kind}
    for name, value in params.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[name] = value
    return out


def _day(value: Any) -> str:
    return f"{date.fromisoformat(str(value)):%d/%m/%Y}"


def _rate(value: Any) -> str:
    return format_rate_active(Decimal(str(value)))


# each kind's sentence (makemessages reads the context and msgid of each pgettext: literals only)
_SAY: dict[str, Callable[[Mapping[str, Any]], str]] = {
    PAYMENT: lambda d: (
        pgettext("ledger entry", "Payment %(reference)s") % {"reference": d["reference"]}
    ),
    PAYMENT_REVERSED: lambda d: (
        pgettext("ledger entry", "Payment returned or reversed %(reference)s")
        % {"reference": d["reference"]}
    ),
    INTEREST: lambda d: (
        pgettext("ledger entry", "Late-payment interest %(reference)s to %(day)s (PT11)")
        % {"reference": d["reference"], "day": _day(d["on"])}
    ),
    INDEMNITY: lambda d: (
        pgettext(
            "ledger entry",
            "Fixed indemnity for recovery costs %(reference)s (C. com. D441-5, PT11)",
        )
        % {"reference": d["reference"]}
    ),
    REMINDER_FEE: lambda d: (
        pgettext("ledger entry", "Reminder fee no. %(number)s %(reference)s (%(clause)s)")
        % {"number": int(d["number"]), "reference": d["reference"], "clause": d["clause"]}
    ),
    COLLECTION_COSTS: lambda d: (
        pgettext("ledger entry", "Collection costs %(reference)s (%(clause)s)")
        % {"reference": d["reference"], "clause": d["clause"]}
    ),
    RESOLUTION_INDEMNITY: lambda d: (
        pgettext("ledger entry", "Resolution indemnity of %(rate)s %(reference)s (%(clause)s)")
        % {"rate": _rate(d["percent"]), "reference": d["reference"], "clause": d["clause"]}
    ),
    DEBIT_RETURN_FEE: lambda d: (
        pgettext("ledger entry", "Returned direct debit fee %(reason)s %(reference)s (PT12)")
        % {"reason": d["reason"], "reference": d["reference"]}
    ),
    TRANSFER_REFUND: lambda d: (
        pgettext("ledger entry", "Refund by transfer %(reference)s (%(rule)s)")
        % {"reference": d["reference"], "rule": d["rule"]}
    ),
    CARD_REFUND: lambda d: (
        pgettext("ledger entry", "Card refund %(reference)s") % {"reference": d["reference"]}
    ),
    CARD_REFUND_CREDIT_NOTE: lambda d: (
        pgettext("ledger entry", "Card refund of credit note %(number)s") % {"number": d["number"]}
    ),
    DEPOSIT: lambda d: pgettext("ledger entry", "Security deposit %(name)s") % {"name": d["name"]},
    DEPOSIT_SET_OFF: lambda d: (
        pgettext("ledger entry", "Security deposit set off %(reference)s (PT9)")
        % {"reference": d["reference"]}
    ),
    DEPOSIT_RETURN: lambda d: (
        pgettext("ledger entry", "Return of the security deposit %(name)s") % {"name": d["name"]}
    ),
    REBATE: lambda d: (
        pgettext("ledger entry", "Rebate %(period)s (PT13)") % {"period": d["period"]}
    ),
    PAYOUT_COMMISSION: lambda d: (
        pgettext("ledger entry", "Commission %(invoice)s deducted from payout %(payout)s")
        % {"invoice": d["invoice"], "payout": d["payout"]}
    ),
    PAYOUT: lambda d: pgettext("ledger entry", "Payout to seller %(name)s") % {"name": d["name"]},
    FINANCING_FEE: lambda d: (
        pgettext("ledger entry", "Financing partner's fee %(partner)s %(reference)s")
        % {"partner": d["partner"], "reference": d["reference"]}
    ),
}

KINDS = frozenset(_SAY)


def describe(data: Mapping[str, Any] | None, stored: str) -> str:
    """The entry's label in the active language, from its facts; `stored` (the label as
    written) when it has none, when their kind is unknown or when they lack a parameter."""
    if not isinstance(data, Mapping):
        return stored
    say = _SAY.get(str(data.get("kind", "")))
    if say is None:
        return stored
    try:
        return say(data)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return stored


def kind_of(data: Mapping[str, Any] | None) -> str:
    """The kind of an entry's facts ("" when it has none)."""
    return str(data.get("kind", "")) if isinstance(data, Mapping) else ""


def document(kind: str, number: str, name: str) -> str:
    """An issued invoice or credit note (billing), as its entry's label says it."""
    if kind == "credit_note":
        return pgettext("ledger entry", "Credit note %(number)s %(name)s") % {
            "number": number,
            "name": name,
        }
    return pgettext("ledger entry", "Invoice %(number)s %(name)s") % {
        "number": number,
        "name": name,
    }
