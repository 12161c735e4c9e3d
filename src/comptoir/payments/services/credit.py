"""Security deposits (PT9) and credit limits (PT10)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_money_active
from comptoir.core.numbers import fits_column
from comptoir.core.services import audit_record
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import Account
from comptoir.ledger.services import Posting, accounts_get, journal_entry_post
from comptoir.payments import labels
from comptoir.payments.models import CreditLimit, Deposit
from comptoir.payments.policy import deposit_refund_days, payment_policy
from comptoir.payments.rules import ZERO, is_cents
from comptoir.payments.services._posting import money_in_post

P = Account.Purpose


def _amount(value: Any, field: str, rule: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        amount = Decimal(-1)
    if not amount.is_finite() or amount <= 0 or not is_cents(amount):
        raise DomainError(
            code="invalid_amount",
            message=_("A positive amount in euros and cents."),
            field=field,
            rule=rule,
        )
    return fits_column(amount, CreditLimit._meta.get_field("amount"), field=field, rule=rule)


@transaction.atomic
def deposit_receive(
    *, buyer: Any, seller: Any, amount: Any, received_on: date, actor: Any = None
) -> Deposit:
    """A security deposit received (PT9): money in the seller's bank, held for the buyer."""
    value = _amount(amount, "amount", "PT9")
    if received_on > clock.today():
        raise DomainError(
            "future_received_on",
            _("A deposit is recorded once received: not on a day to come (PT9)."),
            "received_on",
            "PT9",
        )
    accounts = accounts_get(wanted=[(seller.pk, P.BANK), (buyer.pk, P.DEPOSITS_HELD)])
    journal_entry_post(
        date=received_on,
        label=f"Dépôt de garantie {buyer.legal_name}"[:200],
        reference=f"DEP-{buyer.pk}-{seller.pk}",
        journal="BQ",
        data=labels.facts(labels.DEPOSIT, name=buyer.legal_name),
        lines=[
            Posting(account=accounts[(seller.pk, P.BANK)], debit=value),
            Posting(account=accounts[(buyer.pk, P.DEPOSITS_HELD)], credit=value),
        ],
    )
    deposit = Deposit.objects.create(
        buyer=buyer, seller=seller, amount=value, received_on=received_on
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.deposit_received",
        obj_type="payments.deposit",
        obj_id=deposit.pk,
        data={"amount": value, "rule": "PT9"},
    )
    return deposit


def _held(buyer_id: int, seller_id: int) -> list[Deposit]:
    return list(
        Deposit.objects.select_for_update()
        .filter(buyer_id=buyer_id, seller_id=seller_id, status=Deposit.Status.HELD)
        .order_by("received_on", "pk")
    )


def deposit_held(buyer: Any, seller: Any) -> Decimal | None:
    """What is held for the buyer (None: no deposit was ever received)."""
    rows = list(
        Deposit.objects.filter(
            buyer_id=getattr(buyer, "pk", buyer), seller_id=getattr(seller, "pk", seller)
        )
    )
    if not rows:
        return None
    return sum((d.held for d in rows if d.status == Deposit.Status.HELD), ZERO)


def deposit_set_off(*, buyer_id: int, seller_id: int, amount: Decimal, on: date) -> Decimal:
    """The seller sets what is owed off against the deposit (PT8, PT9, 001 §5): the deposit pays
    the buyer's open debts, oldest first. Returns the amount deducted."""
    from comptoir.payments.services.recording import allocate_to_debts

    available = sum((d.held for d in _held(buyer_id, seller_id)), ZERO)
    take = min(available, amount)
    if take <= 0:
        return ZERO
    accounts = accounts_get(wanted=[(buyer_id, P.DEPOSITS_HELD), (seller_id, P.BANK)])
    # the deposit leaves "held" and becomes a payment received in the seller's bank
    reference = f"DEP-{buyer_id}-{seller_id}"
    set_off = labels.facts(labels.DEPOSIT_SET_OFF, reference=reference)
    journal_entry_post(
        date=on,
        label="Imputation du dépôt de garantie",
        reference=reference,
        data=set_off,
        lines=[
            Posting(account=accounts[(buyer_id, P.DEPOSITS_HELD)], debit=take),
            Posting(account=accounts[(seller_id, P.BANK)], credit=take),
        ],
    )
    item_id = money_in_post(
        buyer_id=buyer_id,
        seller_id=seller_id,
        amount=take,
        on=on,
        reference=reference,
        held=False,
        data=set_off,
    )
    allocate_to_debts(item_id=item_id, order="oldest_debt_first", designated="")
    left = take
    for deposit in _held(buyer_id, seller_id):
        part = min(left, deposit.held)
        deposit.deducted += part
        deposit.save(update_fields=["deducted"])
        left -= part
    return take


@transaction.atomic
def deposit_return(
    *,
    buyer: Any,
    seller: Any,
    contract_ended_on: date,
    refund_days: int | None = None,
    owed_seen: Decimal | None = None,
    actor: Any = None,
) -> Deposit | None:
    """The contract ended: what is owed is deducted and the rest is due back to the buyer within
    `refund_days` days (PT9), by default the seller's terms in force (30 days [001 §4] when they
    say nothing). Records the return; the transfer itself goes out with the seller's bank.
    `owed_seen`: what the buyer owed when the seller decided; refused when it changed since.
    None: no deposit was held."""
    today = clock.today()
    if contract_ended_on > today:
        raise DomainError(
            "future_contract_end",
            _("Return the deposit once the contract has ended: not on a day to come (PT9)."),
            "contract_ended_on",
            "PT9",
        )
    first = (
        Deposit.objects.filter(buyer_id=buyer.pk, seller_id=seller.pk, status=Deposit.Status.HELD)
        .order_by("received_on")
        .values_list("received_on", flat=True)
        .first()
    )
    if first is not None and contract_ended_on < first:
        raise DomainError(
            "contract_end_before_deposit",
            _("The contract cannot end before the deposit was received, on %(day)s (PT9).")
            % {"day": first.strftime("%d/%m/%Y")},
            "contract_ended_on",
            "PT9",
        )
    if refund_days is None:
        refund_days = deposit_refund_days(payment_policy(seller, today))
    owed = max(ledger.balance(buyer, seller), ZERO)
    if owed_seen is not None and owed_seen != owed:
        raise DomainError(
            "balance_changed",
            _(
                "What the buyer owes changed since it was read: it is now %(owed)s. Check what "
                "is deducted and confirm again."
            )
            % {"owed": format_money_active(owed)},
            "owed_seen",
            "PT9",
            details={"owed": str(owed)},
        )
    if owed:
        deposit_set_off(buyer_id=buyer.pk, seller_id=seller.pk, amount=owed, on=contract_ended_on)
    deposits = _held(buyer.pk, seller.pk)
    if not deposits:
        return None
    total = sum((d.held for d in deposits), ZERO)
    if total > 0:
        accounts = accounts_get(wanted=[(buyer.pk, P.DEPOSITS_HELD), (seller.pk, P.BANK)])
        journal_entry_post(
            date=contract_ended_on,
            label=f"Restitution du dépôt de garantie {buyer.legal_name}"[:200],
            reference=f"DEP-{buyer.pk}-{seller.pk}",
            journal="BQ",
            data=labels.facts(labels.DEPOSIT_RETURN, name=buyer.legal_name),
            lines=[
                Posting(account=accounts[(buyer.pk, P.DEPOSITS_HELD)], debit=total),
                Posting(account=accounts[(seller.pk, P.BANK)], credit=total),
            ],
        )
    for d in deposits:
        d.returned_amount = d.held
        d.status = Deposit.Status.RETURNED
        d.contract_ended_on = contract_ended_on
        d.return_due_on = contract_ended_on + timedelta(days=refund_days)
        d.returned_on = today
        d.save()
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.deposit_returned",
        obj_type="payments.deposit",
        obj_id=deposits[0].pk,
        data={"returned": total, "deducted": owed, "rule": "PT9"},
    )
    return deposits[0]


@transaction.atomic
def credit_limit_set(*, buyer: Any, seller: Any, amount: Any, actor: Any = None) -> CreditLimit:
    """The seller caps the buyer's outstanding (PT10)."""
    value = _amount(amount, "amount", "PT10")
    limit, _created = CreditLimit.objects.update_or_create(
        buyer=buyer, seller=seller, defaults={"amount": value, "set_on": clock.today()}
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.credit_limit_set",
        obj_type="payments.creditlimit",
        obj_id=limit.pk,
        data={"amount": value, "rule": "PT10"},
    )
    return limit
