"""Invoices of the monthly batch (O6, I1) get their schedule (PT2, PT3) exactly as an invoice
issued one by one: same due dates, amounts, direct-debit day and cash-discount window."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import OpenItem
from comptoir.ordering.models import Order
from comptoir.ordering.services import orders_apply_deadlines
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import FinancingPlan, ScheduledPayment
from comptoir.payments.services.schedule import (
    ScheduleRequest,
    schedule_for_invoice,
    schedules_for_invoices,
)
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
PLACED = datetime(2026, 11, 5, 9, tzinfo=clock.PARIS)
PROCESSING = datetime(2026, 11, 10, 0, 5, tzinfo=clock.PARIS)  # the second Tuesday (O6)
FIELDS = (
    "method",
    "number",
    "due_date",
    "amount",
    "collection_date",
    "discount_deadline",
    "discount",
    "explanation",
)


def _schedule(order: Order) -> list[tuple]:
    rows = ScheduledPayment.objects.filter(
        invoice_item__reference=order.invoice.number,
        invoice_item__counterparty_id=order.seller_id,
    ).order_by("number")
    return [tuple(getattr(r, f) for f in FIELDS) for r in rows]


@pytest.fixture
def intranet():
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def test_a_batch_invoice_gets_the_schedule_of_one_issued_alone(intranet) -> None:
    method = "sepa_debit"  # the only method of these terms [001]
    alone_buyer, batch_buyer = make_buyer(), make_buyer()
    with clock.frozen(PLACED):
        alone = place(intranet, alone_buyer, [("MIEL-12", 24)], payment_method=method)
        batched = place(intranet, batch_buyer, [("MIEL-12", 24)], payment_method=method)
    with clock.frozen(PROCESSING):
        order_invoice_issue(alone)  # one by one, on the day of the batch
        assert orders_apply_deadlines(until=PROCESSING) == 2  # the other by the monthly batch
    alone.refresh_from_db()
    batched.refresh_from_db()
    assert alone.invoice_id and batched.invoice_id and alone.invoice_id != batched.invoice_id
    assert batched.invoice.issue_date == alone.invoice.issue_date == PROCESSING.date()
    expected = _schedule(alone)
    assert expected, "the invoice issued alone has a schedule"
    assert _schedule(batched) == expected
    [row] = ScheduledPayment.objects.filter(invoice_item__reference=batched.invoice.number)
    assert row.buyer_id == batch_buyer.org.pk and row.seller_id == intranet.seller.pk
    assert row.amount == batched.invoice.total_incl_vat
    assert row.due_date == batched.invoice.due_date


def test_the_bulk_path_keeps_an_existing_schedule_and_skips_what_it_cannot_find(intranet) -> None:
    buyer = make_buyer()
    with clock.frozen(PLACED):
        order = place(intranet, buyer, [("MIEL-12", 24)], payment_method="sepa_debit")
    with clock.frozen(PROCESSING):
        order_invoice_issue(order)
        invoice = Invoice.objects.get(pk=order.invoice_id)
        before = list(ScheduledPayment.objects.values_list("pk", flat=True))
        assert len(before) == 1
        request = ScheduleRequest(invoice=invoice, method="sepa_debit", order_date=PLACED.date())
        draft = Invoice(issuer_id=invoice.issuer_id, recipient_id=invoice.recipient_id)
        unknown = ScheduleRequest(invoice=draft, method="transfer", order_date=PLACED.date())
        assert schedules_for_invoices([request, request, unknown]) == 0  # already scheduled
        assert schedules_for_invoices([]) == 0
    assert list(ScheduledPayment.objects.values_list("pk", flat=True)) == before


def test_bulk_and_one_by_one_give_the_same_instalments(intranet) -> None:
    """The option's variant (×3 instalments of the financing partner, PT3) is honoured alike."""
    buyer = make_buyer()
    with clock.frozen(PLACED):
        order = place(intranet, buyer, [("MIEL-12", 24)], payment_method="sepa_debit")
    with clock.frozen(PROCESSING):
        order_invoice_issue(order)
        invoice = Invoice.objects.get(pk=order.invoice_id)
        ScheduledPayment.objects.all().delete()
        alone = schedule_for_invoice(
            invoice=invoice, method="financing_partner", order_date=date(2026, 11, 5), variant="×3"
        )
        expected = [tuple(getattr(r, f) for f in FIELDS) for r in alone]
        ScheduledPayment.objects.all().delete()
        made = schedules_for_invoices(
            [
                ScheduleRequest(
                    invoice=invoice,
                    method="financing_partner",
                    order_date=date(2026, 11, 5),
                    variant="×3",
                )
            ]
        )
    rows = ScheduledPayment.objects.order_by("number")
    assert made == len(expected) == rows.count()
    assert [tuple(getattr(r, f) for f in FIELDS) for r in rows] == expected


CARD_AND_FINANCING = """
[[payment.options]]
id = "card"
method = "card"
label = "Carte à la commande"
due = { basis = "order", convention = "immediate" }
clause = { article = "Art. 4", text = "Paiement comptant par carte à la commande." }

[[payment.options]]
id = "financing"
method = "financing_partner"
label = "Paiement différé"
partner = "Financeur Partenaire SAS"
due = { basis = "invoice", convention = "immediate" }
deferrals = [30]
instalments = [3]
invoice_assigned = true
clause = { article = "Art. 4", text = "Paiement différé via le partenaire ; facture cédée." }
"""


@pytest.fixture
def intranet_with_card():
    """The monthly batch of the intranet terms (O6, I1 at the end of the order), with a card and
    a financing option added by the seller."""
    source = preset_text("monthly-intranet").replace(
        "\n[payment.counts_as_paid]", CARD_AND_FINANCING + "\n[payment.counts_as_paid]", 1
    )
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5", source=source)


def test_a_card_paid_order_in_the_batch_is_settled_by_its_payment(intranet_with_card) -> None:
    """PT7: the card payment made at order is a credit; the batch invoice uses it at once, as an
    invoice issued alone does (credits_allocate)."""
    shop, buyer = intranet_with_card, make_buyer()
    with clock.frozen(PLACED):
        order = place(shop, buyer, [("MIEL-12", 24)], payment_method="card")
        assert ledger.balance(buyer.org, shop.seller) == -order.total_incl_vat
    with clock.frozen(PROCESSING):
        assert orders_apply_deadlines(until=PROCESSING) == 1
    order.refresh_from_db()
    assert order.invoice_id is not None
    assert ledger.balance(buyer.org, shop.seller) == 0
    item = OpenItem.objects.get(reference=order.invoice.number, kind=OpenItem.Kind.INVOICE)
    assert item.open_amount == 0


def test_a_financed_order_in_the_batch_is_assigned_to_the_partner(intranet_with_card) -> None:
    """PT3: the batch invoice of a financed order names the partner and is assigned to it; a
    SEPA order of the same batch is not."""
    shop = intranet_with_card
    financed_buyer, sepa_buyer = make_buyer(), make_buyer()
    with clock.frozen(PLACED):
        financed = place(
            shop, financed_buyer, [("MIEL-12", 24)], payment_method="financing_partner"
        )
        sepa = place(shop, sepa_buyer, [("MIEL-12", 24)], payment_method="sepa_debit")
    with clock.frozen(PROCESSING):
        assert orders_apply_deadlines(until=PROCESSING) == 2
    financed.refresh_from_db()
    sepa.refresh_from_db()
    plan = FinancingPlan.objects.get()
    assert plan.invoice_item.reference == financed.invoice.number
    assert "Facture cédée à Financeur Partenaire SAS" in str(financed.invoice.mentions)
    assert "Facture cédée" not in str(sepa.invoice.mentions)
    assert ledger.balance(financed_buyer.org, shop.seller) == 0  # the partner paid the seller
    assert ledger.balance(sepa_buyer.org, shop.seller) == sepa.invoice.total_incl_vat
