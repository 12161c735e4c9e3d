"""Answers whose event was lost (the process stopped between the commit and the listener) are
issued by the catch-up sweep, once, and only for EDI orders (O14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import clock, events
from comptoir.edi.models import EdiMessage, OutboundRetry
from comptoir.edi.services import edi_import, outbound_catch_up, outbound_on_event
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.services import order_accept
from tests.edi.conftest import ORDERED_AT, sample, set_gln
from tests.ordering.conftest import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_listener():
    """The listener does not run: as if every process stopped right after its commit."""
    events.unsubscribe(outbound_on_event)
    yield
    events.subscribe(outbound_on_event)


def out(kind: str | None = None) -> list[str]:
    found = EdiMessage.objects.filter(direction="out")
    if kind:
        found = found.filter(message_type=kind)
    return sorted(found.values_list("message_type", flat=True))


def accept_and_ship(pair, order) -> None:
    with clock.frozen(ORDERED_AT):
        order_accept(actor=pair.shop.seller_user, order_id=order.pk)
        shipment_create(
            actor=pair.shop.seller_user,
            order_id=order.pk,
            lines={line.pk: line.quantity for line in order.lines.all()},
            carrier="Geodis",
            parcels=["GEO123456789"],
        )


def edi_order(django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
    return result.outcomes[0].message.order


def test_lost_answers_are_issued_once_after_the_grace_period(
    pair, lost_listener, django_capture_on_commit_callbacks
):
    order = edi_order(django_capture_on_commit_callbacks)
    accept_and_ship(pair, order)
    assert out() == []  # acceptance, shipment and invoice: nothing issued
    assert outbound_catch_up(until=ORDERED_AT + timedelta(minutes=5)) == 0  # the listener's time
    assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=1)) == 3
    assert out() == ["DESADV", "INVOIC", "ORDRSP"]
    [response] = EdiMessage.objects.filter(message_type="ORDRSP")
    assert response.function_code == "29" and response.order == order
    assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=2)) == 0  # once
    assert len(out()) == 3


def test_answers_already_issued_or_too_old_are_left(pair, django_capture_on_commit_callbacks):
    order = edi_order(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        accept_and_ship(pair, order)
    assert len(out()) == 3  # the listener did its work
    assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=1)) == 0
    assert outbound_catch_up(until=ORDERED_AT + timedelta(days=4)) == 0


def test_a_web_order_gets_nothing(pair, lost_listener):
    with clock.frozen(ORDERED_AT):
        order = place(pair.shop, pair.buyer, [("EL-100", 2)])
        order_accept(actor=pair.shop.seller_user, order_id=order.pk)
    assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=1)) == 0
    assert out() == []


def test_an_answer_that_cannot_be_built_is_kept_for_a_retry_once(
    pair, lost_listener, django_capture_on_commit_callbacks
):
    order = edi_order(django_capture_on_commit_callbacks)
    with clock.frozen(ORDERED_AT):
        order_accept(actor=pair.shop.seller_user, order_id=order.pk)
    set_gln(pair.shop.seller, "")  # no GLN: the ORDRSP cannot be addressed
    with clock.frozen(ORDERED_AT + timedelta(hours=1)):
        assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=1)) == 1
        assert outbound_catch_up(until=ORDERED_AT + timedelta(hours=1)) == 0  # the retry's now
    [retry] = OutboundRetry.objects.all()
    assert retry.source.startswith("ORDRSP:") and retry.attempts == 1
    assert out() == []
