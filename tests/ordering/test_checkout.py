"""Checkout (O1, O4, O8, O9, O13, N3): placing orders, idempotency, stock, crash safety."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from comptoir.catalog.models import StockLevel
from comptoir.core import clock, events
from comptoir.core.errors import DomainError
from comptoir.ordering.models import Order, OrderEvent
from comptoir.ordering.services import cart_line_set
from tests.ordering.conftest import make_shop, place

AT = datetime(2026, 11, 5, 10, 30, tzinfo=clock.PARIS)


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 40), ("CRM-2", "18.00", 1, 100)])


def test_an_order_records_the_signature_the_terms_and_the_adjusted_quantities(beauty, buyer):
    with clock.frozen(AT):
        cart_line_set(
            actor=buyer.user, buyer=buyer.org, seller=beauty.seller, sku="SER-1", quantity=7
        )
        order = place(beauty, buyer, [("SER-1", 7), ("CRM-2", 2)])
    assert order.number == f"CO-2026-{order.pk:06d}"
    assert order.state == "accepted"  # the beauty terms accept automatically (O8)
    assert order.terms_version == beauty.version  # N3
    assert order.placed_by == buyer.user and order.signed_ip == "192.0.2.10"  # O9
    lines = {line.sku: line for line in order.lines.all()}
    assert (lines["SER-1"].requested_quantity, lines["SER-1"].quantity) == (7, 6)  # O4 rounded
    assert lines["SER-1"].reserved_quantity == 6
    assert StockLevel.objects.get(product=beauty.products["SER-1"]).reserved == 6
    assert order.total_excl_vat == Decimal("6") * 25 + 2 * 18 + 15  # O3: 15 € below 200 €
    assert [e.action for e in order.events.all()] == ["place", "auto_accept"]
    assert not order.quote["violations"]
    assert buyer.org.carts.get().lines.count() == 0  # the ordered lines leave the cart


def test_the_same_idempotency_key_places_one_order(beauty, buyer):
    with clock.frozen(AT):
        first = place(beauty, buyer, [("SER-1", 6)], key="double-click")
        second = place(beauty, buyer, [("SER-1", 6)], key="double-click")
        with pytest.raises(DomainError) as error:
            place(beauty, buyer, [("SER-1", 12)], key="double-click")
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert error.value.code == "idempotency_key_reused"
    assert StockLevel.objects.get(product=beauty.products["SER-1"]).reserved == 6


def test_an_order_below_the_minimum_is_refused_with_its_clause(beauty, buyer):
    with clock.frozen(AT), pytest.raises(DomainError) as error:
        place(beauty, buyer, [("CRM-2", 2)])
    assert error.value.code == "below_minimum_order"
    assert error.value.rule == "O2"
    assert error.value.details["violations"][0]["clause"]["article"]
    assert Order.objects.count() == 0


def test_stock_is_never_oversold(beauty, buyer):
    with clock.frozen(AT):
        place(beauty, buyer, [("SER-1", 36)])
        with pytest.raises(DomainError) as error:
            place(beauty, buyer, [("SER-1", 6), ("CRM-2", 1)])
    assert (error.value.code, error.value.field, error.value.rule) == (
        "insufficient_stock",
        "lines[0].quantity",
        "O13",
    )
    assert Order.objects.count() == 1
    assert StockLevel.objects.get(product=beauty.products["SER-1"]).reserved == 36


def test_a_checkout_interrupted_after_the_reservation_leaves_nothing(beauty, buyer, monkeypatch):
    from comptoir.ordering.services import placing

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(placing, "record", crash)
    with clock.frozen(AT), pytest.raises(RuntimeError):
        place(beauty, buyer, [("SER-1", 12)])
    assert Order.objects.count() == 0 and OrderEvent.objects.count() == 0
    assert StockLevel.objects.get(product=beauty.products["SER-1"]).reserved == 0


def test_a_changed_terms_version_must_be_read_again(beauty, buyer):
    with clock.frozen(AT), pytest.raises(DomainError) as error:
        from comptoir.ordering.quoting import LineRequest
        from comptoir.ordering.services import Submission, order_place

        order_place(
            actor=buyer.user,
            submission=Submission(
                buyer=buyer.org,
                seller=beauty.seller,
                lines=(LineRequest("SER-1", 6),),
                accepted_terms_version=beauty.version.version + 1,
                idempotency_key="k",
            ),
        )
    assert (error.value.code, error.value.rule) == ("terms_version_changed", "N3")


def test_unknown_sku_and_bad_quantity_name_the_line(beauty, buyer):
    with clock.frozen(AT):
        with pytest.raises(DomainError) as unknown:
            place(beauty, buyer, [("SER-1", 6), ("NOPE", 1)])
        with pytest.raises(DomainError) as zero:
            place(beauty, buyer, [("SER-1", 0)])
    assert (unknown.value.code, unknown.value.field) == ("unknown_sku", "lines[1].sku")
    assert (zero.value.code, zero.value.field) == ("invalid_quantity", "lines[0].quantity")


def test_an_employee_without_the_right_cannot_order(beauty, buyer):
    from comptoir.parties.services import membership_add
    from tests.ordering.conftest import Buyer
    from tests.parties.factories import make_user

    clerk = make_user()
    membership_add(
        actor=buyer.user, organization=buyer.org, user=clerk, permissions=["view_products"]
    )
    with clock.frozen(AT), pytest.raises(DomainError) as error:
        place(beauty, Buyer(buyer.org, clerk), [("SER-1", 6)])
    assert (error.value.code, error.value.rule) == ("permission_denied", "P4")


def test_the_buyer_and_the_seller_get_an_email_after_commit(
    beauty, buyer, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    beauty.seller.email = "ventes@example.test"
    beauty.seller.save()
    with clock.frozen(AT), django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = place(beauty, buyer, [("SER-1", 6)])
        assert mailoutbox == []  # nothing leaves before the commit
    mails = [c for c in callbacks if not isinstance(c, events.Publication)]
    assert len(mails) == 2  # the event publications (webhooks) are counted apart
    subjects = sorted(m.subject for m in mailoutbox)
    assert f"Commande {order.number} reçue" in subjects
    assert f"Commande {order.number} acceptée" in subjects
    assert any(m.to == ["ventes@example.test"] for m in mailoutbox)


def test_orders_list_command_gives_state_and_next_deadline(beauty, buyer):
    import json
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(AT):
        order = place(beauty, buyer, [("SER-1", 6)])
    out = StringIO()
    call_command("orders", "list", "--seller", str(beauty.seller.pk), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["number"] == order.number and rows[0]["state"] == "accepted"
