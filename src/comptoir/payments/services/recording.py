"""Recording a payment: the money in the ledger, interest claimed to the payment date, the cash
discount earned (PT2, PT6), then allocation to the buyer's debts in the order of the terms (PT7)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice, Kind, Status
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock, events
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.services import matching_create
from comptoir.parties.models import Organization
from comptoir.payments import rules
from comptoir.payments.models import LateCase, Method, Payment
from comptoir.payments.policy import PaymentPolicy, payment_policy
from comptoir.payments.rules import ZERO, Debt
from comptoir.payments.services._posting import charges_post, money_in_post
from comptoir.payments.services.collection import cases_open
from comptoir.payments.services.interest import interest_charges

DEBT_KINDS = (OpenItem.Kind.INVOICE, OpenItem.Kind.INTEREST, OpenItem.Kind.FEE)


def _debts(buyer_id: int, seller_id: int) -> list[OpenItem]:
    return list(
        OpenItem.objects.select_for_update()
        .filter(
            party_id=buyer_id,
            counterparty_id=seller_id,
            account__purpose=Account.Purpose.RECEIVABLE,
            kind__in=DEBT_KINDS,
            open_amount__gt=0,
        )
        .order_by("due_date", "pk")
    )


def allocate_to_debts(
    *, item_id: int, order: str | None, designated: str
) -> list[tuple[int, Decimal]]:
    """Match the credit item `item_id` against the buyer's open debts in PT7 order; returns the
    (debt item, amount) pairs. Never more than the credit, never more than a debt."""
    credit = OpenItem.objects.select_for_update().get(pk=item_id)
    debts = _debts(credit.party_id, credit.counterparty_id or 0)
    plan = rules.allocate(
        -credit.open_amount,
        [Debt(d.pk, d.kind, d.reference, d.due_date, d.open_amount) for d in debts],
        order,
        designated,
    )
    at = clock.now()
    for debt_id, amount in plan:
        matching_create(item_a_id=debt_id, item_b_id=credit.pk, amount=amount, at=at)
    settled = [debt_id for debt_id, _amount in plan]
    if settled:
        LateCase.objects.filter(open_item_id__in=settled, open_item__open_amount=0).exclude(
            stage__in=[LateCase.Stage.SETTLED, LateCase.Stage.RESOLVED]
        ).update(stage=LateCase.Stage.SETTLED, settled_on=clock.today())
    return plan


def _claim_interest(buyer_id: int, seller_id: int, policy: PaymentPolicy, on: date) -> None:
    """PT11: interest runs until payment: claim what has accrued on each late case up to `on`."""
    cases_open(on=on, buyer_id=buyer_id, seller_id=seller_id)  # due before the payment day
    cases = list(
        LateCase.objects.select_for_update()
        .filter(buyer_id=buyer_id, seller_id=seller_id, open_item__open_amount__gt=0)
        .exclude(stage__in=[LateCase.Stage.SETTLED])
    )
    pairs = interest_charges(cases, policy, on)
    charges_post([c for _case, c in pairs])
    for case, _charge in pairs:
        case.save(
            update_fields=["interest_from", "interest_posted", "interest_accrued", "accrued_on"]
        )
    for case in cases:  # cases whose interest was nothing still move their start
        if case.interest_from < on:
            case.interest_from = on
            case.save(update_fields=["interest_from"])


def _discount_earned(
    invoice: Invoice, policy: PaymentPolicy, method: str, paid: date, amount: Decimal
) -> Decimal | None:
    """The cash discount excl. VAT this payment earns on `invoice` (PT2 [003 §7]), or None."""
    cd = policy.document.payment.cash_discount
    if cd is None or invoice.issue_date is None:
        return None
    if cd.methods and method not in cd.methods:
        return None
    if paid > invoice.issue_date + timedelta(days=cd.within_days):
        return None
    if cd.base == "incl_vat":
        base = invoice.total_incl_vat
    elif cd.base == "excl_vat":
        base = invoice.line_total - invoice.allowance_total
    else:  # excl. VAT including shipping and accessory fees
        base = invoice.total_excl_vat
    discount = rules.cents(base * cd.percent / rules.HUNDRED)
    vat = (
        rules.cents(discount * invoice.total_vat / invoice.total_excl_vat)
        if invoice.total_excl_vat
        else ZERO
    )
    if amount + discount + vat < invoice.total_incl_vat:
        return None  # only a payment of the whole discounted amount earns it
    return discount


def _grant_discount(invoice: Invoice, discount: Decimal, actor: Any) -> Invoice:
    """The discount as a credit note (VAT reduced in proportion, one line per rate), issued and
    set against the invoice by billing."""
    rates = list(invoice.vat_breakdown.all())
    total_base = sum((r.base for r in rates), ZERO)
    shares = [rules.cents(discount * r.base / total_base) if total_base else ZERO for r in rates]
    if shares:
        shares[-1] += discount - sum(shares, ZERO)
    lines = [
        LineInput(
            description="Escompte pour paiement anticipé (PT2)",
            sku="ESCOMPTE",
            quantity=Decimal(1),
            unit_price=share,
            vat_rate=r.rate,
        )
        for r, share in zip(rates, shares, strict=True)
        if share > 0
    ]
    note = credit_note_create(
        invoice_id=invoice.pk, lines=lines, reason="escompte pour paiement anticipé", actor=actor
    )
    return invoice_issue(invoice_id=note.pk, actor=actor)


def org_get(value: Any, field: str) -> Organization:
    org = (
        value if isinstance(value, Organization) else Organization.objects.filter(pk=value).first()
    )
    if org is None:
        raise DomainError(code="not_found", message=_("Organization not found."), field=field)
    return org


def _check(amount: Any, method: str, value_date: date) -> Decimal:
    try:
        value = Decimal(str(amount))
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0 or value != rules.cents(value):
        raise DomainError(
            code="invalid_amount",
            message=_("A positive amount in euros and cents."),
            field="amount",
        )
    if method not in Method.values:
        raise DomainError(
            code="invalid_method",
            message=_("Unknown method “%(method)s”.") % {"method": method},
            field="method",
            rule="PT1",
        )
    if value_date > clock.today():
        raise DomainError(
            code="future_value_date",
            message=_("A payment counts when its funds are available, not before (PT4)."),
            field="value_date",
            rule="PT4",
        )
    return value


@transaction.atomic
def payment_record(
    *,
    buyer: Any,
    seller: Any,
    amount: Any,
    method: str,
    value_date: date,
    idempotency_key: str,
    reference: str = "",
    payer_iban: str = "",
    source: str = Payment.Source.MANUAL,
    received_on: date | None = None,
    actor: Any = None,
) -> Payment:
    """Record money received for `seller` from `buyer`, available on `value_date` (PT4).

    The same idempotency key again returns the same payment (refused if the amount differs)."""
    buyer, seller = org_get(buyer, "buyer"), org_get(seller, "seller")
    value = _check(amount, method, value_date)
    if not idempotency_key:
        raise DomainError(
            code="required",
            message=_("An idempotency key is required."),
            field="idempotency_key",
        )
    existing = Payment.objects.filter(seller=seller, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.amount != value or existing.buyer_id != buyer.pk:
            raise DomainError(
                code="idempotency_conflict",
                message=_("This idempotency key was used for another payment."),
                field="idempotency_key",
            )
        return existing
    policy = payment_policy(seller, value_date)
    if policy is not None:
        _claim_interest(buyer.pk, seller.pk, policy, value_date)
        _apply_discounts(
            buyer, seller, policy, method, value_date, received_on, value, reference, actor
        )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                buyer=buyer,
                seller=seller,
                method=method,
                source=source,
                amount=value,
                value_date=value_date,
                reference=reference[:140],
                payer_iban=payer_iban,
                idempotency_key=idempotency_key,
                recorded_at=clock.now(),
                recorded_by=actor,
            )
    except IntegrityError:  # the same key from a concurrent request
        return Payment.objects.get(seller=seller, idempotency_key=idempotency_key)
    held = bool(policy and policy.is_marketplace)
    payment.open_item_id = money_in_post(
        buyer_id=buyer.pk,
        seller_id=seller.pk,
        amount=value,
        on=value_date,
        reference=reference or f"PAY-{payment.pk}",
        held=held,
    )
    payment.save(update_fields=["open_item"])
    plan = allocate_to_debts(
        item_id=payment.open_item_id,
        order=policy.allocation if policy else None,
        designated=reference,
    )
    if held and policy is not None:
        from comptoir.payments.services.payouts import payout_create

        payout_create(payment=payment, policy=policy, allocations=plan, actor=actor)
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.payment_recorded",
        obj_type="payments.payment",
        obj_id=payment.pk,
        data={
            "buyer": buyer.pk,
            "amount": value,
            "method": method,
            "value_date": value_date,
            "allocated": [[i, a] for i, a in plan],
            "rule": "PT7",
        },
    )
    from comptoir.payments.services.collection import lift_if_clear

    lift_if_clear(buyer_id=buyer.pk, seller_id=seller.pk, on=value_date)
    data = {"payment_id": payment.pk, "buyer_id": buyer.pk, "seller_id": seller.pk, "amount": value}
    events.emit("payment.received", [buyer.pk, seller.pk], {**data, "value_date": value_date})
    return payment


def _apply_discounts(
    buyer: Organization,
    seller: Organization,
    policy: PaymentPolicy,
    method: str,
    value_date: date,
    received_on: date | None,
    amount: Decimal,
    reference: str,
    actor: Any,
) -> None:
    """Grant the cash discount on the invoices this payment settles in time (PT2, PT6)."""
    if policy.document.payment.cash_discount is None:
        return
    debts = _debts(buyer.pk, seller.pk)
    order = rules.allocation_order(
        [Debt(d.pk, d.kind, d.reference, d.due_date, d.open_amount) for d in debts],
        policy.allocation,
        reference,
    )
    left = amount
    for debt in order:
        if left <= 0 or debt.kind != OpenItem.Kind.INVOICE:
            continue
        invoice = Invoice.objects.filter(
            issuer=seller, number=debt.reference, kind=Kind.INVOICE, status=Status.ISSUED
        ).first()
        paid = rules.paid_on(
            method=method, value_date=value_date, due_date=debt.due_date, received_on=received_on
        )
        discount = _discount_earned(invoice, policy, method, paid, left) if invoice else None
        if invoice is None or discount is None or debt.open_amount != invoice.total_incl_vat:
            left -= debt.open_amount
            continue
        note = _grant_discount(invoice, discount, actor)
        left -= debt.open_amount - note.total_incl_vat
