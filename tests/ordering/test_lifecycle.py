"""The life of orders under each preset's terms, with frozen time (O6–O8, O11, N2, N4)."""

from __future__ import annotations

from datetime import datetime

import pytest

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.sweeps import run_all
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import (
    order_accept,
    order_cancel,
    order_change,
    order_confirm_modification,
    order_edit,
    order_modify,
    order_refuse,
    order_resume,
    order_suspend,
    orders_apply_deadlines,
)
from tests.ordering.conftest import make_buyer, make_shop, place


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


@pytest.fixture
def intranet(db):
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def test_monthly_intranet_edit_before_the_batch_then_processed_then_edit_refused(intranet, buyer):
    """Placed Thu 5 Nov 2026, edited Mon 9 Nov, processed Tue 10 Nov (second Tuesday),
    and an edit on Wed 11 Nov needs the seller's consent (O6)."""
    with clock.frozen(paris(2026, 11, 5, 9)):
        order = place(intranet, buyer, [("MIEL-12", 24)])
    assert order.state == "accepted"
    assert str(order.processing_on) == "2026-11-10"
    assert order.next_action == "process"
    with clock.frozen(paris(2026, 11, 9, 17)):
        order = order_edit(actor=buyer.user, order_id=order.pk, lines=[LineRequest("MIEL-12", 48)])
    assert order.lines.get().quantity == 48
    assert StockLevel.objects.get().reserved == 48
    assert orders_apply_deadlines(until=paris(2026, 11, 9, 23, 59)) == 0
    with clock.frozen(paris(2026, 11, 10, 0, 5)):
        assert run_all(until=clock.now())["ordering.apply_deadlines"] == 1
    order.refresh_from_db()
    assert order.state == "in_progress"
    assert order.invoice is not None  # I1: invoiced at the end of the order, before delivery
    assert order.invoice.total_incl_vat == order.total_incl_vat
    with clock.frozen(paris(2026, 11, 11, 10)), pytest.raises(DomainError) as refused:
        order_edit(actor=buyer.user, order_id=order.pk, lines=[LineRequest("MIEL-12", 60)])
    assert (refused.value.code, refused.value.rule) == ("seller_consent_required", "O6")
    actions = [e.action for e in order.events.all()]
    assert actions == ["place", "auto_accept", "edit", "process", "invoice"]


def test_monthly_intranet_one_order_a_month(intranet, buyer):
    with clock.frozen(paris(2026, 11, 5, 9)):
        place(intranet, buyer, [("MIEL-12", 24)])
        with pytest.raises(DomainError) as second:
            place(intranet, buyer, [("MIEL-12", 12)])
    assert second.value.rule == "O5"


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500)])


def test_electronics_unanswered_for_two_working_days_stays_pending(electronics, buyer):
    """Seed 002: the seller endeavours to answer within 2 working days; silence changes
    nothing (the buyer's order is irrevocable): the order stays pending, flagged late."""
    with clock.frozen(paris(2026, 11, 19, 15)):  # Thursday
        order = place(electronics, buyer, [("USB-C", 100)])
    assert order.state == "submitted"
    assert str(order.acceptance_due_on) == "2026-11-21"  # 2 jours ouvrables: Fri, Sat
    assert orders_apply_deadlines(until=paris(2026, 11, 21, 23, 0)) == 0
    assert orders_apply_deadlines(until=paris(2026, 11, 22, 0, 0)) == 1
    assert orders_apply_deadlines(until=paris(2026, 11, 22, 0, 0)) == 0  # applied once
    order.refresh_from_db()
    assert order.state == "submitted" and order.next_action == ""
    assert order.events.last().action == "note_acceptance_overdue"
    with clock.frozen(paris(2026, 11, 23, 9)):
        order = order_accept(actor=electronics.seller_user, order_id=order.pk)
    assert order.state == "accepted"


def test_electronics_modification_goes_back_to_the_buyer(electronics, buyer):
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        order = order_modify(
            actor=electronics.seller_user,
            order_id=order.pk,
            lines=[LineRequest("USB-C", 60)],
            reason="Only 60 available this week.",
        )
        assert order.state == "modified"
        assert StockLevel.objects.get().reserved == 60
        order = order_confirm_modification(actor=buyer.user, order_id=order.pk)
    assert order.state == "accepted" and order.lines.get().quantity == 60


def test_electronics_change_after_acceptance_needs_the_sellers_consent(electronics, buyer):
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 100)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as direct:
            order_edit(actor=buyer.user, order_id=order.pk, lines=[LineRequest("USB-C", 80)])
        assert (direct.value.code, direct.value.rule) == ("seller_consent_required", "O11")
        order = order_change(
            actor=electronics.seller_user,
            order_id=order.pk,
            lines=[LineRequest("USB-C", 80)],
            consent="Accord écrit du 19/11 (courriel).",
        )
    assert order.lines.get().quantity == 80 and StockLevel.objects.get().reserved == 80


def test_force_majeure_suspends_then_terminates_after_two_months(electronics, buyer):
    with clock.frozen(paris(2026, 11, 19, 15)):
        order = place(electronics, buyer, [("USB-C", 10)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        order = order_suspend(
            actor=electronics.seller_user, order_id=order.pk, reason="Inondation de l'entrepôt."
        )
    assert order.state == "suspended" and str(order.suspended_until) == "2027-01-19"
    with clock.frozen(paris(2026, 12, 1, 9)):
        order = order_resume(actor=electronics.seller_user, order_id=order.pk)
        assert order.state == "accepted"
        order = order_suspend(
            actor=electronics.seller_user, order_id=order.pk, reason="Grève des transports."
        )
    assert orders_apply_deadlines(until=paris(2027, 2, 2, 0, 0)) == 1
    order.refresh_from_db()
    assert order.state == "cancelled" and StockLevel.objects.get().reserved == 0


@pytest.fixture
def software(db):
    return make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")


def test_digital_goods_offer_lapses_after_five_days(software, buyer):
    """Seed 004: 5 days counted from the day after the order, to the end of the 5th day."""
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(software, buyer, [("LIC-PRO", 3)])
    assert order.state == "submitted" and str(order.acceptance_due_on) == "2026-11-07"
    assert orders_apply_deadlines(until=paris(2026, 11, 7, 23, 59)) == 0
    assert orders_apply_deadlines(until=paris(2026, 11, 8, 0, 0)) == 1
    order.refresh_from_db()
    assert order.state == "lapsed" and "caduque" in order.reason


@pytest.fixture
def marketplace(db):
    return (
        make_shop("marketplace", [("VASE-1", "40.00", 1, 20)]),
        make_shop("marketplace", [("LAMP-1", "85.00", 1, 5)]),
    )


def test_marketplace_checkout_makes_one_order_per_seller_and_one_refusal_binds_no_other(
    marketplace, buyer
):
    from comptoir.ordering.services import Submission, orders_place

    vases, lamps = marketplace
    with clock.frozen(paris(2026, 12, 14, 10)):
        a, b = orders_place(
            actor=buyer.user,
            submissions=[
                Submission(
                    buyer=buyer.org,
                    seller=shop.seller,
                    lines=(LineRequest(sku, 2),),
                    accepted_terms_version=shop.version.version,
                    idempotency_key=f"mp-{sku}",
                )
                for shop, sku in ((vases, "VASE-1"), (lamps, "LAMP-1"))
            ],
        )
        order_refuse(actor=vases.seller_user, order_id=a.pk, reason="Rupture de stock.")
        order_accept(actor=lamps.seller_user, order_id=b.pk)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("refused", "accepted")
    assert a.reason == "Rupture de stock."
    assert StockLevel.objects.get(product=vases.products["VASE-1"]).reserved == 0
    assert StockLevel.objects.get(product=lamps.products["LAMP-1"]).reserved == 2


def test_only_the_orders_own_seller_answers_it(marketplace, buyer):
    vases, lamps = marketplace
    with clock.frozen(paris(2026, 12, 14, 10)):
        order = place(vases, buyer, [("VASE-1", 1)])
        with pytest.raises(DomainError) as other_seller:
            order_accept(actor=lamps.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as other_buyer:
            order_cancel(actor=make_buyer().user, order_id=order.pk, reason="x", by="buyer")
    assert other_seller.value.code == other_buyer.value.code == "permission_denied"


def test_a_refused_order_cannot_be_accepted(marketplace, buyer):
    vases, _ = marketplace
    with clock.frozen(paris(2026, 12, 14, 10)):
        order = place(vases, buyer, [("VASE-1", 1)])
        order_refuse(actor=vases.seller_user, order_id=order.pk, reason="Hors zone.")
        with pytest.raises(DomainError) as error:
            order_accept(actor=vases.seller_user, order_id=order.pk)
    assert (error.value.code, error.value.field) == ("invalid_transition", "state")
    with clock.frozen(paris(2026, 12, 14, 10)), pytest.raises(DomainError) as no_reason:
        order_refuse(actor=vases.seller_user, order_id=order.pk, reason=" ")
    assert no_reason.value.code == "reason_required"
