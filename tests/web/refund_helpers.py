"""Shared by the card refund page tests: a refund the provider refused, and running the queued
refund tasks as the worker does (I5, O12, PT1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

from django_tasks_db.models import DBTaskResult

from comptoir.billing.models import Invoice
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments import providers
from comptoir.payments.services.card import card_refund_for_credit_note
from comptoir.payments.tasks import refund_credit_note_on_card
from tests.ordering.conftest import make_buyer, make_shop, place

NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)
ONE_VASE = [LineInput("Retour d'un vase", "VASE", D(1), D("100.00"), D(20))]


def _down(self, provider_reference: str, amount: D) -> str:
    raise DomainError(code="provider_unavailable", message="PSP timed out", rule="PT1")


def refused_card_refund(monkeypatch):
    """A seller, a buyer, and the card refund of its credit note that the provider refused."""
    shop = make_shop("marketplace", [("VASE", "100.00", 1, 50)])
    buyer = make_buyer("Boutique Lumière")
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 3)], payment_method="card")
        order_invoice_issue(order)
        invoice = Invoice.objects.get(kind="invoice", references__order_number=order.number)
        note = invoice_issue(
            invoice_id=credit_note_create(invoice_id=invoice.pk, lines=ONE_VASE).pk
        )
        with monkeypatch.context() as patch:
            patch.setattr(providers.LocalProvider, "refund", _down)
            refund = card_refund_for_credit_note(credit_note=note)
    assert refund is not None and refund.status == "failed"
    return shop, buyer, note, refund


def run_queued_refunds() -> list[str]:
    """What the worker does: run each queued card refund task once, oldest first."""
    tasks = DBTaskResult.objects.filter(
        task_path=refund_credit_note_on_card.module_path, status="READY"
    ).order_by("enqueued_at", "pk")
    out = []
    for task in tasks:
        out.append(refund_credit_note_on_card.call(*task.args_kwargs["args"]))
        DBTaskResult.objects.filter(pk=task.pk).update(status="SUCCESSFUL")
    return out
