"""Shipments, deliveries, holds, refusals and the delivery note (F1–F3, F7–F9)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.fulfilment.models import Charge, Contestation, Shipment
from comptoir.fulfilment.pdf import delivery_note_pdf
from comptoir.fulfilment.queries import contestation_for, shipments_for
from comptoir.fulfilment.rules import incoterm_for
from comptoir.fulfilment.services import (
    ReserveInput,
    delivery_record,
    delivery_refuse,
    shipment_create,
)
from tests.fulfilment.conftest import SHIPPED, accepted_order, at, deliver, ship_all
from tests.ordering.conftest import make_buyer, make_shop


def test_a_shipment_records_parcels_lines_promise_and_incoterm(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 3), ("BOL-2", 4)])
    vase, bol = order.lines.all()
    with clock.frozen(SHIPPED):
        shipment = shipment_create(
            actor=marketplace.seller_user,
            order_id=order.pk,
            lines={vase.pk: 3, bol.pk: 4},
            carrier="DPD",
            parcels=["TRK-1", "TRK-2"],
        )
    order.refresh_from_db()
    assert order.state == "shipped"
    assert shipment.number == f"{order.number}-E1"
    assert [p.tracking_number for p in shipment.parcels.all()] == ["TRK-1", "TRK-2"]
    assert {sl.order_line_id: sl.quantity for sl in shipment.lines.all()} == {
        vase.pk: 3,
        bol.pk: 4,
    }
    assert shipment.estimated_delivery_on == order.estimated_delivery_on  # F1 promise
    assert (shipment.incoterm, shipment.risk_passes_at) == ("DAP", "delivery")  # F9 in the EU
    assert order.events.filter(action="ship").count() == 1


def test_outside_the_eu_the_incoterm_is_fca_and_risk_passes_to_the_buyers_carrier():
    choice = incoterm_for("CH", inside_eu="DAP", outside_eu="FCA", risk_passes_at="delivery")
    assert (choice.incoterm, choice.risk_passes_at, choice.inside_eu) == (
        "FCA",
        "handover_to_buyer_carrier",
        False,
    )
    assert incoterm_for("RE").incoterm == "DAP"  # La Réunion is in the EU


def test_shipping_more_than_ordered_is_refused(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 3)])
    line = order.lines.get()
    with clock.frozen(SHIPPED), pytest.raises(DomainError) as error:
        shipment_create(
            actor=marketplace.seller_user,
            order_id=order.pk,
            lines={line.pk: 4},
            carrier="DPD",
            parcels=["TRK-9"],
        )
    assert (error.value.code, error.value.rule) == ("over_shipment", "F2")
    assert not Shipment.objects.exists()
    order.refresh_from_db()
    assert order.state == "accepted" and order.lines.get().shipped_quantity == 0


def test_only_the_seller_ships(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    with clock.frozen(SHIPPED), pytest.raises(DomainError) as error:
        shipment_create(
            actor=buyer.user,
            order_id=order.pk,
            lines={order.lines.get().pk: 1},
            carrier="DPD",
            parcels=["X"],
        )
    assert error.value.code == "permission_denied"


def test_partial_shipments_deliver_the_order_when_the_last_one_arrives(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 3)])
    line = order.lines.get()
    with clock.frozen(SHIPPED):
        first = shipment_create(
            actor=marketplace.seller_user,
            order_id=order.pk,
            lines={line.pk: 1},
            carrier="DPD",
            parcels=["A1"],
        )
    deliver(marketplace, first, on=date(2026, 12, 21))
    order.refresh_from_db()
    assert order.state == "shipped" and not Contestation.objects.exists()
    with clock.frozen(at(2026, 12, 21, 15)):
        second = shipment_create(
            actor=marketplace.seller_user,
            order_id=order.pk,
            lines={line.pk: 2},
            carrier="DPD",
            parcels=["A2"],
        )
    assert second.number.endswith("-E2")
    delivery = deliver(
        marketplace,
        second,
        on=date(2026, 12, 23),
        reserves=[ReserveInput("damaged", "Carton enfoncé"), {"kind": "missing_item"}],
    )
    assert delivery.with_reserves and delivery.reserves.count() == 2
    order.refresh_from_db()
    assert order.state == "delivered"
    contestation = contestation_for(buyer.org, order)
    # Wed 23 Dec excluded; Thu 24, (25 holiday), Mon 28, Tue 29.
    assert (contestation.delivered_on, contestation.deadline_on) == (
        date(2026, 12, 23),
        date(2026, 12, 29),
    )
    assert Shipment.objects.get(pk=second.pk).delivered_on == date(2026, 12, 23)  # F1 actual


def test_a_delivery_with_an_unknown_reserve_kind_is_refused(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    shipment = ship_all(marketplace, order)
    with pytest.raises(DomainError) as error:
        deliver(marketplace, shipment, reserves=[{"kind": "late", "text": "?"}])
    assert (error.value.field, error.value.rule) == ("reserves[0].kind", "F3")


def test_a_delivery_date_before_the_shipment_is_refused(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    shipment = ship_all(marketplace, order)
    with clock.frozen(at(2026, 12, 24)), pytest.raises(DomainError) as error:
        delivery_record(
            actor=marketplace.seller_user,
            shipment_id=shipment.pk,
            delivered_on=date(2026, 12, 17),
            signed_by="X",
        )
    assert error.value.code == "invalid_delivery_date"


@pytest.fixture
def beauty(db):
    return make_shop("selective-beauty", [("SER-1", "25.00", 6, 400), ("CRM-2", "18.00", 1, 100)])


def test_deliveries_are_held_while_the_buyer_is_behind(beauty, buyer):
    """F8 (selective-beauty, Art. 3): the first order's invoice is unpaid past its due date, so
    the second order does not ship."""
    first = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 11, 5, 10))
    second = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 11, 5, 11))
    ship_all(beauty, first, when=at(2026, 11, 6, 9), tracking="T-1")
    first.refresh_from_db()
    assert first.invoice is not None  # selective-beauty invoices at shipment (I1)
    due = first.invoice.due_date
    with clock.frozen(at(due.year, due.month, due.day, 18)):
        shipment_create(  # due today: not yet behind
            actor=beauty.seller_user,
            order_id=second.pk,
            lines={second.lines.get().pk: 1},
            carrier="GLS",
            parcels=["T-2"],
        )
    later = due + timedelta(days=1)
    with clock.frozen(at(later.year, later.month, later.day, 9)), pytest.raises(DomainError) as e:
        shipment_create(
            actor=beauty.seller_user,
            order_id=second.pk,
            lines={second.lines.get().pk: 5},
            carrier="GLS",
            parcels=["T-3"],
        )
    assert (e.value.code, e.value.rule) == ("deliveries_on_hold", "F8")
    assert "Art. 3" in e.value.message
    assert Shipment.objects.filter(order=second).count() == 1


def test_a_refusal_without_valid_reason_records_the_handling_fee(beauty, buyer):
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 11, 5, 10))
    shipment = ship_all(beauty, order, when=at(2026, 11, 6, 9))
    with clock.frozen(at(2026, 11, 9, 9)):
        refusal = delivery_refuse(
            actor=beauty.seller_user,
            shipment_id=shipment.pk,
            reason="Le client a refusé le colis sans motif.",
            valid_reason=False,
        )
    charge = Charge.objects.get(refusal=refusal)
    assert (charge.order_id, charge.code, charge.amount_excl_vat, charge.rule) == (
        order.pk,
        "refused_delivery_fee",
        Decimal("24.00"),
        "F7",
    )
    assert "frais de dossier de 24,00\u00a0€ HT." in charge.explanation  # French amount
    assert "Art. 3" in charge.explanation
    assert Shipment.objects.get(pk=shipment.pk).state == "refused"


def test_a_refusal_with_a_valid_reason_costs_nothing(beauty, buyer):
    order = accepted_order(beauty, buyer, [("SER-1", 6)], when=at(2026, 11, 5, 10))
    shipment = ship_all(beauty, order, when=at(2026, 11, 6, 9))
    with clock.frozen(at(2026, 11, 9, 9)):
        delivery_refuse(
            actor=beauty.seller_user,
            shipment_id=shipment.pk,
            reason="Colis éventré",
            valid_reason=True,
        )
    assert not Charge.objects.exists()


def test_the_delivery_note_is_a_pdf_and_the_command_writes_it(marketplace, buyer, tmp_path):
    order = accepted_order(marketplace, buyer, [("VASE-1", 3), ("BOL-2", 4)])
    shipment = ship_all(marketplace, order)
    data = delivery_note_pdf(shipment)
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for expected in (
        "Bon de livraison",
        order.number,
        shipment.number,
        f"6A{order.pk:09d}",
        "VASE-1",
        marketplace.seller.legal_name,
        buyer.org.legal_name,
        "Colis endommagé",
        "Produit erroné",
        "DAP",
    ):
        assert expected in text, expected
    out = tmp_path / "bl.pdf"
    call_command("fulfilment", "delivery-note", shipment.number, "--out", str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_the_delivery_note_names_reserve_kinds_in_french_whatever_the_language(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 3)])
    shipment = ship_all(marketplace, order)
    deliver(marketplace, shipment, reserves=[{"kind": "missing_item", "text": "Un vase absent"}])
    with translation.override("en"):
        data = delivery_note_pdf(Shipment.objects.get(pk=shipment.pk))
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Article manquant — Un vase absent" in text
    assert "Colis endommagé" in text and "Damaged" not in text


def test_shipments_are_visible_to_the_buyer_and_the_seller_only(marketplace, buyer):
    order = accepted_order(marketplace, buyer, [("VASE-1", 1)])
    shipment = ship_all(marketplace, order)
    assert list(shipments_for(buyer.org, order)) == [shipment]
    assert list(shipments_for(marketplace.seller, order.pk)) == [shipment]
    with pytest.raises(NotFound):
        shipments_for(make_buyer().org, order)
    with pytest.raises(NotFound):
        contestation_for(make_buyer().org, order)
