"""Contestation deadlines and freezing (F4, F5, N2, I1) on the marketplace terms."""

from __future__ import annotations

from datetime import date

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.sweeps import run_all
from comptoir.fulfilment.models import Contestation
from comptoir.fulfilment.services import (
    contestation_resolve,
    delivery_contest,
    delivery_validate,
)
from comptoir.fulfilment.sweeps import freeze_uncontested
from comptoir.ordering.models import Order
from tests.fulfilment.conftest import at

DEADLINE_PASSES = at(2026, 12, 31, 0, 0)
LAST_MINUTE = at(2026, 12, 30, 23, 59)


def test_marketplace_worked_example_end_to_end(delivered: Order):
    """Delivered Thu 24 Dec 2026; 3 business days, delivery day excluded, 25 Dec a holiday:
    Mon 28, Tue 29, Wed 30 → the deadline passes at the end of Wed 30 December (Paris)."""
    assert delivered.state == "delivered" and delivered.invoice_id is None
    contestation = Contestation.objects.get(order=delivered)
    assert contestation.delivered_on == date(2026, 12, 24)
    assert contestation.deadline_on == date(2026, 12, 30)
    assert contestation.deadline_at == DEADLINE_PASSES
    assert contestation.on_silence == "conform"
    assert "Art. 2 et 7.5" in contestation.clause

    with clock.frozen(LAST_MINUTE):
        assert run_all(until=LAST_MINUTE)["fulfilment.freeze_uncontested"] == 0
    delivered.refresh_from_db()
    assert delivered.state == "delivered"

    with clock.frozen(DEADLINE_PASSES):
        assert run_all(until=DEADLINE_PASSES)["fulfilment.freeze_uncontested"] == 1
    delivered.refresh_from_db()
    assert delivered.state == "frozen"
    assert delivered.invoice is not None  # the marketplace invoices at freeze (I1)
    assert delivered.invoice.number
    contestation.refresh_from_db()
    assert contestation.status == "lapsed"
    assert delivered.events.filter(action="freeze").count() == 1

    events = delivered.events.count()
    with clock.frozen(DEADLINE_PASSES):
        assert run_all(until=DEADLINE_PASSES)["fulfilment.freeze_uncontested"] == 0
        assert freeze_uncontested(until=at(2027, 1, 15)) == 0
    delivered.refresh_from_db()
    assert delivered.events.count() == events and delivered.state == "frozen"


def test_a_contest_before_the_deadline_stops_the_freeze(marketplace, buyer, delivered):
    line = delivered.lines.first()
    with clock.frozen(LAST_MINUTE):
        contestation = delivery_contest(
            actor=buyer.user,
            order_id=delivered.pk,
            reason="Deux vases fêlés.",
            lines={line.pk: 2},
        )
    assert contestation.status == "contested"
    assert contestation.lines == [{"line": line.pk, "sku": line.sku, "quantity": 2}]
    with clock.frozen(at(2027, 1, 10)):
        assert freeze_uncontested(until=at(2027, 1, 10)) == 0
    delivered.refresh_from_db()
    assert delivered.state == "delivered" and delivered.invoice_id is None
    with clock.frozen(at(2027, 1, 11)):
        contestation_resolve(
            actor=marketplace.seller_user, order_id=delivered.pk, note="Avoir de 2 vases accordé."
        )
    delivered.refresh_from_db()
    assert delivered.state == "frozen" and delivered.invoice_id is not None


def test_a_contest_after_the_deadline_is_refused(buyer, delivered):
    with clock.frozen(DEADLINE_PASSES), pytest.raises(DomainError) as error:
        delivery_contest(actor=buyer.user, order_id=delivered.pk, reason="Trop tard ?")
    assert (error.value.code, error.value.rule) == ("contestation_deadline_passed", "F4")
    assert Contestation.objects.get(order=delivered).status == "open"


def test_the_buyer_validates_conformity_and_the_order_freezes_at_once(buyer, delivered):
    with clock.frozen(at(2026, 12, 28, 9)):
        order = delivery_validate(actor=buyer.user, order_id=delivered.pk)
    assert order.state == "frozen" and order.invoice_id is not None
    assert str(order.invoice.issue_date) == "2026-12-28"
    assert Contestation.objects.get(order=delivered).status == "validated"
    with clock.frozen(DEADLINE_PASSES):
        assert freeze_uncontested(until=DEADLINE_PASSES) == 0


def test_only_the_buyer_validates_or_contests(marketplace, delivered):
    with clock.frozen(at(2026, 12, 28)), pytest.raises(DomainError) as error:
        delivery_validate(actor=marketplace.seller_user, order_id=delivered.pk)
    assert error.value.code == "permission_denied"


def test_an_order_not_yet_delivered_cannot_be_contested(marketplace, buyer):
    from tests.fulfilment.conftest import accepted_order

    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    with clock.frozen(at(2026, 12, 20)), pytest.raises(DomainError) as error:
        delivery_contest(actor=buyer.user, order_id=order.pk, reason="Rien reçu")
    assert (error.value.code, error.value.rule) == ("not_delivered", "F4")
