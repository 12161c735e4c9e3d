"""A marketplace payout becomes paid (PT14): by the operator's hand, or when the operator's
CAMT.053 statement carries the debit of its transfer (DBIT with the payout's end-to-end id)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.payments.models import Payout, StatementEntry
from comptoir.payments.services import payouts_export, statement_import
from comptoir.payments.services.payouts import payout_mark_paid
from tests.parties.factories import make_marketplace_operator, make_operator_user

from .conftest import at, camt053, fr_iban, issue, make_pair, pay

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 31)


def _payouts(count: int = 1, *, export: bool = True) -> list[Payout]:
    """`count` payouts of one marketplace seller (984 € each), exported unless told otherwise."""
    pair = make_pair("marketplace")
    operator = make_marketplace_operator()
    operator.iban, operator.bic = fr_iban(), "BNPAFRPP"
    operator.save()
    for n in range(count):
        invoice = issue(pair, on=DAY, due=DAY)
        with clock.frozen(at(DAY)):
            pay(pair, "1200.00", "card", DAY, f"card-{n}", invoice.number)
    if export:
        with clock.frozen(at(DAY, 11)):
            payouts_export()
    return list(Payout.objects.select_related("seller").order_by("pk"))


def _operator_statement(entries: list[dict[str, str]], statement_id: str = "OP-1") -> bytes:
    iban = make_marketplace_operator().iban
    return camt053(iban, entries, statement_id=statement_id)


def test_the_operator_marks_an_exported_payout_paid() -> None:
    [payout] = _payouts()
    operator = make_operator_user()
    when = datetime(2027, 1, 4, 9, 30, tzinfo=clock.PARIS)
    with clock.frozen(when):
        done = payout_mark_paid(actor=operator, payout_id=payout.pk)
    assert (done.status, done.paid_at) == ("paid", when)
    payout.refresh_from_db()
    assert (payout.status, payout.paid_at) == (Payout.Status.PAID, when)
    entry = AuditEntry.objects.get(action="payments.payout_paid")
    assert entry.data["source"] == "operator" and entry.data["rule"] == "PT14"
    assert entry.data["end_to_end_id"] == payout.end_to_end_id
    # a second time: refused, and nothing changes
    with (
        clock.frozen(datetime(2027, 1, 5, tzinfo=clock.PARIS)),
        pytest.raises(DomainError) as again,
    ):
        payout_mark_paid(actor=operator, payout_id=payout.pk)
    assert (again.value.code, again.value.rule) == ("payout_already_paid", "PT14")
    assert "04/01/2027" in again.value.message
    payout.refresh_from_db()
    assert (
        payout.paid_at == when
        and AuditEntry.objects.filter(action="payments.payout_paid").count() == 1
    )


def test_a_pending_payout_cannot_be_marked_paid() -> None:
    [payout] = _payouts(export=False)
    with pytest.raises(DomainError) as refused:
        payout_mark_paid(actor=make_operator_user(), payout_id=payout.pk)
    assert (refused.value.code, refused.value.rule) == ("payout_not_exported", "PT14")
    assert payout.end_to_end_id in refused.value.message
    payout.refresh_from_db()
    assert (payout.status, payout.paid_at) == ("pending", None)


def test_only_the_operator_marks_payouts_paid() -> None:
    [payout] = _payouts()
    seller_owner = payout.seller.memberships.get().user
    with pytest.raises(PermissionDenied):
        payout_mark_paid(actor=seller_owner, payout_id=payout.pk)
    with pytest.raises(PermissionDenied):
        payout_mark_paid(actor=None, payout_id=payout.pk)
    with pytest.raises(NotFound):
        payout_mark_paid(actor=make_operator_user(), payout_id=10**9)
    payout.refresh_from_db()
    assert payout.status == "exported"


def test_the_operator_statement_marks_exported_payouts_paid_once() -> None:
    first, second, pending = _payouts(3)
    Payout.objects.filter(pk=pending.pk).update(status="pending", message_id="", exported_at=None)
    data = _operator_statement(
        [
            # the transfer of the first payout, debited on 4 Jan
            {"amount": "-984.00", "date": "2027-01-04", "ref": "B1", "e2e": first.end_to_end_id},
            # a debit naming the second payout with another amount: left for review
            {"amount": "-900.00", "date": "2027-01-04", "ref": "B2", "e2e": second.end_to_end_id},
            # a debit naming a payout never exported: left for review
            {"amount": "-984.00", "date": "2027-01-04", "ref": "B3", "e2e": pending.end_to_end_id},
            # an ordinary debit of the account
            {"amount": "-12.00", "date": "2027-01-04", "ref": "B4", "e2e": "FEES-JAN"},
        ]
    )
    with clock.frozen(datetime(2027, 1, 5, 6, tzinfo=clock.PARIS)):
        [result] = statement_import(data=data, filename="op.xml")
    assert result.created and result.matched == 1 and result.to_review == 2
    for p in (first, second, pending):
        p.refresh_from_db()
    assert (first.status, first.paid_at) == ("paid", datetime(2027, 1, 4, tzinfo=clock.PARIS))
    assert (second.status, second.paid_at) == ("exported", None)
    assert (pending.status, pending.paid_at) == ("pending", None)
    notes = dict(StatementEntry.objects.values_list("bank_reference", "note"))
    assert notes["B1"] == f"Reversement {first.end_to_end_id} payé"
    assert "900.00" in notes["B2"] and "984.00" in notes["B2"]
    assert "jamais exporté" in notes["B3"]
    assert StatementEntry.objects.get(bank_reference="B4").status == "ignored"
    audit = AuditEntry.objects.get(action="payments.payout_paid")
    assert audit.data["source"] == "statement" and audit.data["bank_reference"] == "B1"
    # the same file again: nothing changes
    with clock.frozen(datetime(2027, 1, 6, tzinfo=clock.PARIS)):
        [again] = statement_import(data=data, filename="op.xml")
    assert not again.created
    # the same movement in another file (next day's statement repeats it): skipped
    repeat = _operator_statement(
        [{"amount": "-984.00", "date": "2027-01-04", "ref": "B1", "e2e": first.end_to_end_id}],
        statement_id="OP-2",
    )
    with clock.frozen(datetime(2027, 1, 6, tzinfo=clock.PARIS)):
        [other] = statement_import(data=repeat, filename="op2.xml")
    assert other.created and other.skipped == 1 and other.matched == 0
    first.refresh_from_db()
    assert first.paid_at == datetime(2027, 1, 4, tzinfo=clock.PARIS)
    assert AuditEntry.objects.filter(action="payments.payout_paid").count() == 1


def test_a_payout_marked_paid_by_hand_then_seen_on_the_statement_stays_as_it_is() -> None:
    [payout] = _payouts()
    by_hand = datetime(2027, 1, 3, 17, tzinfo=clock.PARIS)
    with clock.frozen(by_hand):
        payout_mark_paid(actor=make_operator_user(), payout_id=payout.pk)
    data = _operator_statement(
        [{"amount": "-984.00", "date": "2027-01-04", "ref": "C1", "e2e": payout.end_to_end_id}]
    )
    with clock.frozen(datetime(2027, 1, 5, tzinfo=clock.PARIS)):
        [result] = statement_import(data=data)
    assert result.matched == 1
    payout.refresh_from_db()
    assert payout.paid_at == by_hand
    assert "déjà payé" in StatementEntry.objects.get(bank_reference="C1").note


def test_a_seller_statement_never_marks_a_payout_paid() -> None:
    """Only the operator's account pays sellers out: the same end-to-end id on another account's
    debit is an ordinary debit (PT14)."""
    [payout] = _payouts()
    data = camt053(
        payout.seller.iban,
        [{"amount": "-984.00", "date": "2027-01-04", "ref": "D1", "e2e": payout.end_to_end_id}],
    )
    with clock.frozen(datetime(2027, 1, 5, tzinfo=clock.PARIS)):
        statement_import(data=data, seller=payout.seller)
    payout.refresh_from_db()
    assert payout.status == "exported" and payout.net == D("984.00")
    assert StatementEntry.objects.get(bank_reference="D1").status == "ignored"
