"""Demo payment set-up: SEPA creditor identifiers, buyers' mandates, a security deposit, a credit
limit and next quarter's rebate agreement, so that the payments pages and files have real data
(PT1, PT9, PT10, PT13). Idempotent, built through the payments services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from stdnum.eu import at_02

from comptoir.core import clock
from comptoir.parties.models import Organization
from comptoir.payments.models import CreditLimit, Deposit, Mandate, RebateAgreement, SepaCreditor
from comptoir.payments.services import (
    credit_limit_set,
    deposit_receive,
    mandate_create,
    rebate_agreement_set,
)

SIGNED = datetime(2026, 1, 12, 10, 0, tzinfo=clock.PARIS)


def _creditor_id(n: int) -> str:
    """A French SEPA creditor identifier (ICS) with valid check digits."""
    body = f"ZZZ{n:06d}"
    return f"FR{at_02.calc_check_digits('FR00' + body)}{body}"


def _next_quarter(today: date) -> date:
    month = (today.month - 1) // 3 * 3 + 4
    return date(today.year + (month > 12), (month - 1) % 12 + 1, 1)


def payments_setup(sellers: dict[str, Organization], buyers: dict[str, Organization]) -> int:
    made = 0
    for n, seller in enumerate(sellers.values(), start=1):
        _, created = SepaCreditor.objects.get_or_create(
            seller=seller, defaults={"creditor_id": _creditor_id(400000 + n)}
        )
        made += created
    brasseurs, lumiere = sellers["brasseurs"], sellers["lumiere"]
    with clock.frozen(SIGNED):
        for buyer in (buyers["buyer1"], buyers["buyer3"]):
            if not Mandate.objects.filter(buyer=buyer, seller=brasseurs).exists():
                mandate_create(
                    buyer=buyer, seller=brasseurs, iban=buyer.iban, signed_on=SIGNED.date()
                )
                made += 1
        if not Deposit.objects.filter(buyer=buyers["buyer1"], seller=brasseurs).exists():
            deposit_receive(  # PT9 [001 §4]: 2,000 € at the signature of the contract
                buyer=buyers["buyer1"],
                seller=brasseurs,
                amount=Decimal("2000.00"),
                received_on=SIGNED.date(),
            )
            made += 1
        if not CreditLimit.objects.filter(buyer=buyers["buyer2"], seller=lumiere).exists():
            credit_limit_set(buyer=buyers["buyer2"], seller=lumiere, amount=Decimal("6000.00"))
            made += 1
    start = _next_quarter(clock.today())
    if not RebateAgreement.objects.filter(
        buyer=buyers["buyer2"], seller=lumiere, period_start=start
    ).exists():
        rebate_agreement_set(
            buyer=buyers["buyer2"],
            seller=lumiere,
            period_start=start,
            tiers=[(Decimal("0"), Decimal("1")), (Decimal("5000"), Decimal("2"))],
        )
        made += 1
    return made
