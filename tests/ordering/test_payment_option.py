"""The payment option the buyer chooses at checkout (PT2, PT3, O9): stored with the order, refused
when the seller's terms do not offer it, kept through re-quotes, and followed by the invoice's
due date and schedule."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderEvent
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.rules import payment_choice, schedule_variant
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.ordering.services.transitions import order_modify
from comptoir.payments.models import ScheduledPayment
from tests.ordering.conftest import Buyer, Shop, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 10, tzinfo=clock.PARIS)


@pytest.fixture
def market(db) -> Shop:
    # marketplace terms: card, SEPA debit at 60 days, and the financing partner at 30/45/60
    # days or in 2, 3 or 4 instalments (PT3 [000 §7.8])
    return make_shop("marketplace", [("VASE", "100.00", 1, 50)])


def _schedule(order: Order) -> list[ScheduledPayment]:
    return list(
        ScheduledPayment.objects.filter(invoice_item__reference=order.invoice.number).order_by(
            "number"
        )
    )


def test_the_quote_names_each_option_by_a_stable_key(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)])
    keys = [o["key"] for o in order.quote["payment_options"]]
    assert keys == [
        "card",
        "sepa_debit",
        "financing_partner",
        "financing_partner:x2",
        "financing_partner:x3",
        "financing_partner:x4",
        "financing_partner:+30",
        "financing_partner:+45",
        "financing_partner:+60",
    ]


def test_the_chosen_option_is_stored_and_signed_with_the_order(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_option="financing_partner:+45")
    order.refresh_from_db()
    assert order.payment_method == "financing_partner"  # the option's method
    assert order.payment_option == "financing_partner:+45"
    placed = OrderEvent.objects.get(order=order, action="place")
    assert placed.data["payment_option"] == "financing_partner:+45"  # O9: what was signed


def test_an_option_not_offered_is_refused_and_nothing_is_placed(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW), pytest.raises(DomainError) as caught:
        place(market, buyer, [("VASE", 3)], payment_option="financing_partner:+90")
    assert caught.value.code == "payment_option_not_offered"
    assert caught.value.field == "payment_option" and caught.value.rule == "PT2"
    assert not Order.objects.filter(buyer=buyer.org).exists()


def test_an_option_of_another_method_than_the_one_named_is_refused(
    market: Shop, buyer: Buyer
) -> None:
    with clock.frozen(NOW), pytest.raises(DomainError) as caught:
        place(
            market,
            buyer,
            [("VASE", 3)],
            payment_method="sepa_debit",
            payment_option="financing_partner:x3",
        )
    assert caught.value.field == "payment_option"
    assert not Order.objects.filter(buyer=buyer.org).exists()


def test_without_an_option_the_method_alone_is_kept(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_method="financing_partner")
        order = order_invoice_issue(order)
    assert order.payment_option == ""
    [row] = _schedule(order)  # the method's first option: the partner pays at validation
    assert row.due_date == date(2026, 3, 10)


def test_a_45_day_deferral_makes_the_invoice_due_45_days_later(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_option="financing_partner:+45")
        order = order_invoice_issue(order)
    # PT3 [000 §7.8]: due at validation (10 Mar), deferred by 45 days → 24 Apr
    assert order.invoice.due_date == date(2026, 4, 24)
    [row] = _schedule(order)
    assert row.method == "financing_partner"
    assert row.due_date == date(2026, 4, 24)
    assert row.amount == order.invoice.total_incl_vat


def test_three_instalments_split_the_invoice_in_three_due_dates(market: Shop, buyer: Buyer) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_option="financing_partner:x3")
        order = order_invoice_issue(order)
    rows = _schedule(order)
    assert [r.number for r in rows] == [1, 2, 3]
    # PT3: from validation (10 Mar), 30 days apart
    assert [r.due_date for r in rows] == [date(2026, 3, 10), date(2026, 4, 9), date(2026, 5, 9)]
    assert sum(r.amount for r in rows) == order.invoice.total_incl_vat
    assert order.invoice.due_date == date(2026, 5, 9)  # the last instalment


def test_the_option_is_kept_through_a_re_quote_while_still_offered(
    market: Shop, buyer: Buyer
) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_option="financing_partner:x3")
        order = order_modify(
            actor=market.seller_user,
            order_id=order.pk,
            lines=[LineRequest("VASE", 2)],
            reason="Two vases left in this colour.",
        )
    order.refresh_from_db()
    assert order.total_incl_vat < 360
    assert order.payment_option == "financing_partner:x3"


def test_an_option_no_longer_offered_after_a_re_quote_falls_back_to_the_method(
    market: Shop, buyer: Buyer
) -> None:
    with clock.frozen(NOW):
        order = place(market, buyer, [("VASE", 3)], payment_option="financing_partner:x3")
        Order.objects.filter(pk=order.pk).update(payment_option="financing_partner:x9")
        order_modify(
            actor=market.seller_user,
            order_id=order.pk,
            lines=[LineRequest("VASE", 2)],
            reason="Two vases left in this colour.",
        )
    order.refresh_from_db()
    assert order.payment_option == ""
    assert order.payment_method == "financing_partner"


def test_payment_choice_rules() -> None:
    offered = [("transfer", "transfer"), ("financing_partner", "financing_partner")]
    offered.append(("financing_partner:+45", "financing_partner"))
    assert payment_choice(offered, "", "") == ("transfer", "")
    assert payment_choice(offered, "", "financing_partner:+45") == (
        "financing_partner",
        "financing_partner:+45",
    )
    with pytest.raises(DomainError) as caught:
        payment_choice(offered, "card", "")
    assert caught.value.field == "payment_method" and caught.value.rule == "PT1"
    assert schedule_variant("financing_partner:x3") == "×3"
    assert schedule_variant("financing_partner:+45") == "+45"
    assert schedule_variant("transfer") == ""
