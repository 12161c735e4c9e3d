"""O17: consumers' orders, their withdrawal period and its exceptions, with frozen time
[001 §10; 004 §1.2, §7; Reg. 1182/71; C. conso. L221-18 to L221-28]."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import StockLevel
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import OrderWithdrawal
from comptoir.ordering.queries import withdrawal_status
from comptoir.ordering.rules import (
    line_withdrawal_exception,
    withdrawal_deadline,
    withdrawal_excluded,
    withdrawal_start,
)
from comptoir.ordering.services import (
    order_accept,
    order_change,
    order_record_delivery,
    order_record_shipment,
    order_withdraw,
    orders_apply_deadlines,
)
from tests.ordering.conftest import make_buyer, make_shop, place


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


# ---------------------------------------------------------------- pure rules (no database)


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 4, 27), date(2026, 5, 11)),  # a plain Monday
        (date(2026, 4, 24), date(2026, 5, 11)),  # day 14 = Fri 8 May (holiday) → Monday
        (date(2026, 4, 30), date(2026, 5, 15)),  # day 14 = Thu 14 May (Ascension) → Friday
        (date(2026, 12, 11), date(2026, 12, 28)),  # day 14 = Fri 25 Dec → Mon 28 Dec
        (date(2026, 7, 31), date(2026, 8, 14)),  # day 14 = Fri 14 Aug, a working day
        (date(2026, 11, 21), date(2026, 12, 7)),  # day 14 = Sat 5 Dec → Mon 7 Dec
    ],
)
def test_withdrawal_deadline_counts_as_regulation_1182_71(received, deadline):
    """The day of receipt is not counted; a Saturday, Sunday or holiday end moves to the next
    working day (DOMAIN-NOTES 6.5 vectors)."""
    assert withdrawal_deadline(received, 14) == deadline


def test_exceptions_follow_the_product_kind_the_terms_and_the_waiver():
    digital = frozenset(
        {"digital_content_started_with_waiver", "sealed_media_or_software_unsealed"}
    )
    assert line_withdrawal_exception("license_key", digital, True) == (
        "digital_content_started_with_waiver"
    )
    assert line_withdrawal_exception("license_key", digital, False) == ""  # no waiver, no loss
    assert line_withdrawal_exception("physical", digital, True) == (
        "sealed_media_or_software_unsealed"
    )
    assert withdrawal_excluded("digital_content_started_with_waiver", performed=False)
    assert not withdrawal_excluded("sealed_media_or_software_unsealed", performed=True)
    assert not withdrawal_excluded("services_fully_performed", performed=False)
    assert withdrawal_excluded("services_fully_performed", performed=True)
    assert withdrawal_start(withdrawable_kinds={"physical", "download"}, terms_from="x") == (
        "delivery"
    )
    assert withdrawal_start(withdrawable_kinds={"service"}, terms_from="x") == "conclusion"
    assert withdrawal_start(withdrawable_kinds=set(), terms_from="x") == ""


# ---------------------------------------------------------------- consumer orders


@pytest.fixture
def jars(db):
    """Seed 001: consumers allowed, 14 days from receipt, hygiene exception when unsealed."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


@pytest.fixture
def person(db):
    return make_buyer(person=True)


def _delivered(shop, buyer, delivered_on: date):
    """A consumer's order placed Thu 3 Dec 2026, processed Tue 8 Dec (second Tuesday), shipped
    Wed 9 Dec and delivered on `delivered_on`."""
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(shop, buyer, [("MIEL-12", 24)], as_consumer=True)
    assert (order.consumer, order.state, order.withdrawal_from) == (True, "accepted", "delivery")
    assert order.withdrawal_due_on is None  # runs from the receipt of the goods
    assert orders_apply_deadlines(until=paris(2026, 12, 8, 0, 5)) == 1
    line = order.lines.get()
    with clock.frozen(paris(2026, 12, 9, 11)):
        order_record_shipment(
            order_id=order.pk, quantities={line.pk: 24}, actor=shop.seller_user, shipment="S-1"
        )
    with clock.frozen(paris(2026, 12, 11, 17)):
        order = order_record_delivery(
            order_id=order.pk, actor=shop.seller_user, delivered_on=delivered_on
        )
    return order


def test_consumer_withdrawal_deadline_from_delivery_moves_past_christmas_weekend(jars, person):
    """Delivered Fri 11 Dec 2026: day 14 is Fri 25 Dec (Christmas), then a weekend: the period
    ends on Mon 28 Dec 2026, stored, and said in the timeline."""
    order = _delivered(jars, person, date(2026, 12, 11))
    assert order.state == "delivered"
    assert order.withdrawal_due_on == date(2026, 12, 28)
    deliver = order.events.get(action="deliver")
    assert "28/12/2026" in deliver.note and deliver.data["withdrawal_due_on"] == "2026-12-28"
    line = order.lines.get()
    assert line.withdrawal_exception == "hygiene_goods_unsealed"  # a condition, not excluded
    assert "L221-28 5°" in line.withdrawal_exception_reason
    with clock.frozen(paris(2026, 12, 28, 23, 30)):  # the last evening still counts
        order = order_withdraw(actor=person.user, order_id=order.pk)
    assert order.state == "delivered"  # the goods come back through after-sales
    withdrawal = OrderWithdrawal.objects.get(order=order)
    assert withdrawal.refund_amount == order.total_incl_vat  # everything: delivery included
    assert withdrawal.refund_due_on == date(2027, 1, 11)  # 14 days after 28 Dec 2026
    assert withdrawal.refund_method == order.payment_method
    event = order.events.get(action="withdraw")
    assert event.rule == "O17" and "11/01/2027" in event.note
    assert order.lines.get().withdrawn_at is not None


def test_withdrawal_after_the_deadline_is_refused_with_the_date(jars, person):
    order = _delivered(jars, person, date(2026, 12, 11))
    with clock.frozen(paris(2026, 12, 29, 0, 1)), pytest.raises(DomainError) as late:
        order_withdraw(actor=person.user, order_id=order.pk)
    assert (late.value.code, late.value.rule) == ("withdrawal_period_over", "O17")
    assert late.value.details == {"deadline": "2026-12-28"}
    assert "28/12/2026" in late.value.message
    assert not OrderWithdrawal.objects.exists()
    assert not order.events.filter(action="withdraw").exists()
    with clock.frozen(paris(2026, 12, 29, 0, 1)):
        status = withdrawal_status(order, clock.today())
    assert status is not None and not status.open_today


def test_withdrawal_before_shipment_cancels_the_order_and_frees_the_stock(jars, person):
    with clock.frozen(paris(2026, 12, 3, 10)):
        order = place(jars, person, [("MIEL-12", 24)], as_consumer=True)
        assert StockLevel.objects.get().reserved == 24
        order = order_withdraw(actor=person.user, order_id=order.pk, note="Changé d'avis.")
    assert order.state == "cancelled" and "O17" in order.reason
    assert StockLevel.objects.get().reserved == 0
    assert OrderWithdrawal.objects.get().refund_due_on == date(2026, 12, 17)
    assert order.next_action == ""  # no monthly processing any more


def test_only_the_consumer_withdraws_and_only_from_a_consumer_order(jars, person, buyer):
    with clock.frozen(paris(2026, 12, 3, 10)):
        consumer_order = place(jars, person, [("MIEL-12", 24)], as_consumer=True)
        business_order = place(jars, buyer, [("MIEL-12", 24)])
        with pytest.raises(DomainError) as seller:
            order_withdraw(actor=jars.seller_user, order_id=consumer_order.pk)
        with pytest.raises(DomainError) as business:
            order_withdraw(actor=buyer.user, order_id=business_order.pk)
    assert seller.value.code == "permission_denied"
    assert (business.value.code, business.value.rule) == ("not_a_consumer_order", "O17")
    assert not business_order.consumer and business_order.withdrawal_from == ""


def test_a_company_cannot_order_as_a_consumer(jars, buyer):
    with clock.frozen(paris(2026, 12, 3, 10)), pytest.raises(DomainError) as refused:
        place(jars, buyer, [("MIEL-12", 24)], as_consumer=True)
    assert (refused.value.code, refused.value.rule) == ("consumer_must_be_a_person", "O17")


def test_terms_for_professionals_only_refuse_a_consumer(db, person):
    """Seed 002 sells to professionals only: the terms engine's eligibility refuses (O17)."""
    shop = make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500)])
    with clock.frozen(paris(2026, 11, 19, 15)), pytest.raises(DomainError) as refused:
        place(shop, person, [("USB-C", 10)], as_consumer=True)
    assert (refused.value.code, refused.value.rule) == ("consumers_not_served", "O17")
    assert StockLevel.objects.get().reserved == 0
    with clock.frozen(paris(2026, 11, 19, 15)):  # the same person, buying for its trade
        assert place(shop, person, [("USB-C", 10)]).consumer is False


# ---------------------------------------------------------------- exceptions (004)


@pytest.fixture
def software(db):
    """Seed 004: licence keys (digital content) and boxed software (physical)."""
    return make_shop(
        "digital-goods",
        [("LIC-PRO", "99.00", 1, None), ("BOX-PRO", "129.00", 1, 10)],
        kinds={"LIC-PRO": "license_key"},
    )


def test_digital_content_with_the_waiver_is_excluded_with_its_reason(software, person):
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(
            software,
            person,
            [("LIC-PRO", 1), ("BOX-PRO", 1)],
            as_consumer=True,
            withdrawal_waiver=True,
        )
    lic = order.lines.get(sku="LIC-PRO")
    box = order.lines.get(sku="BOX-PRO")
    assert lic.withdrawal_exception == "digital_content_started_with_waiver"
    assert "L221-28 13°" in lic.withdrawal_exception_reason
    assert box.withdrawal_exception == "sealed_media_or_software_unsealed"  # condition only
    assert order.withdrawal_from == "delivery"  # the boxed software is goods
    place_event = order.events.get(action="place")
    assert place_event.data["consumer"]["exceptions"][0]["excluded"] is True
    with clock.frozen(paris(2026, 11, 3, 9)):
        order = order_accept(actor=software.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as excluded:
            order_withdraw(actor=person.user, order_id=order.pk, lines=[lic.pk])
        assert (excluded.value.code, excluded.value.rule) == ("withdrawal_excluded", "O17")
        assert "L221-28 13°" in excluded.value.message
        assert StockLevel.objects.get(product__sku="BOX-PRO").reserved == 1
        order = order_withdraw(actor=person.user, order_id=order.pk)  # every line allowed
    assert order.state == "accepted"  # the licence stays sold
    withdrawal = OrderWithdrawal.objects.get()
    assert [ln["sku"] for ln in withdrawal.lines] == ["BOX-PRO"]
    box.refresh_from_db()
    gross = (box.net_amount * Decimal("1.2")).quantize(Decimal("0.01"))
    assert withdrawal.refund_amount == gross
    assert StockLevel.objects.get(product__sku="BOX-PRO").reserved == 0  # it will not ship
    lic.refresh_from_db()
    assert lic.withdrawn_at is None and box.withdrawn_at is not None


def test_digital_content_without_waiver_runs_from_conclusion(software, person):
    """Services and digital content: 14 days from conclusion, the seller's acceptance."""
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(software, person, [("LIC-PRO", 2)], as_consumer=True)
    assert order.withdrawal_from == "conclusion" and order.withdrawal_due_on is None
    with clock.frozen(paris(2026, 11, 4, 16)):  # accepted Wed 4 Nov → day 14 Wed 18 Nov
        order = order_accept(actor=software.seller_user, order_id=order.pk)
    assert order.withdrawal_due_on == date(2026, 11, 18)
    assert order.events.get(action="accept").data["withdrawal_due_on"] == "2026-11-18"


def test_an_order_of_excluded_lines_only_has_no_withdrawal_right(software, person):
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(software, person, [("LIC-PRO", 1)], as_consumer=True, withdrawal_waiver=True)
        assert order.withdrawal_from == ""
        order = order_accept(actor=software.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as nothing:
            order_withdraw(actor=person.user, order_id=order.pk)
    assert (nothing.value.code, nothing.value.rule) == ("nothing_to_withdraw", "O17")
    assert nothing.value.details["lines"][0]["sku"] == "LIC-PRO"
    assert order.withdrawal_due_on is None and not OrderWithdrawal.objects.exists()


def test_a_withdrawal_stands_when_the_seller_later_changes_the_order(software, person):
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(software, person, [("LIC-PRO", 1), ("BOX-PRO", 2)], as_consumer=True)
    with clock.frozen(paris(2026, 11, 3, 9)):
        order_accept(actor=software.seller_user, order_id=order.pk)
        box = order.lines.get(sku="BOX-PRO")
        order_withdraw(actor=person.user, order_id=order.pk, lines=[box.pk])
        order = order_change(
            actor=software.seller_user,
            order_id=order.pk,
            consent="Accord écrit : nouvelle adresse de livraison.",
        )
    assert order.lines.get(sku="BOX-PRO").withdrawn_at is not None
    assert order.lines.get(sku="LIC-PRO").withdrawn_at is None
    assert StockLevel.objects.get(product__sku="BOX-PRO").reserved == 0
    assert withdrawal_status(order, date(2026, 11, 3)).open_today  # the licence still may be
