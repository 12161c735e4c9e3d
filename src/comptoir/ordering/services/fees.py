"""O11 charges an order bears beyond its quote at placing [002 §4.3, §4.8]: the fee of a change
after acceptance made with the seller's written consent, and the manual-handling fee of an order
the seller marks as needing manual handling. Both become fees of the order's quote, so the order
page, its totals and its invoice show them with their reason, the rule and the seller's clause."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_money_active
from comptoir.ordering.models import Order
from comptoir.ordering.notes import Note, words
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import ACCEPTED, IN_PROGRESS, transition_check
from comptoir.ordering.services._common import (
    REQUOTED,
    apply,
    current_requests,
    locked,
    require_seller,
    requote,
)
from comptoir.terms.engine.adapter import clause
from comptoir.terms.engine.serialize import money, rate
from comptoir.terms.engine.support import STANDARD_VAT_RATE

CENT = Decimal("0.01")
MAX_FEE = Decimal("100000.00")


def fee_amount(value: Decimal | str | int, field: str = "fee") -> Decimal:
    """A fee excl. VAT: a positive amount in euros, rounded to the cent."""
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise DomainError("invalid_amount", _("Give an amount in euros."), field=field) from exc
    if not Decimal("0") < amount <= MAX_FEE:
        raise DomainError(
            "invalid_amount",
            _("The fee is a positive amount excl. VAT."),
            field=field,
            rule="O11",
        )
    return amount


def change_fee(order: Order, fee: Decimal, reason: str) -> dict[str, Any]:
    """The charge of a change after acceptance (O11 [002 §4.8]), as the quote stores its fees:
    excl. VAT, standard VAT rate, with the reason, the rule and the terms' clause. Refused when
    the order is not accepted yet (the seller then modifies it, O8) or when its terms provide
    no fee for changes."""
    amount = fee_amount(fee)
    if order.state not in {ACCEPTED, IN_PROGRESS}:
        raise DomainError(
            "change_fee_after_acceptance_only",
            _("A change fee applies to a change after acceptance; before it, modify the order."),
            field="fee",
            rule="O11",
        )
    section = ordering_policy(order.terms_version).document.ordering
    if not section.changes.extra_fees_possible:
        raise DomainError(
            "change_fee_not_in_terms",
            _("These terms provide no fee for a change after acceptance."),
            field="fee",
            rule="O11",
        )
    cited = clause(section.changes.clause, section.clause)
    reason = " ".join(reason.split())[:150]
    where = f"O11, {cited.article}" if cited.article else "O11"
    return {
        "code": "change_fee",
        "amount": money(amount),
        "vat_rate": rate(STANDARD_VAT_RATE),
        "rule": "O11",
        "clause": cited.as_dict(),
        "explanation": {
            "fr": f"Frais de modification après acceptation ({where}) : {reason}",
            "en": f"Fee for a change after acceptance ({where}): {reason}",
        },
        "at": clock.now().isoformat(),
    }


def check_delivery_date(day: date) -> date:
    """O11: the new delivery date agreed with a change lies in the future."""
    if day < clock.today():
        raise DomainError(
            "invalid_delivery_date",
            _("The new delivery date cannot be in the past."),
            field="new_delivery_date",
            rule="O11",
        )
    return day


def change_note(consent: str, charge: dict[str, Any] | None, delivery: date | None) -> Note:
    """The timeline note of a change: the consent, then the fee and the new delivery date."""
    written = words(consent)
    if charge is not None:
        written += Note.of("change_fee", amount=Decimal(charge["amount"]))
    if delivery is not None:
        written += Note.of("new_delivery_date", on=delivery)
    return written


@transaction.atomic
def order_mark_manual_handling(
    *, actor: Any, order_id: int, fee: Decimal | None = None, note: str = ""
) -> Order:
    """The seller marks an order as needing manual handling before accepting it (O11 [002
    §4.3]: the fee "sera notifié à l'Acheteur au moment de l'acceptation"). The terms' fee is
    charged; when the terms leave the amount to the buyer's contract, the seller gives it as
    `fee`. The order is re-quoted with the fee, which its invoice then carries."""
    order = locked(order_id)
    require_seller(actor, order)
    transition_check("mark_manual_handling", order.state)
    if order.manual_handling:
        raise DomainError(
            "already_marked", _("The order is already marked for manual handling."), rule="O11"
        )
    rules = ordering_policy(order.terms_version).engine.eligibility
    if not rules.handling_possible:
        raise DomainError(
            "no_handling_fee_clause",
            _("These terms provide no manual-handling fee."),
            field="manual_handling",
            rule="O11",
        )
    amount = fee_amount(fee) if fee is not None else None
    if amount is not None and rules.handling_fee is not None and amount != rules.handling_fee:
        raise DomainError(
            "handling_fee_fixed_by_terms",
            _("These terms fix the handling fee at %(amount)s excl. VAT.")
            % {"amount": format_money_active(rules.handling_fee)},
            field="fee",
            rule="O11",
        )
    if amount is not None and rules.handling_fee is None and not rules.handling_fee_from_contract:
        raise DomainError(
            "handling_fee_not_in_terms",
            _("These terms give no handling-fee amount to charge."),
            field="fee",
            rule="O11",
        )
    order.manual_handling = True
    order.handling_fee = amount if rules.handling_fee_from_contract else None
    priced = requote(order, current_requests(order))
    charged = next((f.amount for f in priced.quote.fees if f.code == "handling_fee"), None)
    text = words(note[:500]) or Note.of("manual_handling")
    if charged is not None:
        text += Note.of("handling_fee", amount=charged)
    return apply(
        order,
        "mark_manual_handling",
        actor=actor,
        note=text,
        fields=(*REQUOTED, "manual_handling", "handling_fee"),
        data={"fee": charged},
    )
