"""C6: the seller proposes a replacement for a line it cannot supply, the buyer accepts or
declines line by line [002 §4.6], with frozen time."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import SubstitutionProposal
from comptoir.ordering.services import (
    order_accept,
    order_record_shipment,
    order_substitution_answer,
    order_substitution_propose,
)
from tests.ordering.conftest import make_shop, place


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


NOW = paris(2026, 11, 19, 15)  # a Thursday


@pytest.fixture
def electronics(db):
    return make_shop(
        "electronics-wholesale",
        [
            ("USB-C", "4.20", 1, 500),
            ("USB-C-PRO", "5.10", 1, 100),
            ("HDMI-2", "3.00", 1, 50),
        ],
    )


def _reserved(sku: str) -> int:
    return StockLevel.objects.get(product__sku=sku).reserved


def _propose(shop, order, sku: str, replacement: str, quantity: int) -> SubstitutionProposal:
    return order_substitution_propose(
        actor=shop.seller_user,
        order_id=order.pk,
        line_id=order.lines.get(sku=sku).pk,
        product_id=shop.products[replacement].pk,
        quantity=quantity,
        note="Rupture fabricant jusqu'en janvier.",
    )


def test_accepted_substitution_replaces_the_line_at_the_agreed_price(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 100), ("HDMI-2", 10)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        proposal = _propose(electronics, order, "USB-C", "USB-C-PRO", 100)
    assert (proposal.status, proposal.original_sku, proposal.sku) == (
        "pending",
        "USB-C",
        "USB-C-PRO",
    )
    assert proposal.unit_price == Decimal("5.10") and proposal.net_amount == Decimal("510.00")
    assert _reserved("USB-C") == 100 and _reserved("USB-C-PRO") == 0  # nothing changes yet
    with clock.frozen(paris(2026, 11, 20, 9)):
        proposal = order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=True)
    order.refresh_from_db()
    assert proposal.status == "accepted" and proposal.answered_by == buyer.user
    lines = {line.sku: line for line in order.lines.all()}
    assert set(lines) == {"USB-C-PRO", "HDMI-2"}
    assert lines["USB-C-PRO"].quantity == 100 and lines["USB-C-PRO"].substitute_for == "USB-C"
    assert lines["USB-C-PRO"].net_amount == Decimal("510.00")
    assert order.total_excl_vat == Decimal("540.00")  # 510 + 30, re-quoted
    assert order.state == "accepted"
    assert (_reserved("USB-C"), _reserved("USB-C-PRO"), _reserved("HDMI-2")) == (0, 100, 10)
    actions = [(e.action, e.rule) for e in order.events.all()]
    assert actions[-2:] == [("propose_substitution", "C6"), ("answer_substitution", "C6")]
    answer = order.events.last()
    assert answer.data["accepted"] is True and "USB-C-PRO" in answer.note


def test_declined_substitution_removes_the_line_partial_order(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 100), ("HDMI-2", 10)])
        proposal = _propose(electronics, order, "HDMI-2", "USB-C-PRO", 10)
        proposal = order_substitution_answer(
            actor=buyer.user, proposal_id=proposal.pk, accept=False
        )
    order.refresh_from_db()
    assert proposal.status == "declined"
    assert [line.sku for line in order.lines.all()] == ["USB-C"]
    assert order.state == "submitted"  # still waiting for the seller's acceptance
    assert order.total_excl_vat == Decimal("420.00")
    assert (_reserved("HDMI-2"), _reserved("USB-C"), _reserved("USB-C-PRO")) == (0, 100, 0)
    assert order.events.last().data["after"] == [{"sku": "USB-C", "quantity": 100}]


def test_declining_the_last_line_cancels_the_order(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("HDMI-2", 10)])
        proposal = _propose(electronics, order, "HDMI-2", "USB-C-PRO", 10)
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=False)
    order.refresh_from_db()
    assert order.state == "cancelled" and "remplacement refusé" in order.reason
    assert [e.action for e in order.events.all()][-2:] == ["answer_substitution", "cancel"]
    assert order.events.last().rule == "C6"
    assert _reserved("HDMI-2") == 0


def test_proposals_are_refused_where_the_rule_does_not_allow_them(electronics, buyer):
    other = make_shop("electronics-wholesale", [("CABLE-X", "1.00", 1, 10)])
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 100), ("HDMI-2", 10)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        line = order.lines.get(sku="USB-C")
        with pytest.raises(DomainError) as foreign:  # C6: the same seller's products only
            order_substitution_propose(
                actor=electronics.seller_user,
                order_id=order.pk,
                line_id=line.pk,
                product_id=other.products["CABLE-X"].pk,
                quantity=1,
            )
        with pytest.raises(DomainError) as in_order:
            _propose(electronics, order, "USB-C", "HDMI-2", 5)
        with pytest.raises(DomainError) as by_buyer:
            order_substitution_propose(
                actor=buyer.user,
                order_id=order.pk,
                line_id=line.pk,
                product_id=electronics.products["USB-C-PRO"].pk,
                quantity=1,
            )
        proposal = _propose(electronics, order, "USB-C", "USB-C-PRO", 100)
        with pytest.raises(DomainError) as twice:
            _propose(electronics, order, "USB-C", "USB-C-PRO", 50)
        with pytest.raises(DomainError) as seller_answers:
            order_substitution_answer(
                actor=electronics.seller_user, proposal_id=proposal.pk, accept=True
            )
        order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=False)
        with pytest.raises(DomainError) as answered:
            order_substitution_answer(actor=buyer.user, proposal_id=proposal.pk, accept=True)
        hdmi = order.lines.get(sku="HDMI-2")
        order_record_shipment(
            order_id=order.pk,
            quantities={hdmi.pk: 10},
            actor=electronics.seller_user,
            shipment="S-1",
        )
        with pytest.raises(DomainError) as shipped:
            _propose(electronics, order, "HDMI-2", "USB-C-PRO", 10)
    assert foreign.value.code == "not_found"
    assert (in_order.value.code, in_order.value.rule) == ("already_in_order", "C6")
    assert by_buyer.value.code == seller_answers.value.code == "permission_denied"
    assert (twice.value.code, twice.value.rule) == ("proposal_pending", "C6")
    assert (answered.value.code, answered.value.rule) == ("already_answered", "C6")
    assert shipped.value.code == "invalid_transition"  # the order is shipped (partly)
    assert SubstitutionProposal.objects.count() == 1


def test_terms_without_substitution_refuse_a_proposal(db, buyer):
    jars = make_shop(
        "monthly-intranet", [("MIEL-12", "6.50", 12, 1000), ("MIEL-24", "6.00", 12, 1000)]
    )
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(jars, buyer, [("MIEL-12", 24)])
        with pytest.raises(DomainError) as refused:
            _propose(jars, order, "MIEL-12", "MIEL-24", 24)
    assert (refused.value.code, refused.value.rule) == ("substitution_not_offered", "C6")
    assert not order.events.filter(action="propose_substitution").exists()
