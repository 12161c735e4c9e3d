"""Immediate payment required (O10, PT9, PT10): an order placed under it and paid otherwise
than by card is held (no shipment) until the payments recorded for it cover its total incl.
VAT; the prepayment is a credit of the buyer that settles the invoice when it is issued. The
card path (PT2) is unchanged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.services import shipment_create
from comptoir.fulfilment.services.prepayment import (
    order_prepayment_record,
    prepayment_awaited,
    prepayment_status,
)
from comptoir.ledger import queries as ledger
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import CardIntent, Payment
from comptoir.payments.services import deposit_receive, prepaid_amount, prepayment_record
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
TODAY = date(2026, 12, 1)


@pytest.fixture
def shop() -> Shop:
    """Monthly intranet terms (001): a 2,000 € security deposit; unpaid amounts and the order
    above what the buyer deposited make immediate payment exigible (PT9 [001 §4])."""
    return make_shop("monthly-intranet", [("MIEL-1", "100.00", 1, 50)])


@pytest.fixture
def buyer(shop) -> Buyer:
    """A buyer with no deposit on record: any order exceeds it (PT9)."""
    return make_buyer()


def _order(shop: Shop, buyer: Buyer, **kw) -> Order:
    with clock.frozen(NOW):
        order = place(shop, buyer, [("MIEL-1", 2)], **kw)
        if order.state != "accepted":
            order_accept(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    return order


def _ship(shop: Shop, order: Order):
    with clock.frozen(NOW):
        return shipment_create(
            actor=shop.seller_user,
            order_id=order.pk,
            lines={line.pk: line.quantity for line in order.lines.all()},
            carrier="Colissimo",
            parcels=[f"6A{order.pk:09d}FR"],
        )


def _record(shop: Shop, order: Order, amount: str, key: str, **kw) -> Payment:
    with clock.frozen(NOW):
        return order_prepayment_record(
            actor=kw.pop("actor", shop.seller_user),
            order_id=order.pk,
            amount=amount,
            method=kw.pop("method", "transfer"),
            on=kw.pop("on", TODAY),
            idempotency_key=key,
        )


def test_an_order_under_immediate_payment_is_held_until_its_prepayment_covers_it(shop, buyer):
    order = _order(shop, buyer)
    assert order.prepayment_required and order.payment_method != "card"
    total = order.total_incl_vat
    assert total == Decimal("240.00") and prepayment_awaited(order)
    with pytest.raises(DomainError) as held:
        _ship(shop, order)
    assert (held.value.code, held.value.rule, held.value.field) == (
        "prepayment_required",
        "O10",
        "order",
    )
    assert held.value.details == {"total": "240.00", "paid": "0.00", "due": "240.00"}

    # a partial payment keeps the hold, for what is still due
    _record(shop, order, "100.00", "k-1")
    assert prepaid_amount(reference=order.number, seller=shop.seller) == Decimal("100.00")
    with pytest.raises(DomainError) as still:
        _ship(shop, order)
    assert still.value.details["due"] == "140.00"
    assert ledger.balance(buyer.org, shop.seller) == Decimal("-100.00")  # a credit, no invoice

    _record(shop, order, "140,00", "k-2", method="cheque")  # a French decimal comma
    status = prepayment_status(order)
    assert status is not None and (status.paid, status.due) == (total, Decimal("0.00"))
    shipment = _ship(shop, order)
    assert shipment.number.endswith("-E1")
    # invoiced at processing (I1, 001): the credits then settle the invoice
    with clock.frozen(NOW):
        order_invoice_issue(order)
    order.refresh_from_db()
    assert order.invoice_id is not None
    assert ledger.balance(buyer.org, shop.seller) == Decimal("0.00")
    payments = Payment.objects.filter(reference=order.number).order_by("pk")
    assert [(p.method, p.amount) for p in payments] == [
        ("transfer", Decimal("100.00")),
        ("cheque", Decimal("140.00")),
    ]


def test_the_prepayment_refusals_name_the_field_and_rule(shop, buyer):
    order = _order(shop, buyer)
    cases = [
        ({"amount": "240.01"}, "amount_exceeds_due", "amount", "O10"),
        ({"amount": "-5"}, "invalid_amount", "amount", "O10"),
        ({"amount": "1.005"}, "invalid_amount", "amount", "O10"),
        ({"amount": "abc"}, "invalid_amount", "amount", "O10"),
        ({"amount": "10", "method": "card"}, "invalid_method", "method", "PT1"),
        ({"amount": "10", "on": date(2026, 12, 2)}, "future_value_date", "value_date", "PT4"),
    ]
    for i, (kw, code, field, rule) in enumerate(cases):
        amount = kw.pop("amount")
        with pytest.raises(DomainError) as refused:
            _record(shop, order, amount, f"bad-{i}", **kw)
        assert (refused.value.code, refused.value.field, refused.value.rule) == (
            code,
            field,
            rule,
        ), kw
    with pytest.raises(DomainError) as buyer_side:
        _record(shop, order, "10", "by-buyer", actor=buyer.user)
    assert buyer_side.value.code == "permission_denied"
    assert not Payment.objects.filter(reference=order.number).exists()


def test_a_double_click_records_one_prepayment(shop, buyer):
    order = _order(shop, buyer)
    first = _record(shop, order, "240.00", "same")
    again = _record(shop, order, "240.00", "same")  # the order is covered by now: answered
    assert first.pk == again.pk
    assert Payment.objects.filter(reference=order.number).count() == 1
    with pytest.raises(DomainError) as covered:
        _record(shop, order, "1.00", "another")
    assert (covered.value.code, covered.value.rule) == ("prepayment_complete", "O10")


def test_an_order_without_the_requirement_ships_and_refuses_a_prepayment(shop):
    buyer = make_buyer()
    with clock.frozen(NOW):  # PT9: the 2,000 € the contract provides, received
        deposit_receive(
            buyer=buyer.org, seller=shop.seller, amount=Decimal("2000.00"), received_on=TODAY
        )
    order = _order(shop, buyer)
    assert not order.prepayment_required and prepayment_status(order) is None
    with pytest.raises(DomainError) as refused:
        _record(shop, order, "10.00", "k")
    assert (refused.value.code, refused.value.rule) == ("prepayment_not_required", "O10")
    _ship(shop, order)


def test_the_card_path_is_unchanged(db):
    """A card order is paid through the provider at checkout (PT2) and held on the card payment
    alone; the prepayment of other methods does not apply to it."""
    shop = make_shop("marketplace", [("VASE", "100.00", 1, 50)])
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 1)], payment_method="card")
    Order.objects.filter(pk=order.pk).update(prepayment_required=True)
    order = _order_accepted(shop, order)
    assert prepayment_status(order) is None
    CardIntent.objects.filter(reference=order.number).update(status="failed", payment=None)
    with pytest.raises(DomainError) as held:
        _ship(shop, order)
    assert (held.value.code, held.value.rule) == ("prepayment_required", "PT2")
    CardIntent.objects.filter(reference=order.number).update(status="succeeded")
    _ship(shop, order)


def _order_accepted(shop: Shop, order: Order) -> Order:
    with clock.frozen(NOW):
        order_accept(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    return order


def test_the_payments_service_records_a_prepayment_as_a_credit_with_the_order_number(shop):
    buyer = make_buyer()
    with clock.frozen(NOW):
        payment = prepayment_record(
            buyer=buyer.org,
            seller=shop.seller,
            reference="CO-2026-000042",
            amount="30.00",
            method="sepa_debit",
            on=TODAY,
            idempotency_key="x",
            actor=shop.seller_user,
        )
        assert (payment.reference, payment.method, payment.value_date) == (
            "CO-2026-000042",
            "sepa_debit",
            TODAY,
        )
        assert ledger.balance(buyer.org, shop.seller) == Decimal("-30.00")
        assert prepaid_amount(reference="CO-2026-000042", seller=shop.seller) == Decimal("30.00")
        assert prepaid_amount(reference="CO-2026-000043", seller=shop.seller) == Decimal("0.00")
        with pytest.raises(DomainError) as no_ref:
            prepayment_record(
                buyer=buyer.org,
                seller=shop.seller,
                reference=" ",
                amount="1",
                method="transfer",
                on=TODAY,
                idempotency_key="y",
            )
        assert (no_ref.value.code, no_ref.value.field) == ("reference_required", "reference")
        with pytest.raises(DomainError) as reused:
            prepayment_record(
                buyer=buyer.org,
                seller=shop.seller,
                reference="CO-2026-000099",
                amount="30.00",
                method="transfer",
                on=TODAY,
                idempotency_key="x",
            )
        assert reused.value.code == "idempotency_conflict"


def test_the_seller_may_let_a_flagged_order_go_without_immediate_payment(shop, buyer) -> None:
    """PT9 [001 §4]: asking for immediate payment is the seller's faculty; waived, the order
    ships on its usual terms, and the timeline says who decided."""
    from comptoir.ordering.services import order_prepayment_waive

    order = _order(shop, buyer)
    assert prepayment_awaited(order)
    with pytest.raises(DomainError) as refused:
        order_prepayment_waive(actor=buyer.user, order_id=order.pk)
    assert refused.value.code == "permission_denied"
    with clock.frozen(NOW):
        order_prepayment_waive(actor=shop.seller_user, order_id=order.pk, reason="Client fidèle.")
    order.refresh_from_db()
    assert not order.prepayment_required and prepayment_status(order) is None
    event = order.events.get(action="waive_prepayment")
    assert (event.actor, event.rule, event.note) == (shop.seller_user, "PT9", "Client fidèle.")
    assert _ship(shop, order).order_id == order.pk
    with pytest.raises(DomainError) as twice:
        order_prepayment_waive(actor=shop.seller_user, order_id=order.pk)
    assert twice.value.code == "prepayment_not_required"
