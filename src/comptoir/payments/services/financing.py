"""The financing partner (PT3 [000 §1, §5.1, §7.8, §8]): deferred (30, 45, 60 days) or split
(2, 3, 4 instalments) payment. The partner pays the seller at once, minus its fee; the invoice
is assigned to it (billing prints "Facture cédée à …"); the buyer repays the partner on the
plan's schedule. On a marketplace the commission comes out of what the partner pays (PT14)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import Posting, accounts_get, journal_entry_post
from comptoir.payments import labels, rules
from comptoir.payments.models import FinancingPlan, Payment, Payout
from comptoir.payments.policy import payment_policy
from comptoir.payments.services.recording import payment_record
from comptoir.terms.duedates import deferred_due, split_schedule

P = Account.Purpose


def _plan(total: Decimal, start: Any, deferral: int | None, instalments: int | None) -> list:
    if instalments:
        return [
            {"due": i.due.isoformat(), "amount": str(i.amount)}
            for i in split_schedule(total, instalments, start)
        ]
    return [{"due": deferred_due(start, deferral or 30).isoformat(), "amount": str(total)}]


@transaction.atomic
def financing_assign(
    *,
    invoice_item: OpenItem,
    deferral: int | None = None,
    instalments: int | None = None,
    actor: Any = None,
) -> FinancingPlan:
    """Assign the invoice to the partner of the seller's terms and record its payment."""
    existing = FinancingPlan.objects.filter(invoice_item=invoice_item).first()
    if existing is not None:
        return existing
    seller_id = invoice_item.counterparty_id or 0
    today = clock.today()
    policy = payment_policy(seller_id, today)
    options = policy.document.payment.options if policy else []
    option = next((o for o in options if o.method == "financing_partner"), None)
    if option is None:
        raise DomainError(
            code="no_financing",
            message=_("The seller's terms offer no financing partner."),
            field="payment_method",
            rule="PT3",
        )
    if deferral is not None and deferral not in option.deferrals:
        raise DomainError(
            code="invalid_deferral",
            message=_("Deferral must be one of %(choices)s days.")
            % {"choices": ", ".join(str(d) for d in option.deferrals)},
            field="deferral",
            rule="PT3",
        )
    if instalments is not None and instalments not in option.instalments:
        raise DomainError(
            code="invalid_instalments",
            message=_("Instalments must be one of %(choices)s.")
            % {"choices": ", ".join(str(n) for n in option.instalments)},
            field="instalments",
            rule="PT3",
        )
    total = invoice_item.open_amount
    percent = Decimal(str(getattr(settings, "COMPTOIR_FINANCING_FEE_PERCENT", "0")))
    fee = rules.cents(total * percent / rules.HUNDRED)
    payment = payment_record(
        buyer=invoice_item.party_id,
        seller=seller_id,
        amount=total,
        method="financing_partner",
        value_date=today,
        idempotency_key=f"financing:{invoice_item.pk}",
        reference=invoice_item.reference,
        source=Payment.Source.FINANCING,
        actor=actor,
    )
    if fee > 0:
        held = bool(policy and policy.is_marketplace)
        cash = (None, P.FUNDS_HELD_FOR_SELLERS) if held else (seller_id, P.BANK)
        accounts = accounts_get(wanted=[(seller_id, P.FINANCING_PARTNER), cash])
        journal_entry_post(
            date=today,
            label=f"Commission du financeur {option.partner} {invoice_item.reference}"[:200],
            reference=invoice_item.reference,
            journal="BQ",
            data=labels.facts(
                labels.FINANCING_FEE, partner=option.partner, reference=invoice_item.reference
            ),
            lines=[
                Posting(account=accounts[(seller_id, P.FINANCING_PARTNER)], debit=fee),
                Posting(account=accounts[cash], credit=fee),
            ],
        )
        payout = Payout.objects.filter(payment=payment).first()
        if payout is not None:  # PT14: the commission comes out of what the partner paid
            payout.gross = total - fee
            payout.net = payout.gross - payout.commission
            payout.save(update_fields=["gross", "net"])
    plan = FinancingPlan.objects.create(
        invoice_item=invoice_item,
        buyer_id=invoice_item.party_id,
        seller_id=seller_id,
        partner=option.partner,
        amount=total,
        partner_fee=fee,
        schedule=_plan(total, today, deferral, instalments),
        payment=payment,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=seller_id,
        action="payments.invoice_assigned",
        obj_type="payments.financingplan",
        obj_id=plan.pk,
        data={
            "invoice": invoice_item.reference,
            "partner": option.partner,
            "fee": fee,
            "rule": "PT3",
        },
    )
    return plan
