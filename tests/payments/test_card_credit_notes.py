"""Card refunds of credit notes (I5, O12, PT1): a credit note of an order paid by card at order
goes back on the card, once, for what it still leaves to the buyer."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest

from comptoir.billing.models import Invoice
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ledger import queries as ledger
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments import providers
from comptoir.payments.models import CardIntent, CardRefund
from comptoir.payments.rules import refund_due
from comptoir.payments.services.card import card_refund_for_credit_note, card_refunds_retry
from comptoir.payments.sweeps import card_refunds
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
ONE_VASE = [LineInput("Retour d'un vase", "VASE", D(1), D("100.00"), D(20))]


@pytest.fixture
def shop():
    return make_shop("marketplace", [("VASE", "100.00", 1, 50)])


@pytest.fixture
def refunds(monkeypatch):
    """The refunds the local provider is asked for: (provider reference, amount)."""
    calls: list[tuple[str, D]] = []
    original = providers.LocalProvider.refund

    def spy(self, provider_reference: str, amount: D) -> str:
        calls.append((provider_reference, amount))
        return original(self, provider_reference, amount)

    monkeypatch.setattr(providers.LocalProvider, "refund", spy)
    return calls


def _invoiced(shop, buyer, quantity: int = 3, method: str = "card"):
    order = place(shop, buyer, [("VASE", quantity)], payment_method=method)
    order_invoice_issue(order)
    return order, Invoice.objects.get(kind="invoice", references__order_number=order.number)


def _credit(invoice: Invoice, lines=ONE_VASE) -> Invoice:
    return invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=lines).pk)


def test_a_partial_credit_note_is_refunded_on_the_card_once(
    shop, refunds, django_capture_on_commit_callbacks, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    buyer = make_buyer()
    with clock.frozen(NOW):
        order, invoice = _invoiced(shop, buyer)
        intent = CardIntent.objects.get(reference=order.number)
        with django_capture_on_commit_callbacks(execute=True):  # the reaction enqueues the task
            note = _credit(invoice)
        refund = CardRefund.objects.get(credit_note=note)
        assert note.total_incl_vat == D("120.00")
        assert (refund.status, refund.amount, refund.attempts) == ("succeeded", D("120.00"), 1)
        assert refunds == [(intent.provider_reference, D("120.00"))]
        intent.refresh_from_db()
        assert intent.refunded == D("120.00") and intent.status == "succeeded"  # partial
        assert ledger.balance(buyer.org, shop.seller) == 0  # the credit went back on the card
        debit, credit = ledger.journal_totals()
        assert debit == credit

        again = card_refund_for_credit_note(credit_note=note)
        assert again is not None and again.pk == refund.pk
        assert card_refunds_retry() == 0
    assert len(refunds) == 1  # never twice
    intent.refresh_from_db()
    assert intent.refunded == D("120.00")
    assert CardRefund.objects.count() == 1


def test_a_provider_failure_is_recorded_and_retried(shop, refunds, monkeypatch) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        order, invoice = _invoiced(shop, buyer)
        note = _credit(invoice)

        def down(self, provider_reference: str, amount: D) -> str:
            raise DomainError(code="provider_unavailable", message="timed out", rule="PT1")

        with monkeypatch.context() as patch:
            patch.setattr(providers.LocalProvider, "refund", down)
            failed = card_refund_for_credit_note(credit_note=note)
            assert failed is not None
            assert (failed.status, failed.amount, failed.attempts) == ("failed", D("120.00"), 1)
            assert "timed out" in failed.last_error
            assert card_refunds_retry() == 0  # not due yet: retried after a delay
            later = NOW + timedelta(minutes=5)  # the delay after a first failure
            assert card_refunds_retry(until=later) == 0  # still down: still failed, still recorded
        note.refresh_from_db()
        assert note.status == "issued"
        assert ledger.balance(buyer.org, shop.seller) == D("-120.00")  # still owed to the buyer
        intent = CardIntent.objects.get(reference=order.number)
        assert intent.refunded == 0

        assert card_refunds(until=later) == 0  # not due again before 30 more minutes
        assert card_refunds(until=later + timedelta(minutes=30)) == 1  # the sweep retries it
    refund = CardRefund.objects.get(credit_note=note)
    assert (refund.status, refund.attempts, refund.last_error) == ("succeeded", 3, "")
    assert refunds == [(intent.provider_reference, D("120.00"))]
    assert ledger.balance(buyer.org, shop.seller) == 0
    with clock.frozen(NOW):
        assert card_refunds(until=NOW + timedelta(days=1)) == 0


def test_the_sweep_refunds_a_credit_note_the_reaction_missed(shop, refunds) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        _order, invoice = _invoiced(shop, buyer)
        note = _credit(invoice)  # on_commit never ran: no reaction
        assert not CardRefund.objects.exists()
        assert card_refunds_retry() == 1
    assert CardRefund.objects.get(credit_note=note).amount == D("120.00")
    assert len(refunds) == 1


def test_a_non_card_invoice_gets_nothing(shop, refunds) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        order, invoice = _invoiced(shop, buyer, method="sepa_debit")
        assert order.payment_method != "card"
        note = _credit(invoice)
        assert card_refund_for_credit_note(credit_note=note) is None
        assert card_refunds_retry() == 0
        assert card_refund_for_credit_note(credit_note=invoice) is None  # not a credit note
    assert refunds == [] and not CardRefund.objects.exists()


def test_the_credit_stays_on_the_account_when_something_else_is_owed(shop, refunds) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        _unpaid, _open = _invoiced(shop, buyer, quantity=1, method="sepa_debit")  # 120 € owed
        _order, invoice = _invoiced(shop, buyer)
        note = _credit(invoice)  # billing sets it against the open invoice (I5, PT8)
        refund = card_refund_for_credit_note(credit_note=note)
    assert refund is not None and (refund.status, refund.amount) == ("nothing", D("0.00"))
    assert refunds == []
    assert ledger.balance(buyer.org, shop.seller) == 0


def test_refund_due_never_exceeds_what_the_card_paid() -> None:
    assert refund_due(credit_left=D("120"), card_paid=D("360"), card_refunded=D("0")) == D("120")
    assert refund_due(credit_left=D("120"), card_paid=D("360"), card_refunded=D("300")) == D("60")
    assert refund_due(credit_left=D("120"), card_paid=D("360"), card_refunded=D("360")) == 0
    assert refund_due(credit_left=D("-5"), card_paid=D("360"), card_refunded=D("0")) == 0
