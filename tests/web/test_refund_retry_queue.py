"""The seller's "retry now" of a failed card refund queues the attempt for the worker and answers
at once (I5, O12, PT1): the payment provider is never called in the request, the page shows the
refund queued, and asking twice, or the sweep beside the task, still refunds once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.models import AuditEntry
from comptoir.payments import providers
from comptoir.payments.models import CardRefund
from comptoir.payments.services.card import (
    QUEUE_STALE,
    card_refund_retry_now,
    card_refunds_retry,
)
from comptoir.payments.tasks import refund_credit_note_on_card
from tests.web.refund_helpers import NOW, refused_card_refund, run_queued_refunds

pytestmark = pytest.mark.django_db


def _queued() -> int:
    return DBTaskResult.objects.filter(
        task_path=refund_credit_note_on_card.module_path, status="READY"
    ).count()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def calls(monkeypatch):
    """Every refund asked of the provider (it answers as the local provider does)."""
    seen: list[D] = []
    original = providers.LocalProvider.refund

    def spy(self, provider_reference: str, amount: D) -> str:
        seen.append(amount)
        return original(self, provider_reference, amount)

    monkeypatch.setattr(providers.LocalProvider, "refund", spy)
    return seen


@pytest.fixture
def failed(monkeypatch):
    """The card refund the provider refused (built as in test_refunds_pages), no task left."""
    shop, _buyer, note, refund = refused_card_refund(monkeypatch)
    DBTaskResult.objects.all().delete()  # the task of the issue: already run there
    return shop, note, refund


def test_retry_now_queues_and_answers_without_calling_the_provider(
    client, failed, calls, django_capture_on_commit_callbacks
) -> None:
    shop, note, refund = failed
    client.force_login(shop.seller_user)
    asked = NOW + timedelta(minutes=1)
    with clock.frozen(asked), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:card_refund_retry", args=[refund.pk]), follow=True)
    html = response.content.decode()
    assert calls == []  # nothing asked of the provider in the request
    assert f"Credit note {note.number}: retry queued" in html
    task = DBTaskResult.objects.get(task_path=refund_credit_note_on_card.module_path)
    assert task.args_kwargs["args"] == [note.pk]
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.retry_queued_at) == ("failed", 1, asked)
    # the page shows it queued, without the button
    with clock.frozen(asked + timedelta(seconds=5)):
        page = client.get(reverse("web:card_refunds")).content.decode()
    assert 'data-testid="card-refund-queued"' in page and "Retry queued" in page
    assert asked.strftime("%d/%m/%Y %H:%M") in page
    assert reverse("web:card_refund_retry", args=[refund.pk]) not in page
    audit = AuditEntry.objects.get(action="payments.card_refund_retry_queued")
    assert audit.data["credit_note"] == note.number and audit.data["rule"] == "I5"
    # the worker runs it: refunded once, no longer queued
    with clock.frozen(asked + timedelta(seconds=10)):
        assert run_queued_refunds() == ["succeeded"]
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.retry_queued_at) == ("succeeded", 2, None)
    assert calls == [D("120.00")]
    with clock.frozen(asked + timedelta(seconds=20)):
        page = client.get(reverse("web:card_refunds")).content.decode()
    assert "card-refund-queued" not in page and "Refunded" in page


def test_asking_twice_queues_one_attempt_until_it_is_stale(
    failed, calls, django_capture_on_commit_callbacks
) -> None:
    shop, _note, refund = failed
    with django_capture_on_commit_callbacks(execute=True):
        with clock.frozen(NOW + timedelta(minutes=1)):
            card_refund_retry_now(actor=shop.seller_user, seller=shop.seller, refund_id=refund.pk)
        with clock.frozen(NOW + timedelta(minutes=2)):
            again = card_refund_retry_now(
                actor=shop.seller_user, seller=shop.seller, refund_id=refund.pk
            )
    assert again.retry_queued_at == NOW + timedelta(minutes=1) and _queued() == 1
    # the worker lost it: after QUEUE_STALE the seller may queue it again
    later = NOW + timedelta(minutes=1) + QUEUE_STALE + timedelta(seconds=1)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        requeued = card_refund_retry_now(
            actor=shop.seller_user, seller=shop.seller, refund_id=refund.pk
        )
    assert requeued.retry_queued_at == later and _queued() == 2
    # both tasks run (and the sweep beside them): the provider is asked once
    with clock.frozen(later + timedelta(seconds=1)):
        assert run_queued_refunds() == ["succeeded", "succeeded"]
        assert card_refunds_retry(until=later + timedelta(days=1)) == 0
    assert calls == [D("120.00")]
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == ("succeeded", 2)


def test_a_queued_retry_the_sweep_did_first_changes_nothing(
    failed, calls, django_capture_on_commit_callbacks
) -> None:
    shop, _note, refund = failed
    with clock.frozen(NOW + timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        card_refund_retry_now(actor=shop.seller_user, seller=shop.seller, refund_id=refund.pk)
    with clock.frozen(NOW + timedelta(minutes=6)):  # the sweep's retry is due (5 min)
        assert card_refunds_retry() == 1
        assert run_queued_refunds() == ["succeeded"]  # the queued task: found done
    assert calls == [D("120.00")]
    refund.refresh_from_db()
    assert (refund.attempts, refund.retry_queued_at) == (2, None)


def test_a_refund_that_went_through_is_not_queued(
    failed, django_capture_on_commit_callbacks
) -> None:
    shop, _note, refund = failed
    CardRefund.objects.filter(pk=refund.pk).update(status="nothing")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as refused:
        card_refund_retry_now(actor=shop.seller_user, seller=shop.seller, refund_id=refund.pk)
    assert (refused.value.code, refused.value.rule) == ("refund_not_failed", "I5")
    assert _queued() == 0
    refund.refresh_from_db()
    assert refund.retry_queued_at is None
