"""Ordering gaps closed together:

- C6: a proposal whose line an edit or a change removes can no longer be answered: it lapses,
  with a note in the timeline; a proposal on a line that stays is still answerable;
- O8: under terms that make the buyer's order irrevocable (002 §4.2), the buyer's own
  cancellation is refused with the rule and the clause; elsewhere it stays possible before
  acceptance;
- O1, K1: `orders_place` tries every seller and answers, per submission, its order or its
  refusal."""

from __future__ import annotations

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderEvent, SubstitutionProposal
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import (
    Submission,
    order_accept,
    order_cancel,
    order_change,
    order_edit,
    order_substitution_answer,
    order_substitution_propose,
    orders_place,
)
from comptoir.ordering.services.transitions import buyer_may_cancel
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import make_shop, place
from tests.ordering.test_substitutions_lapse import LATER, NOW, PRODUCTS, SUBSTITUTION, paris


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", PRODUCTS)


@pytest.fixture
def monthly(db):
    """Monthly processing (001): the buyer edits freely until the second Tuesday; substitution
    added to its terms."""
    return make_shop(
        "monthly-intranet",
        [("MIEL-12", "6.50", 12, 1000), ("MIEL-24", "6.00", 12, 1000), ("CIRE-1", "9.00", 12, 500)],
        vat="5.5",
        source=preset_text("monthly-intranet") + SUBSTITUTION,
    )


def _propose(shop, order, sku: str, replacement: str, quantity: int) -> SubstitutionProposal:
    return order_substitution_propose(
        actor=shop.seller_user,
        order_id=order.pk,
        line_id=order.lines.get(sku=sku).pk,
        product_id=shop.products[replacement].pk,
        quantity=quantity,
    )


# --------------------------------------------------------------------------------- C6 lapses


def test_a_buyer_edit_removing_the_line_lapses_its_proposal_with_a_timeline_note(monthly, buyer):
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(monthly, buyer, [("MIEL-12", 24), ("CIRE-1", 12)])
        proposal = _propose(monthly, order, "MIEL-12", "MIEL-24", 24)
    edited_at = paris(2026, 11, 6, 10)
    with clock.frozen(edited_at):
        order_edit(actor=buyer.user, order_id=order.pk, lines=[LineRequest("CIRE-1", 24)])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answered_at, proposal.answered_by) == (
        "lapsed",
        edited_at,
        None,
    )
    event = OrderEvent.objects.filter(order=order, action="edit").get()
    assert "MIEL-12" in event.note and "caduque" in event.note
    assert event.data["lapsed_substitutions"] == ["MIEL-12"]
    with clock.frozen(edited_at), pytest.raises(DomainError) as refused:
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=True)
    assert (refused.value.code, refused.value.rule) == ("proposal_lapsed", "C6")


def test_an_edit_keeping_the_line_leaves_its_proposal_answerable(monthly, buyer):
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(monthly, buyer, [("MIEL-12", 24), ("CIRE-1", 12)])
        proposal = _propose(monthly, order, "MIEL-12", "MIEL-24", 24)
    with clock.frozen(paris(2026, 11, 6, 10)):
        order_edit(
            actor=buyer.user,
            order_id=order.pk,
            lines=[LineRequest("MIEL-12", 36), LineRequest("CIRE-1", 12)],
        )
        proposal.refresh_from_db()
        assert proposal.status == "pending"
        event = OrderEvent.objects.filter(order=order, action="edit").get()
        assert "lapsed_substitutions" not in event.data and "caduque" not in event.note
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=True)
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert sorted(order.lines.values_list("sku", flat=True)) == ["CIRE-1", "MIEL-24"]


def test_a_sellers_change_removing_the_line_lapses_only_that_proposal(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        gone = _propose(electronics, order, "USB-C", "USB-C-PRO", 10)
    with clock.frozen(LATER):
        order_change(
            actor=electronics.seller_user,
            order_id=order.pk,
            lines=[LineRequest("HDMI-2", 5)],
            consent="Accord écrit du 20/11 : la ligne USB-C est retirée.",
        )
    gone.refresh_from_db()
    assert gone.status == "lapsed" and gone.answered_at == LATER
    event = OrderEvent.objects.filter(order=order, action="change").get()
    assert event.note.startswith("Accord écrit") and "USB-C" in event.note.split("—")[-1]


def test_declining_one_proposal_keeps_the_other_lines_proposal_pending(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10), ("HDMI-2", 5)])
        first = _propose(electronics, order, "USB-C", "USB-C-PRO", 10)
        other = _propose(electronics, order, "HDMI-2", "USB-C-PRO", 5)
    with clock.frozen(LATER):
        order_substitution_answer(actor=buyer.user, proposal_id=first.pk, accept=False)
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.status == "declined"  # its own answer, not "lapsed"
    assert other.status == "pending"  # its line is still on the order
    event = OrderEvent.objects.filter(order=order, action="answer_substitution").get()
    assert "lapsed_substitutions" not in event.data


# ------------------------------------------------------------------------ O8 irrevocability


def test_the_buyer_cannot_revoke_an_order_its_terms_make_irrevocable(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 10)])
    assert order.state == "submitted" and not buyer_may_cancel(order)
    with clock.frozen(LATER), pytest.raises(DomainError) as refused:
        order_cancel(actor=buyer.user, order_id=order.pk, reason="Plus besoin.", by="buyer")
    error = refused.value
    assert (error.code, error.rule, error.field) == ("order_irrevocable", "O8", "state")
    assert "Art. 4.2" in error.message and "ne peut être révoqué" in error.details["clause"]
    order.refresh_from_db()
    assert order.state == "submitted"
    # the seller still cancels (its written consent, O11, O12)
    with clock.frozen(LATER):
        order_cancel(
            actor=electronics.seller_user, order_id=order.pk, reason="Accord.", by="seller"
        )
    order.refresh_from_db()
    assert order.state == "cancelled"


def test_elsewhere_the_buyer_cancels_before_acceptance_only(db, buyer):
    shop = make_shop("digital-goods", [("LIC-1", "30.00", 1, None)], kind="license_key")
    with clock.frozen(paris(2026, 11, 2, 10)):
        order = place(shop, buyer, [("LIC-1", 1)])
        assert order.state == "submitted" and buyer_may_cancel(order)
        order_cancel(actor=buyer.user, order_id=order.pk, reason="Erreur.", by="buyer")
    order.refresh_from_db()
    assert order.state == "cancelled" and not buyer_may_cancel(order)


# ------------------------------------------------------------------------- O1 orders_place


def test_orders_place_tries_every_seller_and_answers_each_outcome(db, buyer):
    """The first seller cannot hold the quantity (O13); the second is still placed (O1, K1)."""
    short = make_shop("marketplace", [("VASE-1", "40.00", 1, 1)])
    lamps = make_shop("marketplace", [("LAMP-1", "85.00", 1, 5)])
    submissions = [
        Submission(
            buyer=buyer.org,
            seller=shop.seller,
            lines=(LineRequest(sku, 2),),
            accepted_terms_version=shop.version.version,
            idempotency_key=f"mp-{sku}",
        )
        for shop, sku in ((short, "VASE-1"), (lamps, "LAMP-1"))
    ]
    with clock.frozen(paris(2026, 12, 14, 10)):
        refused, placed = orders_place(actor=buyer.user, submissions=submissions)
        assert isinstance(refused, DomainError) and (refused.code, refused.rule) == (
            "insufficient_stock",
            "O13",
        )
        assert isinstance(placed, Order) and placed.seller_id == lamps.seller.pk
        # a retry answers the placed order again and tries the refused seller again
        again = orders_place(actor=buyer.user, submissions=submissions)
    assert isinstance(again[0], DomainError) and again[1] == placed
    assert Order.objects.filter(buyer=buyer.org).count() == 1


def test_orders_place_refuses_two_submissions_for_one_seller(db, buyer):
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 10)])
    sub = Submission(
        buyer=buyer.org,
        seller=shop.seller,
        lines=(LineRequest("VASE-1", 1),),
        accepted_terms_version=shop.version.version,
        idempotency_key="dup-1",
    )
    with pytest.raises(DomainError) as refused:
        orders_place(actor=buyer.user, submissions=[sub, sub])
    assert (refused.value.code, refused.value.rule) == ("duplicate_seller", "O1")
    assert Order.objects.count() == 0
