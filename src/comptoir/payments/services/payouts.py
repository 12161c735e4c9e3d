"""Marketplace settlement (PT14): funds collected for sellers are held, then paid out as SEPA
credit transfers (pain.001): the amount incl. VAT minus the commission and its VAT."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account
from comptoir.ledger.services import Posting, accounts_get, journal_entry_post
from comptoir.parties.models import Organization
from comptoir.payments import rules
from comptoir.payments.formats.sepa import CreditTransfer, Party, pain001
from comptoir.payments.models import Payment, Payout
from comptoir.payments.policy import PaymentPolicy

P = Account.Purpose
VAT_RATE = Decimal("20")


def payout_create(
    *,
    payment: Payment,
    policy: PaymentPolicy,
    allocations: list[tuple[int, Decimal]],
    actor: Any = None,
) -> Payout:
    """The seller's share of a payment collected by the operator (PT14 [000 §7.8]): commission
    taken at payment, never refunded."""
    market = policy.document.marketplace
    assert market is not None
    amounts = rules.payout_amounts(
        payment.amount,
        payment.amount,
        market.commission.percent,
        VAT_RATE,
        market.commission.vat_on_commission,
    )
    payout = Payout.objects.create(
        seller_id=payment.seller_id,
        payment=payment,
        gross=amounts.gross,
        commission=amounts.commission,
        net=amounts.net,
        end_to_end_id=f"PO{payment.pk:010d}",
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=payment.seller_id,
        action="payments.payout_created",
        obj_type="payments.payout",
        obj_id=payout.pk,
        data={
            "gross": amounts.gross,
            "commission_excl_vat": amounts.commission_excl_vat,
            "commission_vat": amounts.commission_vat,
            "net": amounts.net,
            "rule": "PT14",
        },
    )
    return payout


def _operator() -> Organization:
    operator = Organization.objects.filter(is_operator=True).order_by("pk").first()
    if operator is None or not operator.iban:
        raise DomainError(
            code="operator_bank_missing",
            message="The operator's organization and IBAN are needed to pay sellers out.",
            field="operator",
            rule="PT14",
        )
    return operator


@transaction.atomic
def payouts_export(*, actor: Any = None) -> tuple[bytes, list[Payout]]:
    """All pending payouts as one pain.001 file; they are marked sent and their funds leave the
    account held for sellers (net to the seller, commission to the operator)."""
    payouts = list(
        Payout.objects.select_for_update()
        .filter(status=Payout.Status.PENDING)
        .select_related("seller", "payment")
        .order_by("pk")
    )
    if not payouts:
        return b"", []
    operator = _operator()
    missing = [p.seller.legal_name for p in payouts if not p.seller.iban]
    if missing:
        raise DomainError(
            code="seller_iban_missing",
            message=f"No IBAN for: {', '.join(sorted(set(missing)))}.",
            field="seller.iban",
            rule="PT14",
        )
    at = clock.now()
    message_id = f"COMPTOIR-PO-{at:%Y%m%d%H%M%S}-{payouts[0].pk}"
    xml = pain001(
        Party(operator.legal_name, operator.iban, operator.bic),
        [
            CreditTransfer(
                end_to_end_id=p.end_to_end_id,
                amount=p.net,
                creditor=Party(p.seller.legal_name, p.seller.iban, p.seller.bic),
                remittance=f"Reversement {p.payment.reference or p.payment.pk}"[:140],
                execution_date=clock.today(),
            )
            for p in payouts
            if p.net > 0
        ],
        message_id=message_id,
        created_at=at,
    )
    today = clock.today()
    for p in payouts:
        accounts = accounts_get(
            wanted=[(None, P.FUNDS_HELD_FOR_SELLERS), (p.seller_id, P.BANK), (operator.pk, P.BANK)]
        )
        lines = [Posting(account=accounts[(None, P.FUNDS_HELD_FOR_SELLERS)], credit=p.gross)]
        if p.net > 0:
            lines.append(Posting(account=accounts[(p.seller_id, P.BANK)], debit=p.net))
        if p.commission > 0:
            lines.append(Posting(account=accounts[(operator.pk, P.BANK)], debit=p.commission))
        journal_entry_post(
            date=today,
            label=f"Reversement vendeur {p.seller.legal_name}"[:200],
            reference=p.end_to_end_id,
            journal="BQ",
            lines=lines,
        )
    Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(
        status=Payout.Status.EXPORTED, message_id=message_id, exported_at=at
    )
    audit_record(
        actor=actor,
        organization_id=operator.pk,
        action="payments.payouts_exported",
        obj_type="payments.payout",
        obj_id=message_id,
        data={"count": len(payouts), "total": sum((p.net for p in payouts), Decimal(0))},
    )
    return xml, payouts
