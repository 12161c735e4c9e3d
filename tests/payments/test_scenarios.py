"""One scenario per preset's payment rules, with frozen time, through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from comptoir.billing.models import Invoice, Kind
from comptoir.core import clock
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import OpenItem
from comptoir.payments.formats.validation import validate
from comptoir.payments.models import DirectDebit, FormalNotice, LateCase, Payout, SepaCreditor
from comptoir.payments.policy import payment_policy
from comptoir.payments.queries import buyer_standing, credit_check, statement_of_account
from comptoir.payments.services import (
    collection_run,
    debit_return,
    debit_schedule,
    debits_collect,
    debits_export,
    deposit_receive,
    mandate_create,
    payment_record,
    payouts_export,
)
from comptoir.payments.services.interest import rates
from comptoir.terms.interest import late_interest
from tests.parties.factories import make_marketplace_operator

from .conftest import at, fr_iban, issue, make_pair, pay

pytestmark = pytest.mark.django_db


def _open(invoice: Invoice) -> D:
    return OpenItem.objects.get(reference=invoice.number, kind="invoice").open_amount


def test_selective_beauty_cash_discount_on_excl_vat_including_shipping() -> None:
    """003 §7: paid by SEPA debit within 8 days → 1 % of the amount excl. VAT incl. shipping."""
    pair = make_pair("selective-beauty")
    invoice = issue(pair, on=date(2026, 3, 2), due=date(2026, 4, 30), excl_vat="950", shipping="50")
    assert invoice.total_excl_vat == D("1000.00") and invoice.total_incl_vat == D("1200.00")
    with clock.frozen(at(date(2026, 3, 9))):
        payment = pay(pair, "1188.00", "sepa_debit", date(2026, 3, 9), "k1", invoice.number)
    note = Invoice.objects.get(kind=Kind.CREDIT_NOTE, credited_invoice=invoice)
    assert note.total_excl_vat == D("10.00") and note.total_incl_vat == D("12.00")
    assert _open(invoice) == 0
    assert ledger.balance(pair.buyer, pair.seller) == 0
    assert payment.open_item.open_amount == 0


def test_selective_beauty_no_discount_by_transfer_or_after_8_days() -> None:
    pair = make_pair("selective-beauty")
    first = issue(pair, on=date(2026, 3, 2), due=date(2026, 4, 30))
    second = issue(pair, on=date(2026, 3, 2), due=date(2026, 4, 30))
    with clock.frozen(at(date(2026, 3, 20))):
        pay(pair, "1188.00", "sepa_debit", date(2026, 3, 20), "late", first.number)
        pay(pair, "1188.00", "transfer", date(2026, 3, 5), "transfer", second.number)
    assert not Invoice.objects.filter(kind=Kind.CREDIT_NOTE).exists()
    assert _open(first) == D("12.00") and _open(second) == D("12.00")


def test_monthly_intranet_paid_45_days_late() -> None:
    """001 §5: 5 × the legal rate + 40 €, all debts due at once, pending orders suspended."""
    pair = make_pair("monthly-intranet")
    late = issue(pair, on=date(2026, 7, 1), due=date(2026, 7, 16))
    later = issue(pair, on=date(2026, 7, 10), due=date(2026, 8, 20))
    result = collection_run(on=date(2026, 7, 17))
    assert result.opened == 1 and result.indemnities == 1
    # acceleration: the invoice due 20 Aug is due at once
    assert OpenItem.objects.get(reference=later.number).due_date == date(2026, 7, 17)
    standing = buyer_standing(buyer=pair.buyer, seller=pair.seller, on=date(2026, 7, 17))
    assert standing.suspended and standing.overdue == D("1200.00")
    paid_on = date(2026, 8, 30)  # 45 days after 16 Jul
    policy = payment_policy(pair.seller, paid_on)
    expected = late_interest(
        D("1200.00"),
        date(2026, 7, 16),
        paid_on,
        policy.late,
        rates(),
        invoice_date=date(2026, 7, 1),
    )
    assert expected.days == 45 and expected.interest > 0
    with clock.frozen(at(paid_on)):
        pay(pair, "1200.00", "transfer", paid_on, "p1", late.number)
    # 001 §5 allocates to the oldest debts first: the late invoice is paid before its interest
    interest = OpenItem.objects.get(kind="interest", reference=late.number)
    assert interest.amount == expected.interest
    # the accelerated invoice was due on 17 Jul: its own interest is claimed with the payment
    accelerated = OpenItem.objects.get(kind="interest", reference=later.number)
    fee = OpenItem.objects.get(kind="fee")
    assert fee.amount == D("40.00")
    assert _open(late) == 0
    case = LateCase.objects.get(open_item__reference=late.number)
    assert case.stage == LateCase.Stage.SETTLED
    # still owed: the accelerated invoice (now late too), the interest and the indemnity
    statement = statement_of_account(buyer=pair.buyer, seller=pair.seller, on=paid_on)
    owed = D("1200.00") + expected.interest + accelerated.amount + D("40.00")
    assert statement.balance == owed
    explained = [line.explanation for line in statement.lines if line.kind == "interest"]
    assert explained and all("5 × taux" in text for text in explained), explained


def test_interest_first_allocation_electronics() -> None:
    """002 §14.8: a partial payment goes to interest and costs before the principal."""
    pair = make_pair("electronics-wholesale")
    invoice = issue(pair, on=date(2026, 5, 4), due=date(2026, 5, 4))
    collection_run(on=date(2026, 5, 5))
    with clock.frozen(at(date(2026, 6, 4))):
        pay(pair, "100.00", "transfer", date(2026, 6, 4), "p", invoice.number)
    interest = OpenItem.objects.get(kind="interest")
    fee = OpenItem.objects.get(kind="fee")
    # 1.5 % a month on 1200 € for 31 days
    assert interest.open_amount == 0 and fee.open_amount == 0
    assert _open(invoice) == D("1200.00") - (D("100.00") - interest.amount - fee.amount)


def test_formal_notice_then_resolution_with_deposit_deduction() -> None:
    pair = make_pair("monthly-intranet")
    with clock.frozen(at(date(2026, 2, 1))):
        deposit_receive(
            buyer=pair.buyer, seller=pair.seller, amount="2000.00", received_on=date(2026, 2, 1)
        )
    invoice = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    for day in (17, 31):
        collection_run(on=date(2026, 3, day))
    case = LateCase.objects.get()
    assert case.reminders == 2
    collection_run(on=date(2026, 4, 15))  # 30 days after the due date
    notice = FormalNotice.objects.get()
    assert notice.deadline == date(2026, 4, 23)  # 8 calendar days [001 §5]
    assert notice.letter["deadline"] == "2026-04-23" and not bytes(notice.pdf)
    from comptoir.payments.tasks import mail_formal_notice

    assert mail_formal_notice.call(notice.pk) is True  # rendered and mailed once (N1)
    assert mail_formal_notice.call(notice.pk) is False
    notice.refresh_from_db()
    assert bytes(notice.pdf).startswith(b"%PDF") and notice.mailed_at is not None
    assert OpenItem.objects.filter(kind="interest").exists()
    collection_run(on=date(2026, 4, 23))
    assert LateCase.objects.get().stage == LateCase.Stage.FORMAL_NOTICE
    with clock.frozen(at(date(2026, 4, 24))):
        collection_run(on=date(2026, 4, 24))
    case.refresh_from_db()
    assert case.stage == LateCase.Stage.RESOLVED
    assert _open(invoice) == 0  # the deposit paid it (oldest debt first)
    assert buyer_standing(buyer=pair.buyer, seller=pair.seller).deposit_held < D("2000.00")


def test_credit_check_deposit_and_limit() -> None:
    pair = make_pair("monthly-intranet")
    with clock.frozen(at(date(2026, 2, 1))):
        deposit_receive(
            buyer=pair.buyer, seller=pair.seller, amount="2000.00", received_on=date(2026, 2, 1)
        )
    issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    with clock.frozen(at(date(2026, 3, 2))):
        assert credit_check(buyer=pair.buyer, seller=pair.seller, new_order=D("500")).ok
        decision = credit_check(buyer=pair.buyer, seller=pair.seller, new_order=D("900"))
    assert decision.action == "require_prepayment" and decision.rule == "PT9"


def test_marketplace_cash_payment_pays_seller_minus_commission(tmp_path) -> None:
    """000 §7.8: 1,200 € TTC paid by card → 1,200 − 15 % × 1,200 − 20 % VAT on it = 984 €."""
    pair = make_pair("marketplace")
    operator = make_marketplace_operator()
    operator.iban, operator.bic = fr_iban(), "BNPAFRPP"
    operator.save()
    invoice = issue(pair, on=date(2026, 12, 31), due=date(2026, 12, 31))
    with clock.frozen(at(date(2026, 12, 31))):
        pay(pair, "1200.00", "card", date(2026, 12, 31), "card-1", invoice.number)
        payout = Payout.objects.get()
        assert (payout.gross, payout.commission, payout.net) == (
            D("1200.00"),
            D("216.00"),
            D("984.00"),
        )
        # I8 [000 §12]: the operator invoices the seller 180 € + 36 € VAT, settled by the deduction
        commission = payout.commission_invoice
        assert (commission.issuer, commission.recipient) == (operator, pair.seller)
        assert (commission.status, commission.category) == ("issued", "commission")
        assert (commission.total_excl_vat, commission.total_vat) == (D("180.00"), D("36.00"))
        assert "Commission de 15 %" in commission.lines.get().description
        items = OpenItem.objects.filter(reference=commission.number, party=pair.seller)
        assert sorted(i.amount for i in items) == [D("-216.00"), D("216.00")]
        assert {i.open_amount for i in items} == {D("0.00")}  # nothing left to pay
        xml, done = payouts_export()
    assert validate(xml, "pain.001.001.03") == []
    assert b"984.00" in xml and len(done) == 1
    assert ledger.journal_totals()[0] == ledger.journal_totals()[1]
    with clock.frozen(at(date(2026, 12, 31))):
        assert payouts_export() == (b"", [])  # nothing pending any more


def test_sepa_debit_export_collect_and_return_with_fee() -> None:
    """PT1/PT12 [004 §8.8]: pain.008 valid; a debit rejected for insufficient funds reopens the
    invoice and bears the bank's fees."""
    pair = make_pair("digital-goods")
    SepaCreditor.objects.create(
        seller=pair.seller, creditor_id="FR72ZZZ123456", return_fee=D("7.50")
    )
    invoice = issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 1))
    with clock.frozen(at(date(2026, 6, 1))):
        mandate_create(
            buyer=pair.buyer, seller=pair.seller, iban=fr_iban(), signed_on=date(2026, 5, 20)
        )
        debit = debit_schedule(
            open_item=OpenItem.objects.get(reference=invoice.number),
            collection_date=date(2026, 6, 1),
        )
        assert debit is not None and debit.collection_date == date(2026, 6, 15)  # 14 days' notice
        batch = debits_export(seller=pair.seller)
    assert batch is not None and validate(bytes(batch.xml), "pain.008.001.02") == []
    assert b"<SeqTp>FRST</SeqTp>" in bytes(batch.xml)
    with clock.frozen(at(date(2026, 6, 15))):
        assert debits_collect(on=date(2026, 6, 15)) == 1
        assert debits_collect(on=date(2026, 6, 15)) == 0
    assert _open(invoice) == 0
    with clock.frozen(at(date(2026, 6, 18))):
        debit_return(debit=DirectDebit.objects.get(), reason="AM04", on=date(2026, 6, 18))
    assert ledger.balance(pair.buyer, pair.seller) == D("1200.00") + D("7.50")
    reopened = OpenItem.objects.filter(
        reference=invoice.number, kind="invoice", open_amount__gt=0
    ).get()
    assert reopened.due_date == date(2026, 6, 15)  # owed from the debit's day


def test_payment_idempotency_and_validation() -> None:
    pair = make_pair("electronics-wholesale")
    with clock.frozen(at(date(2026, 5, 4))):
        one = pay(pair, "10.00", "transfer", date(2026, 5, 4), "same")
        again = pay(pair, "10.00", "transfer", date(2026, 5, 4), "same")
        assert one.pk == again.pk
        from comptoir.core.errors import DomainError

        for kwargs, field in (
            ({"amount": "-1"}, "amount"),
            ({"amount": "1.005"}, "amount"),
            ({"method": "barter"}, "method"),
            ({"value_date": date(2026, 5, 5)}, "value_date"),
            ({"amount": "11.00", "idempotency_key": "same"}, "idempotency_key"),
        ):
            args = {
                "buyer": pair.buyer,
                "seller": pair.seller,
                "amount": "10.00",
                "method": "transfer",
                "value_date": date(2026, 5, 4),
                "idempotency_key": "other",
            } | kwargs
            with pytest.raises(DomainError) as err:
                payment_record(**args)
            assert err.value.field == field


def test_an_invoice_paid_meanwhile_is_not_debited() -> None:
    pair = make_pair("digital-goods")
    SepaCreditor.objects.create(seller=pair.seller, creditor_id="FR72ZZZ123456")
    paid = issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 1))
    half = issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 1))
    with clock.frozen(at(date(2026, 6, 1))):
        mandate_create(
            buyer=pair.buyer, seller=pair.seller, iban=fr_iban(), signed_on=date(2026, 5, 20)
        )
        for invoice in (paid, half):
            debit_schedule(
                open_item=OpenItem.objects.get(reference=invoice.number),
                collection_date=date(2026, 6, 1),
            )
        for invoice, amount in ((paid, "1200.00"), (half, "600.00")):
            pay(pair, amount, "transfer", date(2026, 6, 1), invoice.number, invoice.number)
        batch = debits_export(seller=pair.seller)
    assert batch is not None and batch.count == 1 and batch.total == D("600.00")
    assert DirectDebit.objects.filter(status="cancelled").count() == 1
