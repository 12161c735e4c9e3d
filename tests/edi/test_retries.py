"""Outbound messages that fail are retried by a sweep with a growing delay, then given up; the
interchange reference comes from a per-sender counter, unique under concurrency (O14)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.core.sweeps import registered
from comptoir.edi import rules
from comptoir.edi.models import EdiMessage, InterchangeCounter, OutboundRetry
from comptoir.edi.queries import outbound_retries
from comptoir.edi.services import edi_import, ordrsp_issue, outbound_retry_due
from comptoir.edi.sweeps import retry_outbound
from comptoir.ordering.services import order_accept, order_refuse
from tests.edi.conftest import ORDERED_AT, SELLER_GLN, orders_text, sample
from tests.edi.test_outbound import check_envelope, issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def edi_order(pair, django_capture_on_commit_callbacks):
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        result = edi_import(actor=None, text=sample("orders_two_messages.edi"))
    return result.outcomes[0].message.order


def _boom(*_args, **_kwargs):
    raise RuntimeError("segment writer down")


def test_retry_delay_doubles_up_to_six_hours_then_gives_up():
    delays = [rules.retry_delay(n) for n in range(1, rules.RETRY_MAX_ATTEMPTS + 1)]
    assert delays[:4] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert max(d for d in delays if d is not None) <= timedelta(hours=6)
    assert delays[-1] is None  # the last attempt failed: given up


def test_a_failed_ordrsp_is_kept_then_issued_by_the_sweep(
    pair, edi_order, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rules, "ordrsp_segments", _boom)
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    edi_order.refresh_from_db()
    assert edi_order.state == "accepted"  # the change stands
    assert issued("ORDRSP") == []
    retry = OutboundRetry.objects.get()
    event = edi_order.events.get(action="accept")
    assert (retry.source, retry.order, retry.status, retry.attempts) == (
        f"ORDRSP:{event.pk}",
        edi_order,
        "pending",
        1,
    )
    assert retry.next_attempt_at == ORDERED_AT + timedelta(minutes=5)
    assert "segment writer down" in retry.last_error
    assert list(outbound_retries(pair.shop.seller)) == [retry]
    assert list(outbound_retries(pair.buyer.org)) == []

    # not due yet: nothing is tried
    assert outbound_retry_due(until=ORDERED_AT + timedelta(minutes=4)) == 0
    # due, still failing: the next delay doubles
    second = ORDERED_AT + timedelta(minutes=5)
    assert outbound_retry_due(until=second) == 1
    retry.refresh_from_db()
    assert (retry.attempts, retry.next_attempt_at) == (2, second + timedelta(minutes=10))

    monkeypatch.undo()
    third = second + timedelta(minutes=10)
    with clock.frozen(third):
        assert retry_outbound(until=third) == 1
    retry.refresh_from_db()
    [response] = issued("ORDRSP")
    check_envelope(response)
    assert (retry.status, retry.message, response.source) == ("issued", response, retry.source)
    assert AuditEntry.objects.filter(action="edi.out.retried").count() == 1
    # idempotent: run again, nothing more
    assert retry_outbound(until=third + timedelta(days=1)) == 0
    assert len(issued("ORDRSP")) == 1
    assert list(outbound_retries(pair.shop.seller)) == []


def test_a_retry_finds_the_message_issued_meanwhile(
    pair, edi_order, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rules, "ordrsp_segments", _boom)
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_refuse(actor=pair.shop.seller_user, order_id=edi_order.pk, reason="Non.")
    monkeypatch.undo()
    with clock.frozen(ORDERED_AT):  # issued by hand (docs/edi.md)
        message = ordrsp_issue(edi_order, edi_order.events.get(action="refuse"))
    assert message is not None
    assert outbound_retry_due(until=ORDERED_AT + timedelta(hours=1)) == 1
    retry = OutboundRetry.objects.get()
    assert (retry.status, retry.message) == ("issued", message)
    assert len(issued("ORDRSP")) == 1


def test_the_sweep_gives_up_after_the_last_attempt(
    pair, edi_order, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rules, "ordrsp_segments", _boom)
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    retry = OutboundRetry.objects.get()
    while retry.status == "pending":
        assert outbound_retry_due(until=retry.next_attempt_at) == 1
        retry.refresh_from_db()
    assert (retry.status, retry.attempts, retry.next_attempt_at) == (
        "failed",
        rules.RETRY_MAX_ATTEMPTS,
        None,
    )
    assert AuditEntry.objects.filter(action="edi.out.failed").count() == 1
    assert outbound_retry_due(until=ORDERED_AT + timedelta(days=30)) == 0
    assert list(outbound_retries(pair.shop.seller)) == [retry]  # shown as given up
    assert issued("ORDRSP") == []


def test_a_missing_gln_is_a_failure_kept_for_later(
    pair, edi_order, django_capture_on_commit_callbacks
):
    from tests.edi.conftest import set_gln

    set_gln(pair.shop.seller, "")
    with clock.frozen(ORDERED_AT), django_capture_on_commit_callbacks(execute=True):
        order_accept(actor=pair.shop.seller_user, order_id=edi_order.pk)
    assert "no GLN" in OutboundRetry.objects.get().last_error
    set_gln(pair.shop.seller, SELLER_GLN)  # the operator records it again
    assert outbound_retry_due(until=ORDERED_AT + timedelta(minutes=5)) == 1
    assert len(issued("ORDRSP")) == 1


def test_the_sweep_is_registered():
    assert "edi.retry_outbound" in [s.name for s in registered()]


# --- interchange references ---------------------------------------------------------------------


def _accepted_orders(pair, count: int):
    with clock.frozen(ORDERED_AT):
        orders = [
            edi_import(actor=None, text=orders_text(reference=f"IC{n}", number=f"PO-{n}"))
            .outcomes[0]
            .message.order
            for n in range(count)
        ]
        for order in orders:
            order_accept(actor=None, order_id=order.pk)
    return [(order, order.events.get(action="accept")) for order in orders]


def test_references_follow_a_counter_per_sender(pair):
    with clock.frozen(ORDERED_AT):
        refs = [ordrsp_issue(o, e).interchange_ref for o, e in _accepted_orders(pair, 3)]
    assert refs == ["00000001", "00000002", "00000003"]
    assert InterchangeCounter.objects.get(sender_gln=SELLER_GLN).last == 3


def test_a_new_counter_starts_after_the_references_already_issued(pair):
    """Messages issued before the counter existed: it starts after the highest of them."""
    pairs = _accepted_orders(pair, 2)
    with clock.frozen(ORDERED_AT):
        ordrsp_issue(*pairs[0])
    InterchangeCounter.objects.all().delete()
    with clock.frozen(ORDERED_AT):
        assert ordrsp_issue(*pairs[1]).interchange_ref == "00000002"


def test_a_counter_behind_the_stored_references_catches_up(pair):
    pairs = _accepted_orders(pair, 2)
    with clock.frozen(ORDERED_AT):
        ordrsp_issue(*pairs[0])
    InterchangeCounter.objects.update(last=0)  # e.g. restored from an older backup
    with clock.frozen(ORDERED_AT):
        message = ordrsp_issue(*pairs[1])
    assert message is not None and message.interchange_ref == "00000002"
    assert EdiMessage.objects.filter(direction="out").count() == 2


@pytest.mark.postgres_only
def test_concurrent_issuers_of_one_sender_get_distinct_references(transactional_db):
    from comptoir.core import events
    from comptoir.edi.services import outbound_on_event
    from tests.edi.conftest import make_pair
    from tests.ordering.test_concurrency import run_threads

    clock.freeze(ORDERED_AT)
    events.unsubscribe(outbound_on_event)  # commits are real here: no ORDRSP at acceptance
    try:
        pair = make_pair()
        pairs = _accepted_orders(pair, 8)
        assert not EdiMessage.objects.filter(direction="out").exists()

        def work(i: int) -> None:
            order, event = pairs[i]
            assert ordrsp_issue(order, event) is not None

        assert run_threads(8, work) == []
    finally:
        clock.freeze(None)
        events.subscribe(outbound_on_event)
    issued_out = EdiMessage.objects.filter(direction="out")
    refs = sorted(issued_out.values_list("interchange_ref", flat=True))
    assert refs == [f"{n:08d}" for n in range(1, 9)]
    assert InterchangeCounter.objects.get().last == 8
