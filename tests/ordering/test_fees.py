"""O11: a change after acceptance with the seller's written consent may add a fee and a new
delivery date; an order needing manual handling may bear a handling fee [002 §4.3, §4.8]. Both
reach the order's totals, its timeline and its invoice, with frozen time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import (
    order_accept,
    order_change,
    order_mark_manual_handling,
    order_record_shipment,
)
from tests.ordering.conftest import make_shop, place


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


NOW = paris(2026, 11, 19, 15)


@pytest.fixture
def electronics(db):
    return make_shop("electronics-wholesale", [("USB-C", "4.20", 1, 500)])


def _ship_all(shop, order):
    line = order.lines.get()
    return order_record_shipment(
        order_id=order.pk,
        quantities={line.pk: line.quantity},
        actor=shop.seller_user,
        shipment="S-1",
    )


def test_change_with_fee_and_new_date_appears_on_the_invoice(electronics, buyer):
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 100)])
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        order = order_change(
            actor=electronics.seller_user,
            order_id=order.pk,
            lines=[LineRequest("USB-C", 80)],
            consent="Accord écrit du 19/11 (courriel de M. Martin).",
            fee=Decimal("25"),
            fee_reason="Reconditionnement en palettes",
            new_delivery_date=date(2026, 12, 4),
        )
    assert order.lines.get().quantity == 80
    assert order.estimated_delivery_on == date(2026, 12, 4)
    fee = next(f for f in order.quote["fees"] if f["code"] == "change_fee")
    assert (fee["amount"], fee["vat_rate"], fee["rule"]) == ("25.00", "20", "O11")
    assert fee["clause"]["article"] == "Art. 4.3 et 4.8"
    assert "Reconditionnement en palettes" in fee["explanation"]["fr"]
    assert order.total_excl_vat == Decimal("361.00")  # 80 × 4.20 + 25
    assert order.total_incl_vat == Decimal("433.20")
    change = order.events.get(action="change")
    assert change.rule == "O11"
    assert "25,00" in change.note and "04/12/2026" in change.note
    assert change.data["delivery"] == {"before": None, "after": "2026-12-04"}
    with clock.frozen(paris(2026, 11, 20, 10)):
        order = order_change(  # a later change keeps the fee already agreed
            actor=electronics.seller_user,
            order_id=order.pk,
            lines=[LineRequest("USB-C", 90)],
            consent="Second accord écrit.",
        )
        assert order.total_excl_vat == Decimal("403.00")
        _ship_all(electronics, order)  # I1: invoiced at shipment under these terms
    order.refresh_from_db()
    invoice = order.invoice
    assert invoice is not None
    charge = next(c for c in invoice.charges if "O11" in c["reason"])
    assert Decimal(charge["net_amount"]) == Decimal("25.00")
    assert Decimal(charge["vat_rate"]) == Decimal("20")
    assert "Reconditionnement en palettes" in charge["reason"]
    assert invoice.total_excl_vat == Decimal("403.00")
    assert invoice.total_incl_vat == order.total_incl_vat


def test_change_fees_are_refused_outside_what_the_terms_allow(electronics, buyer):
    jars = make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")
    with clock.frozen(NOW):
        pending = place(electronics, buyer, [("USB-C", 100)])
        with pytest.raises(DomainError) as before_acceptance:
            order_change(
                actor=electronics.seller_user,
                order_id=pending.pk,
                consent="Accord.",
                fee=Decimal("10"),
            )
        order_accept(actor=electronics.seller_user, order_id=pending.pk)
        with pytest.raises(DomainError) as negative:
            order_change(
                actor=electronics.seller_user,
                order_id=pending.pk,
                consent="Accord.",
                fee=Decimal("-5"),
            )
        with pytest.raises(DomainError) as past:
            order_change(
                actor=electronics.seller_user,
                order_id=pending.pk,
                consent="Accord.",
                new_delivery_date=date(2026, 11, 18),
            )
        intranet = place(jars, buyer, [("MIEL-12", 24)])  # auto-accepted (001)
        with pytest.raises(DomainError) as not_in_terms:
            order_change(
                actor=jars.seller_user,
                order_id=intranet.pk,
                consent="Accord écrit.",
                fee=Decimal("10"),
            )
    assert (before_acceptance.value.code, before_acceptance.value.rule) == (
        "change_fee_after_acceptance_only",
        "O11",
    )
    assert (negative.value.code, negative.value.field) == ("invalid_amount", "fee")
    assert (past.value.code, past.value.rule) == ("invalid_delivery_date", "O11")
    assert (not_in_terms.value.code, not_in_terms.value.rule) == ("change_fee_not_in_terms", "O11")
    pending.refresh_from_db()
    assert pending.extra_fees == [] and not pending.events.filter(action="change").exists()


def test_manual_handling_fee_notified_before_acceptance_is_invoiced(electronics, buyer):
    """Seed 002 §4.3 leaves the amount to the seller, notified at acceptance."""
    with clock.frozen(NOW):
        order = place(electronics, buyer, [("USB-C", 100)])
        order = order_mark_manual_handling(
            actor=electronics.seller_user,
            order_id=order.pk,
            fee=Decimal("15"),
            note="Commande reçue par télécopie, ressaisie.",
        )
        assert order.manual_handling and order.handling_fee == Decimal("15.00")
        fee = next(f for f in order.quote["fees"] if f["code"] == "handling_fee")
        assert (fee["amount"], fee["rule"]) == ("15.00", "O11")
        assert order.total_excl_vat == Decimal("435.00")
        event = order.events.get(action="mark_manual_handling")
        assert event.rule == "O11" and "15,00" in event.note
        with pytest.raises(DomainError) as twice:
            order_mark_manual_handling(actor=electronics.seller_user, order_id=order.pk)
        order_accept(actor=electronics.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as after:
            order_mark_manual_handling(actor=electronics.seller_user, order_id=order.pk)
        _ship_all(electronics, order)
    order.refresh_from_db()
    charge = next(c for c in order.invoice.charges if "traitement manuel" in c["reason"])
    assert Decimal(charge["net_amount"]) == Decimal("15.00")
    assert order.invoice.total_excl_vat == Decimal("435.00")
    assert twice.value.code == "already_marked"
    assert (after.value.code, after.value.rule) == ("invalid_transition", "O11")


def test_manual_handling_needs_a_handling_clause(db, buyer):
    """Seed 004 provides no handling fee: marking an order is refused (O11)."""
    shop = make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(shop, buyer, [("LIC-PRO", 3)])
        with pytest.raises(DomainError) as refused:
            order_mark_manual_handling(actor=shop.seller_user, order_id=order.pk, fee=Decimal("10"))
    assert (refused.value.code, refused.value.rule) == ("no_handling_fee_clause", "O11")
    order.refresh_from_db()
    assert not order.manual_handling
