"""C6: a replacement proposal still waiting when its order ends (refused, lapsed, cancelled,
frozen), ships or gets its invoice can no longer be answered: it lapses, in one UPDATE, only
when the order reaches such a state. And the buyer is told of a proposal by e-mail."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import SubstitutionProposal
from comptoir.ordering.services import (
    order_accept,
    order_cancel,
    order_record_shipment,
    order_refuse,
    order_start,
    order_substitution_answer,
    order_substitution_propose,
    orders_apply_deadlines,
)
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import make_buyer, make_shop, place


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


NOW = paris(2026, 11, 19, 15)  # a Thursday
LATER = paris(2026, 11, 20, 9)
PRODUCTS = [("USB-C", "4.20", 1, 500), ("USB-C-PRO", "5.10", 1, 100), ("HDMI-2", "3.00", 1, 50)]
SUBSTITUTION = """
[ordering.substitution]
enabled = true
clause = { article = "Art. 4.6", text = "Le Vendeur propose un Produit de remplacement." }
"""


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", PRODUCTS)


def _propose(shop, order, sku: str = "USB-C", replacement: str = "USB-C-PRO", quantity: int = 10):
    return order_substitution_propose(
        actor=shop.seller_user,
        order_id=order.pk,
        line_id=order.lines.get(sku=sku).pk,
        product_id=shop.products[replacement].pk,
        quantity=quantity,
    )


def _proposal_updates(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "ordering_substitutionproposal" in q["sql"]
    ]


def _assert_lapsed(proposal: SubstitutionProposal, at: datetime) -> None:
    proposal.refresh_from_db()
    assert proposal.status == "lapsed" and proposal.answered_at == at
    with translation.override("en"):
        assert proposal.get_status_display() == "No longer answerable"
    assert proposal.answered_by is None


def test_a_cancelled_order_lapses_its_pending_proposal_in_one_update(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        proposal = _propose(electronics, order)
    with clock.frozen(LATER), CaptureQueriesContext(connection) as accepted:
        order_accept(actor=electronics.seller_user, order_id=order.pk)
    assert _proposal_updates(accepted.captured_queries) == []  # accepted: still answerable
    proposal.refresh_from_db()
    assert proposal.status == "pending"
    with clock.frozen(LATER), CaptureQueriesContext(connection) as cancelled:
        order_cancel(actor=electronics.seller_user, order_id=order.pk, reason="Stock.", by="seller")
    assert len(_proposal_updates(cancelled.captured_queries)) == 1
    _assert_lapsed(proposal, LATER)
    with clock.frozen(LATER), pytest.raises(DomainError) as late:
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=True)
    assert (late.value.code, late.value.rule, late.value.field) == (
        "proposal_lapsed",
        "C6",
        "proposal_id",
    )


def test_a_refused_order_lapses_its_pending_proposal(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10)])
        proposal = _propose(electronics, order)
    with clock.frozen(LATER):
        order_refuse(actor=electronics.seller_user, order_id=order.pk, reason="Rupture.")
    _assert_lapsed(proposal, LATER)


def test_a_shipment_lapses_the_proposals_of_the_lines_left(electronics, buyer):
    """C6 replaces lines before shipment only: once the order ships (partly), the proposal
    waiting on another line is no longer answerable."""
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        proposal = _propose(electronics, order)
    with clock.frozen(LATER), CaptureQueriesContext(connection) as shipped:
        order_record_shipment(
            order_id=order.pk,
            quantities={order.lines.get(sku="HDMI-2").pk: 5},
            actor=electronics.seller_user,
            shipment="S-1",
        )
    order.refresh_from_db()
    assert order.state == "shipped" and order.invoice_id is None  # partly: not invoiced yet
    assert len(_proposal_updates(shipped.captured_queries)) == 1
    _assert_lapsed(proposal, LATER)


def test_an_answered_proposal_keeps_its_answer_when_the_order_ends(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10)])
        proposal = _propose(electronics, order)
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=False)
    order.refresh_from_db()
    proposal.refresh_from_db()
    assert order.state == "cancelled"  # the last line declined
    assert proposal.status == "declined" and proposal.answered_by == buyer.user


def test_the_invoice_issued_at_the_order_end_lapses_the_proposal(db, buyer):
    """Terms invoicing at the end of the order (I1): starting the preparation issues the
    invoice (order_invoice_issue), after which the lines no longer change (I9)."""
    source = preset_text("electronics-wholesale").replace(
        'moment = "at_shipment"', 'moment = "at_order_end"'
    )
    shop = make_shop("electronics-wholesale", PRODUCTS, source=source)
    with clock.frozen(NOW):
        order = place(shop, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        order_accept(actor=shop.seller_user, order_id=order.pk)
        proposal = _propose(shop, order)
    with clock.frozen(LATER):
        order_start(actor=shop.seller_user, order_id=order.pk)
    order.refresh_from_db()
    assert order.state == "in_progress" and order.invoice_id is not None
    _assert_lapsed(proposal, LATER)


def test_a_full_shipment_invoiced_at_once_lapses_the_proposal_once(electronics, buyer):
    """Invoiced at shipment (I1): the shipment lapsed the proposal, the invoice adds no query."""
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        proposal = _propose(electronics, order)
    with clock.frozen(LATER), CaptureQueriesContext(connection) as shipped:
        order_record_shipment(
            order_id=order.pk,
            quantities={line.pk: line.quantity for line in order.lines.all()},
            actor=electronics.seller_user,
            shipment="S-1",
        )
    order.refresh_from_db()
    assert order.state == "shipped" and order.invoice_id is not None
    assert len(_proposal_updates(shipped.captured_queries)) == 1
    _assert_lapsed(proposal, LATER)


def test_the_monthly_batch_lapses_the_invoiced_orders_proposals_in_one_update(db):
    """The monthly batch (O6) moves the orders in progress and invoices them (I1) without
    apply(): their pending proposals lapse in one UPDATE for the batch."""
    source = preset_text("monthly-intranet") + SUBSTITUTION
    shop = make_shop(
        "monthly-intranet",
        [("MIEL-12", "6.50", 12, 1000), ("MIEL-24", "6.00", 12, 1000)],
        vat="5.5",
        source=source,
    )
    first, second = make_buyer(), make_buyer()
    with clock.frozen(paris(2026, 11, 5, 9)):
        orders = [place(shop, b, [("MIEL-12", 24)]) for b in (first, second)]
        proposals = [_propose(shop, o, "MIEL-12", "MIEL-24", 24) for o in orders]
    assert all(o.state == "accepted" and o.next_action == "process" for o in orders)
    batch_at = paris(2026, 11, 10, 0, 5)  # the second Tuesday
    with clock.frozen(batch_at), CaptureQueriesContext(connection) as batch:
        assert orders_apply_deadlines(until=batch_at) == 2
    assert len(_proposal_updates(batch.captured_queries)) == 1
    for order, proposal in zip(orders, proposals, strict=True):
        order.refresh_from_db()
        assert order.state == "in_progress" and order.invoice_id is not None
        _assert_lapsed(proposal, batch_at)


def test_the_buyer_gets_an_email_in_its_language_when_a_replacement_is_proposed(
    electronics, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    english = make_buyer()
    english.user.language = "en"
    english.user.save(update_fields=["language"])
    electronics.seller.email = "ventes@example.test"
    electronics.seller.save()
    with clock.frozen(NOW):
        order = place(electronics, english, [("USB-C", 10)])
    mailoutbox.clear()
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        _propose(electronics, order)
    [mail] = mailoutbox  # the buyer waits for it; the seller, who proposed, is not mailed
    assert mail.to == [english.user.email]
    assert mail.subject == f"Order {order.number}: replacement proposed"
    assert "USB-C-PRO" in mail.body
