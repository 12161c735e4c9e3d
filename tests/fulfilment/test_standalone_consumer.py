"""O17 on the standalone fulfilment invoices (F7, F10): a consumer's charges are invoiced as the
consumer's order invoice is, without the B2B penalty-rate and 40 € recovery mentions; a
professional's keep them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.fulfilment.models import Charge
from comptoir.fulfilment.services import delivery_refuse, pending_documents_issue
from comptoir.ordering.models import Order
from comptoir.ordering.services import order_accept
from comptoir.payments.services import deposit_receive
from tests.fulfilment.conftest import at, ship_all
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place

PLACED = at(2026, 12, 3, 10)
SHIPPED = at(2026, 12, 9, 9)
REFUSED = at(2026, 12, 10, 9)
ISSUED = at(2026, 12, 11, 10)


@pytest.fixture
def jars(db) -> Shop:
    """Seed 001 (monthly-intranet) serves consumers and professionals."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def _buyer(shop: Shop, *, person: bool) -> Buyer:
    """A buyer that paid seed 001's security deposit (PT9), so its orders ship (O10)."""
    buyer = make_buyer(person=person)
    with clock.frozen(PLACED):
        deposit_receive(
            buyer=buyer.org,
            seller=shop.seller,
            amount=Decimal("2000.00"),
            received_on=PLACED.date(),
        )
    return buyer


def _refused(shop: Shop, buyer: Buyer, *, consumer: bool, tracking: str, days: int = 0) -> Order:
    """An order shipped and refused without a valid reason, `days` after the first dates: its
    transport is charged (F7)."""
    later = timedelta(days=days)
    with clock.frozen(PLACED + later):
        order = place(shop, buyer, [("MIEL-12", 24)], as_consumer=consumer)
        if order.state != "accepted":
            order = order_accept(actor=shop.seller_user, order_id=order.pk)
    assert order.consumer is consumer
    shipment = ship_all(shop, order, when=SHIPPED + later, tracking=tracking)
    with clock.frozen(REFUSED + later):
        delivery_refuse(
            actor=shop.seller_user,
            shipment_id=shipment.pk,
            reason="Refusé sans motif",
            valid_reason=False,
            transport_cost=Decimal("30"),
        )
    assert Charge.objects.filter(order=order, invoiced=False).exists()
    return order


def _issue(shop: Shop, buyer: Buyer, days: int = 0) -> Invoice:
    with clock.frozen(ISSUED + timedelta(days=days)):
        issued = pending_documents_issue(
            actor=shop.seller_user, buyer_id=buyer.org.pk, seller_id=shop.seller.pk
        )
    assert issued.invoice is not None
    return issued.invoice


def _codes(invoice: Invoice) -> set[str]:
    return {m["code"] for m in invoice.mentions}


def test_a_consumer_s_standalone_invoice_drops_the_b2b_late_payment_mentions(jars):
    person = _buyer(jars, person=True)
    _refused(jars, person, consumer=True, tracking="C-1")
    invoice = _issue(jars, person)
    assert invoice.consumer
    assert {"late_penalties", "recovery_indemnity"}.isdisjoint(_codes(invoice))
    assert not any("40 €" in m["text"] for m in invoice.mentions)
    assert Charge.objects.filter(invoice=invoice).exists()


def test_a_professional_s_standalone_invoice_keeps_them(jars):
    company = _buyer(jars, person=False)
    _refused(jars, company, consumer=False, tracking="B-1")
    invoice = _issue(jars, company)
    assert not invoice.consumer
    assert {"late_penalties", "recovery_indemnity"} <= _codes(invoice)
    assert any("40 €" in m["text"] for m in invoice.mentions)


def test_a_person_s_consumer_and_professional_charges_get_two_documents(jars):
    """A natural person may also buy for its trade: its consumer charges and its professional
    charges are split (O17), the professional's document keeping the mentions it needs
    (tests/fulfilment/test_standalone_split.py has the details)."""
    person = _buyer(jars, person=True)
    _refused(jars, person, consumer=True, tracking="M-1")
    _refused(jars, person, consumer=False, tracking="M-2", days=35)  # seed 001: 1 a month (O5)
    invoice = _issue(jars, person, days=35)  # the first one: the professional's
    assert Charge.objects.filter(invoice=invoice).values("order").distinct().count() == 1
    assert not invoice.consumer and "recovery_indemnity" in _codes(invoice)
    other = Charge.objects.exclude(invoice=invoice).get(order__buyer=person.org).invoice
    assert other is not None and other.consumer and "recovery_indemnity" not in _codes(other)
