"""O17, I1 on the standalone fulfilment invoices (F7, F10): a natural person's charges from its
consumer orders and from its professional orders are issued as two documents in one
transaction — the consumer's without the B2B penalty-rate and 40 € mentions, the professional's
with them — numbered one after the other, together billing exactly the items."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.fulfilment.models import Charge
from comptoir.fulfilment.services import pending_documents_issue, standalone_documents_due
from comptoir.fulfilment.services import standalone as standalone_module
from comptoir.ordering.rules import consumer_split
from tests.fulfilment.test_standalone_consumer import ISSUED, _buyer, _codes, _refused
from tests.ordering.conftest import Shop, make_shop

B2B = {"late_penalties", "recovery_indemnity"}


@pytest.fixture
def jars(db) -> Shop:
    """Seed 001 (monthly-intranet) serves consumers and professionals."""
    return make_shop("monthly-intranet", [("MIEL-12", "6.50", 12, 1000)], vat="5.5")


def test_the_rule_splits_professional_items_first_then_consumer_items():
    assert consumer_split([]) == []
    assert consumer_split([True, True]) == [(True, [0, 1])]
    assert consumer_split([False]) == [(False, [0])]
    assert consumer_split([True, False, True, False]) == [(False, [1, 3]), (True, [0, 2])]


def _mixed(shop):
    person = _buyer(shop, person=True)
    consumer = _refused(shop, person, consumer=True, tracking="S-1")
    professional = _refused(shop, person, consumer=False, tracking="S-2", days=35)  # O5
    return person, consumer, professional


def _charges_excl_vat(invoice: Invoice) -> Decimal:
    return sum((c.amount_excl_vat for c in Charge.objects.filter(invoice=invoice)), Decimal("0"))


def test_mixed_charges_give_a_consumer_invoice_and_a_professional_invoice(jars):
    person, consumer, professional = _mixed(jars)
    waiting = list(Charge.objects.filter(order__buyer=person.org, invoiced=False))
    assert {c.order_id for c in waiting} == {consumer.pk, professional.pk}
    with clock.frozen(ISSUED + timedelta(days=35)):
        issued = pending_documents_issue(
            actor=jars.seller_user, buyer_id=person.org.pk, seller_id=jars.seller.pk
        )
    assert len(issued.invoices) == 2 and issued.count == 2
    pro, cons = issued.invoices
    assert issued.invoice == pro
    # each document bills only its kind of items, with its own mentions (O17, L441-9)
    assert not pro.consumer and _codes(pro) >= B2B
    assert any("40 €" in m["text"] for m in pro.mentions)
    assert cons.consumer and B2B.isdisjoint(_codes(cons))
    assert not any("40 €" in m["text"] for m in cons.mentions)
    assert set(Charge.objects.filter(invoice=pro).values_list("order_id", flat=True)) == {
        professional.pk
    }
    assert set(Charge.objects.filter(invoice=cons).values_list("order_id", flat=True)) == {
        consumer.pk
    }
    # every item billed once, and the two totals add up to the items
    assert not Charge.objects.filter(order__buyer=person.org, invoiced=False).exists()
    for invoice in (pro, cons):
        assert invoice.total_excl_vat == _charges_excl_vat(invoice) > 0
    total = sum((c.amount_excl_vat for c in waiting), Decimal("0"))
    assert pro.total_excl_vat + cons.total_excl_vat == total
    # gapless numbering: the second number follows the first (I9)
    assert int(cons.number.rsplit("-", 1)[1]) == int(pro.number.rsplit("-", 1)[1]) + 1
    entry = AuditEntry.objects.filter(action="fulfilment.standalone.issue").latest("pk")
    assert [i["number"] for i in entry.data["invoices"]] == [pro.number, cons.number]
    assert [i["consumer"] for i in entry.data["invoices"]] == [False, True]


def test_the_sweep_splits_the_same_way(jars):
    person, consumer, professional = _mixed(jars)
    with clock.frozen(ISSUED + timedelta(days=35 + 40)):
        done = standalone_documents_due(until=clock.now())
    assert done == 2
    invoices = {c.invoice for c in Charge.objects.filter(order__buyer=person.org)}
    assert sorted(i.consumer for i in invoices) == [False, True]


def test_a_failure_on_the_second_document_issues_neither(jars, monkeypatch):
    """One transaction: the consumer document failing leaves the professional one unissued and
    its number unused; every charge still waits."""
    person, _consumer, _professional = _mixed(jars)
    real = standalone_module.invoice_issue
    calls: list[int] = []

    def failing(*, invoice_id, actor):
        calls.append(invoice_id)
        if len(calls) == 2:
            raise RuntimeError("crash while issuing the second document")
        return real(invoice_id=invoice_id, actor=actor)

    monkeypatch.setattr(standalone_module, "invoice_issue", failing)
    before = Invoice.objects.count()
    with clock.frozen(ISSUED + timedelta(days=35)), pytest.raises(RuntimeError):
        pending_documents_issue(
            actor=jars.seller_user, buyer_id=person.org.pk, seller_id=jars.seller.pk
        )
    assert Invoice.objects.count() == before
    assert Charge.objects.filter(order__buyer=person.org, invoiced=False).count() == 2
    monkeypatch.setattr(standalone_module, "invoice_issue", real)
    with clock.frozen(ISSUED + timedelta(days=35)):
        issued = pending_documents_issue(
            actor=jars.seller_user, buyer_id=person.org.pk, seller_id=jars.seller.pk
        )
    numbers = [int(i.number.rsplit("-", 1)[1]) for i in issued.invoices]
    assert numbers[1] == numbers[0] + 1  # nothing was lost to the failed attempt


def test_only_consumer_items_give_one_consumer_invoice(jars):
    person = _buyer(jars, person=True)
    _refused(jars, person, consumer=True, tracking="C-9")
    with clock.frozen(ISSUED):
        issued = pending_documents_issue(
            actor=jars.seller_user, buyer_id=person.org.pk, seller_id=jars.seller.pk
        )
    assert len(issued.invoices) == 1 and issued.invoices[0].consumer
