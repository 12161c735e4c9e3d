"""The card refund of a credit note runs in a background task (I5, O12, PT1): nothing is asked
of the provider while the credit note is issued; the task, run twice or beside the retry sweep,
refunds once."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from comptoir.billing.models import Invoice
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments import providers
from comptoir.payments.models import CardIntent, CardRefund
from comptoir.payments.services.card import card_refunds_retry, retry_delay
from comptoir.payments.tasks import refund_credit_note_on_card
from tests.ordering.conftest import make_buyer, make_shop, place

NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
ONE_VASE = [LineInput("Retour d'un vase", "VASE", D(1), D("100.00"), D(20))]


@pytest.fixture
def refunds(monkeypatch):
    calls: list[tuple[str, D]] = []
    original = providers.LocalProvider.refund

    def spy(self, provider_reference: str, amount: D) -> str:
        calls.append((provider_reference, amount))
        time.sleep(0.05)  # a provider takes its time: lets a concurrent run catch up
        return original(self, provider_reference, amount)

    monkeypatch.setattr(providers.LocalProvider, "refund", spy)
    return calls


def _credit_note(method: str = "card") -> Invoice:
    shop = make_shop("marketplace", [("VASE", "100.00", 1, 50)])
    buyer = make_buyer()
    order = place(shop, buyer, [("VASE", 3)], payment_method=method)
    order_invoice_issue(order)
    invoice = Invoice.objects.get(kind="invoice", references__order_number=order.number)
    return invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=ONE_VASE).pk)


def _run(task_args: list) -> str:
    return refund_credit_note_on_card.call(*task_args)


@pytest.mark.django_db
def test_issuing_the_credit_note_only_enqueues_the_task(
    refunds, django_capture_on_commit_callbacks
) -> None:
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        note = _credit_note()
    assert refunds == [] and not CardRefund.objects.exists()  # no provider call on issue
    task = DBTaskResult.objects.get(task_path=refund_credit_note_on_card.module_path)
    assert task.args_kwargs["args"] == [note.pk]
    with clock.frozen(NOW):
        assert _run(task.args_kwargs["args"]) == "succeeded"  # what the worker does
        assert _run(task.args_kwargs["args"]) == "succeeded"  # delivered twice: once
        assert card_refunds_retry(until=NOW + timedelta(days=1)) == 0  # the sweep: nothing more
    assert refunds == [(CardIntent.objects.get().provider_reference, D("120.00"))]
    assert CardRefund.objects.get().attempts == 1


@pytest.mark.django_db
def test_no_task_for_a_credit_note_of_another_method(django_capture_on_commit_callbacks) -> None:
    with clock.frozen(NOW), django_capture_on_commit_callbacks(execute=True):
        note = _credit_note(method="sepa_debit")
    assert not DBTaskResult.objects.filter(
        task_path=refund_credit_note_on_card.module_path
    ).exists()
    assert _run([note.pk]) == "none"  # a task for it anyway changes nothing
    assert _run([10**9]) == "none"  # nor one for a credit note that is gone
    assert not CardRefund.objects.exists()


@pytest.mark.django_db
def test_the_sweep_first_then_the_task_refunds_once(refunds) -> None:
    with clock.frozen(NOW):
        note = _credit_note()  # the task is late: the sweep finds the credit note first
        assert card_refunds_retry(until=NOW) == 1
        assert _run([note.pk]) == "succeeded"
    assert len(refunds) == 1


def test_the_retry_delay_grows_and_stops_at_a_day() -> None:
    delays = [retry_delay(n) for n in range(1, 8)]
    assert delays[0] == timedelta(minutes=5) and delays == sorted(delays)
    assert delays[-1] == delays[-2] == timedelta(hours=24)
    assert retry_delay(0) == timedelta(minutes=5)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_task_and_the_sweep_at_the_same_time_refund_once(refunds) -> None:
    """Two workers (the task and the sweep) on the same credit note: the card payment's row
    lock makes the second wait, then find the refund done."""
    with clock.frozen(NOW), transaction.atomic():  # as the order's transition does
        note = _credit_note()
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(job) -> None:
        try:
            with clock.frozen(NOW):
                results.append(job())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(lambda: _run([note.pk]),)),
        threading.Thread(target=worker, args=(lambda: str(card_refunds_retry(until=NOW)),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(refunds) == 1
    refund = CardRefund.objects.get(credit_note=note)
    assert (refund.status, refund.attempts, refund.amount) == ("succeeded", 1, D("120.00"))
    assert CardIntent.objects.get().refunded == D("120.00")
