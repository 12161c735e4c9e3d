"""O17: a consumer's withdrawal is refunded by the means it paid with, never more than was paid
and not yet refunded: back on the card at once, or a transfer the seller owes by the
withdrawal's refund day (payments' `Refund`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ledger import queries as ledger
from comptoir.ordering.models import OrderWithdrawal
from comptoir.ordering.services import order_withdraw
from comptoir.payments.models import CardIntent, Refund
from comptoir.payments.services import prepayment_record
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)

CARD = """
[[payment.options]]
id = "card"
method = "card"
label = "Carte à la commande"
due = { basis = "order", convention = "immediate" }
clause = { article = "Art. 4", text = "Paiement comptant par carte à la commande." }
"""


@pytest.fixture
def jars():
    """Seed 001 (consumers allowed, 14 days) with a card option added by the seller."""
    source = preset_text("monthly-intranet").replace(
        "\n[payment.counts_as_paid]", CARD + "\n[payment.counts_as_paid]", 1
    )
    return make_shop(
        "monthly-intranet",
        [("MIEL-12", "6.50", 12, 1000), ("CONF-6", "4.00", 6, 1000)],
        vat="5.5",
        source=source,
    )


@pytest.fixture
def person():
    return make_buyer(person=True)


def _gross(line) -> Decimal:
    return (line.net_amount * (1 + line.vat_rate / 100)).quantize(Decimal("0.01"))


def test_withdrawing_one_line_of_a_card_order_refunds_that_line_on_the_card(jars, person):
    with clock.frozen(NOW):
        order = place(
            jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True, payment_method="card"
        )
        intent = CardIntent.objects.get(reference=order.number)
        assert intent.status == "succeeded" and intent.amount == order.total_incl_vat
        line = order.lines.get(sku="CONF-6")
        order = order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
    expected = _gross(line)
    assert expected == Decimal("25.32")  # 6 × 4.00 € + 5.5 % VAT
    intent.refresh_from_db()
    assert intent.refunded == expected and intent.status == "succeeded"  # the rest stays paid
    assert ledger.balance(person.org, jars.seller) == -(order.total_incl_vat - expected)
    event = order.events.get(action="withdraw")
    assert event.data["refunded"] == "25.32" and event.data["refunded_by"] == "card"
    assert not Refund.objects.exists()
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_withdrawing_the_rest_refunds_only_what_was_not_refunded(jars, person):
    with clock.frozen(NOW):
        order = place(
            jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True, payment_method="card"
        )
        first = order.lines.get(sku="CONF-6")
        order_withdraw(actor=person.user, order_id=order.pk, lines=[first.pk])
        order = order_withdraw(actor=person.user, order_id=order.pk)  # everything left
    assert order.state == "cancelled"
    intent = CardIntent.objects.get(reference=order.number)
    assert intent.refunded == order.total_incl_vat and intent.status == "refunded"
    assert ledger.balance(person.org, jars.seller) == Decimal("0.00")


def test_withdrawing_from_a_transfer_prepaid_order_makes_a_refund_due_on_its_day(jars, person):
    with clock.frozen(NOW):
        order = place(jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True)
        prepayment_record(
            buyer=person.org,
            seller=jars.seller,
            reference=order.number,
            amount=order.total_incl_vat,
            method="transfer",
            on=date(2026, 12, 3),
            idempotency_key="consumer-1",
        )
        line = order.lines.get(sku="CONF-6")
        order = order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
    withdrawal = OrderWithdrawal.objects.get()
    refund = Refund.objects.get()
    assert (refund.amount, refund.rule, refund.due_on, refund.status) == (
        withdrawal.refund_amount,
        "O17",
        withdrawal.refund_due_on,
        "due",
    )
    assert refund.amount == Decimal("25.32") and refund.due_on == date(2026, 12, 17)
    assert refund.source_key == f"O17:{withdrawal.pk}"
    assert order.events.get(action="withdraw").data["refunded_by"] == "transfer"


def test_a_withdrawal_from_an_unpaid_order_refunds_nothing(jars, person):
    with clock.frozen(NOW):
        order = place(jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True)
        line = order.lines.get(sku="CONF-6")
        order = order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
    assert OrderWithdrawal.objects.get().refund_amount == Decimal("25.32")  # still owed by law
    assert not Refund.objects.exists()
    assert order.events.get(action="withdraw").data["refunded"] == "0.00"


# ------------------------------------------------------- after the invoice: a credit note (I5)


def _invoiced(jars, person, **kw):
    from comptoir.ordering.services import order_accept, order_invoice_issue

    order = place(jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True, **kw)
    if order.state == "submitted":
        order = order_accept(actor=jars.owner, order_id=order.pk)
    return order_invoice_issue(order)


def test_withdrawing_an_invoiced_line_issues_a_credit_note_of_that_line(jars, person):
    from comptoir.billing.models import Invoice

    with clock.frozen(NOW):
        order = _invoiced(jars, person)
        owed = ledger.balance(person.org, jars.seller)
        assert owed == order.total_incl_vat  # the invoice, unpaid
        line = order.lines.get(sku="CONF-6")
        order = order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
    note = Invoice.objects.get(kind="credit_note", credited_invoice=order.invoice)
    assert note.status == "issued" and note.total_incl_vat == Decimal("25.32")
    assert [ln.sku for ln in note.lines.all()] == ["CONF-6"]
    # the consumer no longer owes the withdrawn line (O17), and is not chased for it
    assert ledger.balance(person.org, jars.seller) == owed - Decimal("25.32")
    event = order.events.get(action="withdraw")
    assert event.data["credit_note"] == note.number and note.number in event.note
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_withdrawing_every_line_after_the_invoice_credits_it_in_full(jars, person):
    from comptoir.billing.models import Invoice

    with clock.frozen(NOW):
        order = _invoiced(jars, person)
        order = order_withdraw(actor=person.user, order_id=order.pk)
        # a second notification has nothing left to withdraw and credits nothing more
        with pytest.raises(DomainError) as refused:
            order_withdraw(actor=person.user, order_id=order.pk)
        assert refused.value.rule == "O17"  # nothing left to withdraw from
    [note] = Invoice.objects.filter(kind="credit_note", credited_invoice=order.invoice)
    assert note.total_incl_vat == order.invoice.total_incl_vat  # delivery included (L221-24)
    assert ledger.balance(person.org, jars.seller) == Decimal("0.00")
