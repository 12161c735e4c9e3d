"""Refunds by transfer, the remaining cases: what a consumer's credit note leaves (O17, I5), a
B2B buyer's credit refunded on request (I5), a refund paid from the bank's statement debit, and
the cancellation of a refund not paid yet."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult

from comptoir.billing.models import Invoice
from comptoir.billing.rules import LineInput
from comptoir.billing.services import credit_note_create, invoice_issue
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries as ledger
from comptoir.ordering.services import order_accept, order_withdraw
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import Refund, StatementEntry
from comptoir.payments.services import payment_record, prepayment_record
from comptoir.payments.services.refunds import (
    buyer_credit,
    credit_note_refunds_missed,
    credit_note_transfer_refund,
    credit_refund_create,
    refund_cancel,
    refund_mark_paid,
    refunds_export,
)
from comptoir.payments.services.statements import statement_import
from comptoir.payments.tasks import refund_credit_note_on_card
from comptoir.terms.loader import preset_text
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place
from tests.parties.factories import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)
TODAY = date(2026, 12, 3)
LATER = datetime(2026, 12, 8, 10, tzinfo=clock.PARIS)
SELLER_IBAN = "FR7630004000031234567890143"

CARD = """
[[payment.options]]
id = "card"
method = "card"
label = "Carte à la commande"
due = { basis = "order", convention = "immediate" }
clause = { article = "Art. 4", text = "Paiement comptant par carte à la commande." }
"""


@pytest.fixture
def jars() -> Shop:
    """Seed 001 (consumers allowed, 14 days) with a card option added by the seller."""
    source = preset_text("monthly-intranet").replace(
        "\n[payment.counts_as_paid]", CARD + "\n[payment.counts_as_paid]", 1
    )
    shop = make_shop(
        "monthly-intranet",
        [("MIEL-12", "6.50", 12, 1000), ("CONF-6", "4.00", 6, 1000)],
        vat="5.5",
        source=source,
    )
    shop.seller.iban = SELLER_IBAN
    shop.seller.save(update_fields=["iban"])
    return shop


@pytest.fixture
def person() -> Buyer:
    return make_buyer(person=True)


@pytest.fixture
def company() -> Buyer:
    return make_buyer()


def _invoiced(shop: Shop, buyer: Buyer, *, consumer: bool = True, **kw):
    order = place(shop, buyer, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=consumer, **kw)
    if order.state == "submitted":
        order = order_accept(actor=shop.seller_user, order_id=order.pk)
    return order_invoice_issue(order)


def _pay_invoice(shop: Shop, buyer: Buyer, order, key: str = "pay-1") -> None:
    order.refresh_from_db()
    payment_record(
        buyer=buyer.org,
        seller=shop.seller,
        amount=order.invoice.total_incl_vat,
        method="transfer",
        value_date=TODAY,
        idempotency_key=key,
        reference=order.invoice.number,
        payer_iban="FR7610107001011234567890129",
    )


def _task_ids() -> list[int]:
    return [
        t.args_kwargs["args"][0]
        for t in DBTaskResult.objects.filter(task_path=refund_credit_note_on_card.module_path)
    ]


# --- 1. a consumer's credit note on an invoice paid by transfer (O17) ----------------------------


def test_a_consumer_credit_note_on_a_paid_invoice_is_owed_back_by_transfer_once(
    jars, person, django_capture_on_commit_callbacks
):
    with clock.frozen(NOW):
        order = _invoiced(jars, person)
        _pay_invoice(jars, person, order)
        assert ledger.balance(person.org, jars.seller) == Decimal("0.00")
        line = order.lines.get(sku="CONF-6")
        with django_capture_on_commit_callbacks(execute=True):
            order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
        note = Invoice.objects.get(kind="credit_note", credited_invoice=order.invoice)
        assert not Refund.objects.exists()  # the issue only enqueues the reaction
        assert _task_ids() == [note.pk]
        assert refund_credit_note_on_card.call(note.pk) == "transfer:due"
        assert refund_credit_note_on_card.call(note.pk) == "transfer:due"  # twice: once
    refund = Refund.objects.get()
    assert (refund.amount, refund.rule, refund.source_key, refund.reference) == (
        Decimal("25.32"),
        "O17",
        f"AV:{note.number}",
        order.number,
    )
    assert refund.due_on == date(2026, 12, 17)  # 14 days after the withdrawal (L221-24)
    assert refund.creditor_iban == "FR7610107001011234567890129"  # where the money came from
    assert note.number in refund.reason
    # paid: the credit note's credit is used up, the consumer's balance back to zero
    with clock.frozen(LATER):
        refund_mark_paid(seller=jars.seller, refund=refund, actor=jars.seller_user)
    assert ledger.balance(person.org, jars.seller) == Decimal("0.00")
    assert ledger.open_items(person.org, jars.seller).exclude(open_amount=0).count() == 0
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_a_lost_refund_task_is_made_up_by_the_sweep_once(jars, person):
    """Nothing lost: the task of a consumer's credit note never ran (the worker died); the
    sweep `payments.credit_note_refunds` creates the refund, once (O17)."""
    with clock.frozen(NOW):
        order = _invoiced(jars, person)
        _pay_invoice(jars, person, order)
        line = order.lines.get(sku="CONF-6")
        order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])  # task not run
        assert not Refund.objects.exists()
        assert credit_note_refunds_missed(until=clock.now()) == 1
        assert credit_note_refunds_missed(until=clock.now()) == 0
    assert Refund.objects.get().amount == Decimal("25.32")


def test_a_consumer_credit_note_on_an_unpaid_invoice_leaves_nothing_to_refund(jars, person):
    with clock.frozen(NOW):
        order = _invoiced(jars, person)
        line = order.lines.get(sku="CONF-6")
        order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
        note = Invoice.objects.get(kind="credit_note", credited_invoice=order.invoice)
        assert credit_note_transfer_refund(credit_note=note) is None
        assert refund_credit_note_on_card.call(note.pk) == "none"
    assert not Refund.objects.exists()


def test_a_prepaid_consumer_order_withdrawn_after_the_invoice_is_refunded_once(jars, person):
    """The prepayment settled the invoice: the withdrawal finds no payment credit, the credit
    note makes the refund; a prepayment refund owed for the same sums holds its share."""
    with clock.frozen(NOW):
        order = place(jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True)
        prepayment_record(
            buyer=person.org,
            seller=jars.seller,
            reference=order.number,
            amount=order.total_incl_vat,
            method="transfer",
            on=TODAY,
            idempotency_key="consumer-prepaid",
        )
        if order.state == "submitted":
            order = order_accept(actor=jars.seller_user, order_id=order.pk)
        order = order_invoice_issue(order)
        assert ledger.balance(person.org, jars.seller) == Decimal("0.00")
        line = order.lines.get(sku="CONF-6")
        order_withdraw(actor=person.user, order_id=order.pk, lines=[line.pk])
        note = Invoice.objects.get(kind="credit_note", credited_invoice=order.invoice)
        refund_credit_note_on_card.call(note.pk)
        refund_credit_note_on_card.call(note.pk)
    assert sum(r.amount for r in Refund.objects.all()) == Decimal("25.32")
    assert buyer_credit(buyer=person.org, seller=jars.seller) == Decimal("0.00")


def test_a_card_paid_consumer_credit_note_keeps_the_card_path(jars, person):
    with clock.frozen(NOW):
        order = place(
            jars, person, [("MIEL-12", 24), ("CONF-6", 6)], as_consumer=True, payment_method="card"
        )
        if order.state == "submitted":
            order = order_accept(actor=jars.seller_user, order_id=order.pk)
        order = order_invoice_issue(order)
        invoice = order.invoice
        lines = [LineInput("Retour", "CONF-6", Decimal(6), Decimal("4.00"), Decimal("5.5"))]
        note = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=lines).pk)
        assert credit_note_transfer_refund(credit_note=note) is None
        assert refund_credit_note_on_card.call(note.pk) == "succeeded"
    assert not Refund.objects.exists()


def test_a_b2b_credit_note_stays_on_the_account(jars, company, django_capture_on_commit_callbacks):
    with clock.frozen(NOW):
        order = _invoiced(jars, company, consumer=False)
        _pay_invoice(jars, company, order)
        lines = [LineInput("Retour", "CONF-6", Decimal(6), Decimal("4.00"), Decimal("5.5"))]
        with django_capture_on_commit_callbacks(execute=True):
            note = invoice_issue(
                invoice_id=credit_note_create(invoice_id=order.invoice.pk, lines=lines).pk
            )
        assert _task_ids() == []  # no reaction for a B2B credit note not paid by card
        assert refund_credit_note_on_card.call(note.pk) == "none"
        assert credit_note_transfer_refund(credit_note=note.pk) is None
    assert not Refund.objects.exists()
    assert ledger.balance(company.org, jars.seller) == Decimal("-25.32")  # deducted later (F10)


# --- 2. a B2B buyer's credit refunded on request (I5) --------------------------------------------


def _credit(shop: Shop, buyer: Buyer, amount: str = "100.00", key: str = "over-1") -> None:
    """An overpayment: money received with nothing to settle, a credit of the buyer."""
    with clock.frozen(NOW):
        payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=Decimal(amount),
            method="transfer",
            value_date=TODAY,
            idempotency_key=key,
            payer_iban="FR7610107001011234567890129",
        )


def test_a_seller_refunds_a_b2b_credit_on_request(jars, company):
    _credit(jars, company)
    with clock.frozen(NOW):
        assert buyer_credit(buyer=company.org, seller=jars.seller) == Decimal("100.00")
        refund = credit_refund_create(
            seller=jars.seller, buyer=company.org, actor=jars.seller_user, amount=Decimal("60")
        )
        assert (refund.rule, refund.amount, refund.status) == ("I5", Decimal("60"), "due")
        assert refund.due_on == date(2026, 12, 17) and refund.source_key.startswith("I5:")
        assert refund.creditor_iban == "FR7610107001011234567890129"
        assert buyer_credit(buyer=company.org, seller=jars.seller) == Decimal("40.00")
        # a second one while the first is owed: refused
        with pytest.raises(DomainError) as pending:
            credit_refund_create(seller=jars.seller, buyer=company.org, actor=jars.seller_user)
        assert (pending.value.code, pending.value.rule) == ("credit_refund_pending", "I5")
    with clock.frozen(LATER):
        refund_mark_paid(seller=jars.seller, refund=refund, actor=jars.seller_user)
        rest = credit_refund_create(seller=jars.seller, buyer=company.org, actor=jars.seller_user)
    assert rest.amount == Decimal("40.00")  # default: all that is left
    assert AuditEntry.objects.filter(action="payments.refund_due", object_id=str(rest.pk))


def test_a_credit_refund_above_the_credit_or_without_credit_is_refused(jars, company):
    with clock.frozen(NOW), pytest.raises(NotFound):  # not a customer of the seller
        credit_refund_create(seller=jars.seller, buyer=company.org, actor=jars.seller_user)
    _credit(jars, company, "50.00")
    with clock.frozen(NOW):
        for bad, code in (
            (Decimal("50.01"), "amount_above_credit"),
            (Decimal("0"), "invalid_amount"),
            (Decimal("-5"), "invalid_amount"),
            (Decimal("1.005"), "invalid_amount"),
        ):
            with pytest.raises(DomainError) as refused:
                credit_refund_create(
                    seller=jars.seller, buyer=company.org, actor=jars.seller_user, amount=bad
                )
            assert (refused.value.code, refused.value.field, refused.value.rule) == (
                code,
                "amount",
                "I5",
            )
    assert not Refund.objects.exists()


def test_a_credit_refund_needs_the_right_and_nets_open_debts(jars, company):
    _credit(jars, company, "50.00")
    stranger = make_user()
    with clock.frozen(NOW):
        with pytest.raises(DomainError) as denied:
            credit_refund_create(seller=jars.seller, buyer=company.org, actor=stranger)
        assert denied.value.code in ("permission_denied", "not_found")
        # an invoice issued since: the credit settles it, nothing is left to refund
        order = _invoiced(jars, company, consumer=False)
        order.refresh_from_db()
        assert order.invoice.total_incl_vat > Decimal("50.00")
        assert buyer_credit(buyer=company.org, seller=jars.seller) == Decimal("0.00")
        with pytest.raises(DomainError) as none:
            credit_refund_create(seller=jars.seller, buyer=company.org, actor=jars.seller_user)
        assert none.value.code == "no_credit"


# --- 4. cancelling a refund --------------------------------------------------------------------


def _due_refund(shop: Shop, buyer: Buyer, amount: str = "100.00") -> Refund:
    _credit(shop, buyer, amount, key=f"credit-{amount}")
    with clock.frozen(NOW):
        return credit_refund_create(seller=shop.seller, buyer=buyer.org, actor=shop.seller_user)


def test_a_due_or_exported_refund_is_cancelled_with_a_reason_and_the_credit_stays(jars, company):
    refund = _due_refund(jars, company)
    with clock.frozen(NOW):
        with pytest.raises(DomainError) as no_reason:
            refund_cancel(seller=jars.seller, refund=refund, actor=jars.seller_user, reason="  ")
        assert (no_reason.value.code, no_reason.value.field) == ("reason_required", "reason")
        refunds_export(seller=jars.seller, actor=jars.seller_user)
        done = refund_cancel(
            seller=jars.seller,
            refund=refund.pk,
            actor=jars.seller_user,
            reason="Le client garde son avoir.",
        )
    assert (done.status, done.cancel_reason, done.cancelled_by) == (
        "cancelled",
        "Le client garde son avoir.",
        jars.seller_user,
    )
    assert ledger.balance(company.org, jars.seller) == Decimal("-100.00")  # the credit stays
    assert buyer_credit(buyer=company.org, seller=jars.seller) == Decimal("100.00")
    audit = AuditEntry.objects.get(action="payments.refund_cancelled", object_id=str(refund.pk))
    assert audit.data["was"] == "exported"
    with clock.frozen(NOW), pytest.raises(DomainError) as twice:
        refund_cancel(seller=jars.seller, refund=refund, actor=jars.seller_user, reason="x")
    assert twice.value.code == "refund_cancelled"
    with clock.frozen(NOW), pytest.raises(DomainError) as pay:
        refund_mark_paid(seller=jars.seller, refund=refund, actor=jars.seller_user)
    assert pay.value.code == "refund_cancelled"
    # the credit can be refunded again on request
    with clock.frozen(NOW):
        again = credit_refund_create(seller=jars.seller, buyer=company.org, actor=jars.seller_user)
    assert again.amount == Decimal("100.00")


def test_a_paid_refund_or_another_sellers_is_not_cancelled(jars, company):
    refund = _due_refund(jars, company)
    other = make_shop("monthly-intranet", [("X-1", "1.00", 1, 1)])
    with clock.frozen(NOW):
        with pytest.raises(NotFound):
            refund_cancel(seller=other.seller, refund=refund, actor=other.seller_user, reason="x")
        refund_mark_paid(seller=jars.seller, refund=refund, actor=jars.seller_user)
        with pytest.raises(DomainError) as paid:
            refund_cancel(seller=jars.seller, refund=refund, actor=jars.seller_user, reason="x")
    assert (paid.value.code, paid.value.rule) == ("refund_already_paid", "I5")
    refund.refresh_from_db()
    assert refund.status == "paid" and refund.cancelled_at is None


# --- 3. the bank's debit marks the refund paid --------------------------------------------------


def _camt(entries: list[tuple[str, str, str, str]], iban: str = SELLER_IBAN) -> bytes:
    """A CAMT.053 with debits: (bank reference, amount, end-to-end id, remittance)."""
    body = "".join(
        f"""<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-07</Dt></BookgDt><ValDt><Dt>2026-12-07</Dt></ValDt>
<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>
<RltdPties><Cdtr><Nm>Acheteur</Nm></Cdtr></RltdPties>
<RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        for ref, amount, e2e, text in entries
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-RB</MsgId><CreDtTm>2026-12-08T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-RB-1</Id><CreDtTm>2026-12-08T08:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{body}</Stmt></BkToCstmrStmt></Document>""".encode()


def _import(data: bytes, shop: Shop):
    with clock.frozen(LATER):
        return statement_import(
            data=data, filename="releve.xml", seller=shop.seller, actor=shop.seller_user
        )


def test_a_statement_debit_naming_an_exported_refund_marks_it_paid_once(jars, company):
    refund = _due_refund(jars, company)
    with clock.frozen(NOW):
        refunds_export(seller=jars.seller, actor=jars.seller_user)
    data = _camt(
        [
            ("BK-1", "100.00", refund.end_to_end_id, "Remboursement"),
            ("BK-2", "42.00", "RB0999999999", "Remboursement inconnu"),
            ("BK-3", "12.00", "NOTPROVIDED", "Frais bancaires"),
        ]
    )
    _import(data, jars)
    refund.refresh_from_db()
    assert (refund.status, refund.paid_on, refund.paid_by) == ("paid", date(2026, 12, 7), None)
    entries = {e.bank_reference: e for e in StatementEntry.objects.all()}
    assert entries["BK-1"].status == StatementEntry.Status.MATCHED
    assert entries["BK-2"].status == StatementEntry.Status.REVIEW  # unknown refund id
    assert "RB0999999999" in entries["BK-2"].note
    assert entries["BK-3"].status == StatementEntry.Status.IGNORED  # a plain debit, as before
    assert ledger.balance(company.org, jars.seller) == Decimal("0.00")
    audit = AuditEntry.objects.get(action="payments.refund_paid", object_id=str(refund.pk))
    assert audit.data["source"] == "statement"
    # the same statement again: nothing changes
    journal = ledger.journal_totals()
    _import(data, jars)
    assert StatementEntry.objects.count() == 3
    assert ledger.journal_totals() == journal
    assert AuditEntry.objects.filter(action="payments.refund_paid").count() == 1


def test_a_debit_naming_a_refund_paid_by_hand_is_matched_without_posting_twice(jars, company):
    refund = _due_refund(jars, company)
    with clock.frozen(NOW):
        refund_mark_paid(seller=jars.seller, refund=refund, actor=jars.seller_user)
    journal = ledger.journal_totals()
    # the id only in the remittance text this time (the bank lost the EndToEndId)
    _import(_camt([("BK-9", "100.00", "NOTPROVIDED", f"VIR {refund.end_to_end_id}")]), jars)
    entry = StatementEntry.objects.get()
    assert entry.status == StatementEntry.Status.MATCHED and "déjà payé" in entry.note
    assert ledger.journal_totals() == journal
    refund.refresh_from_db()
    assert refund.paid_on == TODAY  # the day said by hand stays


def test_a_debit_of_another_amount_or_of_another_sellers_refund_waits_for_review(jars, company):
    refund = _due_refund(jars, company)
    other = make_shop("monthly-intranet", [("X-1", "1.00", 1, 1)])
    _import(_camt([("BK-5", "99.00", refund.end_to_end_id, "")]), jars)
    other.seller.iban = "FR7630006000011234567890189"
    other.seller.save(update_fields=["iban"])
    other_data = _camt([("BK-6", "100.00", refund.end_to_end_id, "")], iban=other.seller.iban)
    _import(other_data, other)
    refund.refresh_from_db()
    assert refund.status == "due"
    assert set(StatementEntry.objects.values_list("status", flat=True)) == {
        StatementEntry.Status.REVIEW
    }


def test_an_mt940_debit_carries_the_refund_id_as_a_camt_one_does():
    """MT940: a `D` line is a negative amount and `EREF+` its end-to-end id; the import reads a
    refund id there, else in the text; another prefix or length is not a refund."""
    from comptoir.payments.formats import parse_mt940
    from comptoir.payments.services.refunds import refund_id_in

    data = (
        b":20:STMT\n:25:FR7630004000031234567890143\n:28C:1\n:60F:C261206EUR500,00\n"
        b":61:2612071207D100,00NTRFNONREF//BK-MT-1\n"
        b":86:166?20EREF+RB0000000042?21SVWZ+Remboursement CMD-1?32ACHETEUR\n"
        b":62F:C261207EUR400,00\n-"
    )
    [statement] = parse_mt940(data)
    [line] = statement.lines
    assert line.amount == Decimal("-100.00") and line.end_to_end_id == "RB0000000042"
    assert refund_id_in(line.end_to_end_id, line.reference) == "RB0000000042"
    assert refund_id_in("NOTPROVIDED", "vir rb0000000007 merci") == "RB0000000007"
    assert refund_id_in("", "RB00000000071 ou XRB0000000007") == ""
