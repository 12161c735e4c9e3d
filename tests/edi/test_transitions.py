"""ORDRSP for the other ends of an EDI order (O8, O12, O14): lapse, cancellation by the seller
or the buyer, the buyer's answer to a modification; and the listener reading the order's
channel from the event instead of asking the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.edi.models import EdiMessage
from comptoir.edi.services import edi_import, outbound_on_event
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import (
    order_cancel,
    order_confirm_modification,
    order_decline_modification,
    order_modify,
    orders_apply_deadlines,
)
from comptoir.terms.loader import preset_text
from tests.edi.conftest import ORDERED_AT, make_pair, orders_text, sample
from tests.edi.test_outbound import issued, parse, seg
from tests.ordering.conftest import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def edi_order(pair, django_capture_on_commit_callbacks) -> Order:
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
    return result.outcomes[0].message.order


def _only_ordrsp():
    [response] = issued("ORDRSP")
    _ic, message = parse(response.raw)
    return response, message


def test_lapse_issues_ordrsp_27_with_the_reason(db, django_capture_on_commit_callbacks):
    """O8: terms where the offer lapses when the seller stays silent."""
    source = preset_text("electronics-wholesale").replace(
        'on_silence = "pending"', 'on_silence = "lapse"', 1
    )
    pair = make_pair(source=source)
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order = edi_import(actor=None, text=orders_text()).outcomes[0].message.order
    assert order.next_action == "lapse" and issued("ORDRSP") == []
    late = order.next_deadline_at + timedelta(minutes=1)
    with clock.frozen(late), django_capture_on_commit_callbacks(execute=True):
        assert orders_apply_deadlines(until=late) == 1
    order.refresh_from_db()
    assert order.state == "lapsed"
    response, message = _only_ordrsp()
    assert (response.function_code, response.order, response.seller) == (
        "27",
        order,
        pair.shop.seller,
    )
    assert response.source == f"ORDRSP:{order.events.get(action='lapse').pk}"
    assert seg(message, "BGM")[0][2] == "27"
    assert [(e[0], e[1]) for e in seg(message, "LIN")] == [("1", "7")]
    assert [e[0][1] for e in seg(message, "QTY")] == ["10"]
    assert "caduque" in str(seg(message, "FTX"))  # the order's reason
    assert not seg(message, "DTM", "2")  # no delivery date for an order that will not go ahead


def test_seller_cancellation_issues_ordrsp_27(pair, edi_order, django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_cancel(
            actor=pair.shop.seller_user,
            order_id=edi_order.pk,
            reason="Rupture fournisseur.",
            by="seller",
        )
    response, message = _only_ordrsp()
    assert response.function_code == "27"
    assert {e[1] for e in seg(message, "LIN")} == {"7"}
    assert [e[0][1] for e in seg(message, "QTY")] == ["10", "4"]
    assert "Rupture fournisseur" in str(seg(message, "FTX"))
    assert ["ON", "PO-2026-0451"] in [e[0] for e in seg(message, "RFF")]


def _revocable_pair():
    """Electronics terms without the irrevocable buyer's order (O8), so the buyer may cancel."""
    source = preset_text("electronics-wholesale").replace(
        "buyer_order_irrevocable = true", "buyer_order_irrevocable = false", 1
    )
    return make_pair(source=source)


def test_buyer_cancellation_on_the_site_issues_ordrsp_27(db, django_capture_on_commit_callbacks):
    pair = _revocable_pair()
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
        edi_order = result.outcomes[0].message.order
        order_cancel(actor=pair.buyer.user, order_id=edi_order.pk, reason="Doublon.", by="buyer")
    response, _message = _only_ordrsp()
    assert response.function_code == "27" and "Doublon" in response.raw


def test_confirmed_modification_issues_ordrsp_29_on_the_modified_lines(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_modify(
            actor=pair.shop.seller_user,
            order_id=edi_order.pk,
            lines=[LineRequest("EL-100", 8)],
            reason="Stock limité ; EL-200 retiré.",
        )
        order_confirm_modification(actor=pair.buyer.user, order_id=edi_order.pk)
    modified, confirmed = issued("ORDRSP")
    assert (modified.function_code, confirmed.function_code) == ("4", "29")
    _ic, message = parse(confirmed.raw)
    assert [(e[0], e[1]) for e in seg(message, "LIN")] == [("1", "5")]  # the buyer's LIN 1
    assert [e[0][1] for e in seg(message, "QTY")] == ["8"]
    assert not seg(message, "FTX")
    edi_order.refresh_from_db()
    assert edi_order.state == "accepted"


def test_declined_modification_issues_ordrsp_27(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_modify(
            actor=pair.shop.seller_user,
            order_id=edi_order.pk,
            lines=[LineRequest("EL-100", 8), LineRequest("EL-200", 4)],
            reason="Stock limité.",
        )
        order_decline_modification(
            actor=pair.buyer.user, order_id=edi_order.pk, reason="Quantité insuffisante."
        )
    assert [m.function_code for m in issued("ORDRSP")] == ["4", "27"]
    assert "Quantité insuffisante" in issued("ORDRSP")[-1].raw


def test_a_cancellation_event_repeated_issues_nothing_new(
    pair, edi_order, django_capture_on_commit_callbacks
):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_cancel(actor=pair.shop.seller_user, order_id=edi_order.pk, reason="Non.", by="seller")
    data = {"order": edi_order.number, "channel": "edi"}
    outbound_on_event("order.cancelled", [([edi_order.seller_id], data)])
    assert len(issued("ORDRSP")) == 1


# --- the listener reads the channel from the event ----------------------------------------------


def test_events_of_other_channels_cost_no_query(pair, django_assert_num_queries):
    items = [([1, 2], {"order": f"CO-2026-{n:06d}", "channel": "web"}) for n in range(20)]
    with django_assert_num_queries(0):
        for event in ("order.accepted", "order.cancelled", "order.lapsed", "order.shipped"):
            outbound_on_event(event, items)


def test_the_order_events_carry_the_channel(db, django_capture_on_commit_callbacks):
    from comptoir.core import events

    pair = _revocable_pair()
    seen: list[tuple[str, dict]] = []

    def listener(event, items):
        seen.extend((event, data) for _ids, data in items)

    events.subscribe(listener)
    try:
        with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
            order = place(pair.shop, pair.buyer, [("EL-100", 10)])
            order_cancel(actor=pair.buyer.user, order_id=order.pk, reason="Non.", by="buyer")
    finally:
        events.unsubscribe(listener)
    assert [(e, d["channel"]) for e, d in seen] == [
        ("order.placed", "web"),
        ("order.cancelled", "web"),
    ]
    assert not EdiMessage.objects.exists()


def test_an_event_without_channel_is_looked_up(pair, edi_order, django_assert_num_queries):
    """Published before the channel was added to the payload: one query finds the EDI order."""
    from comptoir.ordering.services import order_accept

    with clock.frozen(ORDERED_AT):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    outbound_on_event("order.accepted", [([1], {"order": edi_order.number})])
    [response] = issued("ORDRSP")
    assert response.function_code == "29"
    with django_assert_num_queries(1):  # not EDI: the one fallback query, nothing else
        outbound_on_event("order.accepted", [([1], {"order": "CO-2026-999999"})])
