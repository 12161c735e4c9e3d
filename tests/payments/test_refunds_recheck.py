"""Refunds by transfer checked again against the buyer's credit when they leave (O12, O17, I5):
at export a refund the credit no longer covers is held, not sent (not even in part), until the
seller releases or cancels it; a refund the bank paid beyond the credit is recorded paid and
flagged, the buyer owing the difference."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from lxml import etree

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.models import AuditEntry
from comptoir.ledger import queries as ledger
from comptoir.ordering.services import order_accept
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import Refund, StatementEntry
from comptoir.payments.rules import refund_beyond_credit, refunds_covered
from comptoir.payments.services import payment_record
from comptoir.payments.services.refunds import (
    buyer_credit,
    credit_refund_create,
    held_reason_text,
    refund_cancel,
    refund_mark_paid,
    refund_release,
    refunds_beyond_credit,
    refunds_export,
)
from comptoir.payments.services.statements import statement_import
from tests.ordering.conftest import Buyer, Shop, make_buyer, make_shop, place
from tests.parties.factories import make_user
from tests.payments.conftest import camt053

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=clock.PARIS)
TODAY = date(2026, 12, 3)
LATER = datetime(2026, 12, 8, 10, tzinfo=clock.PARIS)
SELLER_IBAN = "FR7630004000031234567890143"
BUYER_IBAN = "FR7610107001011234567890129"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
#: The invoice of one order below: (24 × 6.50 + 6 × 4.00) × 1.055.
INVOICE = Decimal("189.90")


def _shop() -> Shop:
    shop = make_shop(
        "monthly-intranet", [("MIEL-12", "6.50", 12, 1000), ("CONF-6", "4.00", 6, 1000)], vat="5.5"
    )
    shop.seller.iban = SELLER_IBAN
    shop.seller.save(update_fields=["iban"])
    return shop


@pytest.fixture
def shop() -> Shop:
    return _shop()


@pytest.fixture
def company() -> Buyer:
    return make_buyer("Épicerie Fine")


def _credit(shop: Shop, buyer: Buyer, amount: str, key: str) -> None:
    """An overpayment by transfer: a credit of the buyer with the seller."""
    with clock.frozen(NOW):
        payment_record(
            buyer=buyer.org,
            seller=shop.seller,
            amount=Decimal(amount),
            method="transfer",
            value_date=TODAY,
            idempotency_key=key,
            payer_iban=BUYER_IBAN,
        )


def _refund(shop: Shop, buyer: Buyer, amount: str, key: str = "credit") -> Refund:
    """The buyer's credit of `amount`, refunded on request (I5): a due refund with an IBAN."""
    _credit(shop, buyer, amount, f"{key}-{buyer.org.pk}")
    with clock.frozen(NOW):
        return credit_refund_create(seller=shop.seller, buyer=buyer.org, actor=shop.seller_user)


def _invoice(shop: Shop, buyer: Buyer):
    """A new invoice of the same seller to the buyer: it eats the buyer's credit."""
    with clock.frozen(NOW):
        order = place(shop, buyer, [("MIEL-12", 24), ("CONF-6", 6)])
        if order.state == "submitted":
            order = order_accept(actor=shop.seller_user, order_id=order.pk)
        with transaction.atomic():  # as ordering's callers run it
            order_invoice_issue(order)
    order.refresh_from_db()
    assert order.invoice.total_incl_vat == INVOICE
    return order


def _export(shop: Shop):
    with clock.frozen(NOW):
        return refunds_export(seller=shop.seller, actor=shop.seller_user)


def _ids_in(xml: bytes) -> list[str]:
    return etree.fromstring(xml).xpath("//p:EndToEndId/text()", namespaces=NS)


# --- the rule ---------------------------------------------------------------------------------


def test_the_credit_covers_refunds_in_due_order_whole_or_not_at_all():
    cover = refunds_covered(Decimal("100.00"), [(1, Decimal("80.00")), (2, Decimal("50.00"))])
    assert (cover.sent, cover.held, cover.left) == ((1,), ((2, Decimal("20.00")),), Decimal("20"))
    # the first one not covered is held whole and uses nothing: a later smaller one still goes
    cover = refunds_covered(Decimal("60.00"), [(1, Decimal("80.00")), (2, Decimal("50.00"))])
    assert (cover.sent, cover.held) == ((2,), ((1, Decimal("60.00")),))
    # a debt (negative credit) covers nothing; an exact fit is covered
    assert refunds_covered(Decimal("-5"), [(1, Decimal("1"))]).held == ((1, Decimal("0")),)
    assert refunds_covered(Decimal("1.00"), [(1, Decimal("1.00"))]).sent == (1,)
    assert refund_beyond_credit(Decimal("100"), Decimal("60.10")) == Decimal("39.90")
    assert refund_beyond_credit(Decimal("100"), Decimal("-89.90")) == Decimal("100")
    assert refund_beyond_credit(Decimal("100"), Decimal("100")) == Decimal("0")


# --- at export ----------------------------------------------------------------------------------


def test_a_refund_whose_credit_a_new_invoice_ate_is_held_not_exported(shop, company):
    refund = _refund(shop, company, "100.00")
    _invoice(shop, company)
    with pytest.raises(DomainError) as refused:
        _export(shop)
    assert (refused.value.code, refused.value.field, refused.value.rule) == (
        "refunds_held",
        "refunds",
        "I5",
    )
    assert refused.value.details == {"held": [refund.pk]}
    refund.refresh_from_db()  # the hold is kept although no file was made
    assert (refund.status, refund.held_reason, refund.held_credit) == (
        "held",
        "credit_short",
        Decimal("0.00"),
    )
    assert refund.held_at is not None and refund.message_id == "" and refund.exported_at is None
    assert "0,00\u00a0€" in held_reason_text(refund) and "(I5)" in held_reason_text(refund)
    audit = AuditEntry.objects.get(action="payments.refund_held", object_id=str(refund.pk))
    assert audit.data["reason"] == "credit_short" and audit.data["rule"] == "I5"
    assert not AuditEntry.objects.filter(action="payments.refunds_exported").exists()
    # a held refund is still owed: it keeps its share, a second refund is refused
    with clock.frozen(NOW), pytest.raises(DomainError) as pending:
        credit_refund_create(seller=shop.seller, buyer=company.org, actor=shop.seller_user)
    assert pending.value.code in ("credit_refund_pending", "no_credit")
    # a later export does not send it on its own: nothing due is left
    with pytest.raises(DomainError) as again:
        _export(shop)
    assert again.value.code == "nothing_to_export"


def test_a_refund_the_credit_covers_only_in_part_is_held_whole(shop, company):
    refund = _refund(shop, company, "250.00")
    _invoice(shop, company)
    with clock.frozen(NOW):
        assert buyer_credit(buyer=company.org, seller=shop.seller) == Decimal("0.00")
    with pytest.raises(DomainError):
        _export(shop)
    refund.refresh_from_db()
    assert refund.status == "held" and refund.amount == Decimal("250.00")  # no partial transfer
    assert refund.held_credit == Decimal("250.00") - INVOICE == Decimal("60.10")
    text = held_reason_text(refund)  # amounts as the other pages print them (French by default)
    assert "60,10\u00a0€" in text and "250,00\u00a0€" in text


def test_two_buyers_in_one_export_one_covered_one_held(shop, company):
    other = make_buyer("Cave du Port")
    covered = _refund(shop, company, "100.00")
    short = _refund(shop, other, "100.00")
    _invoice(shop, other)
    done = _export(shop)
    assert [r.pk for r in done.refunds] == [covered.pk] and done.total == Decimal("100.00")
    assert [r.pk for r in done.held] == [short.pk]
    assert _ids_in(done.xml) == [covered.end_to_end_id]
    covered.refresh_from_db()
    short.refresh_from_db()
    assert (covered.status, short.status) == ("exported", "held")
    audit = AuditEntry.objects.get(action="payments.refunds_exported")
    assert audit.data["refunds"] == [covered.pk] and audit.data["held"] == [short.pk]


def test_refunds_already_sent_to_the_bank_hold_their_share_of_the_credit(shop, company):
    due = _refund(shop, company, "100.00")
    with clock.frozen(NOW):  # another refund of 60 in a file sent earlier, not paid yet
        Refund.objects.create(
            buyer=company.org,
            seller=shop.seller,
            amount=Decimal("60.00"),
            reference="CMD-EARLIER",
            rule="O12",
            source_key="O12:CMD-EARLIER",
            creditor_name="Épicerie Fine",
            creditor_iban=BUYER_IBAN,
            due_on=TODAY,
            status="exported",
            end_to_end_id="RB0000099999",
            created_at=clock.now(),
            exported_at=clock.now(),
        )
    with pytest.raises(DomainError):
        _export(shop)
    due.refresh_from_db()
    assert (due.status, due.held_credit) == ("held", Decimal("40.00"))


def test_a_released_refund_is_checked_again_at_the_next_export(shop, company):
    refund = _refund(shop, company, "100.00")
    order = _invoice(shop, company)
    with pytest.raises(DomainError):
        _export(shop)
    stranger, other = make_user(), _shop()
    with clock.frozen(NOW):
        with pytest.raises(DomainError) as denied:
            refund_release(seller=shop.seller, refund=refund, actor=stranger)
        assert denied.value.code in ("permission_denied", "not_found")
        with pytest.raises(NotFound):
            refund_release(seller=other.seller, refund=refund, actor=other.seller_user)
        released = refund_release(seller=shop.seller, refund=refund.pk, actor=shop.seller_user)
    assert (released.status, released.held_reason, released.held_credit) == ("due", "", None)
    audit = AuditEntry.objects.get(action="payments.refund_released", object_id=str(refund.pk))
    assert audit.data["reason"] == "credit_short" and audit.data["credit"] == "0.00"
    with clock.frozen(NOW), pytest.raises(DomainError) as not_held:
        refund_release(seller=shop.seller, refund=refund, actor=shop.seller_user)
    assert (not_held.value.code, not_held.value.rule) == ("refund_not_held", "I5")
    # still not covered: held again
    with pytest.raises(DomainError):
        _export(shop)
    refund.refresh_from_db()
    assert refund.status == "held"
    # the buyer pays its invoice: the credit is back; released, the refund goes
    with clock.frozen(NOW):
        payment_record(
            buyer=company.org,
            seller=shop.seller,
            amount=INVOICE,
            method="transfer",
            value_date=TODAY,
            idempotency_key="invoice-paid",
            reference=order.invoice.number,
            payer_iban=BUYER_IBAN,
        )
        refund_release(seller=shop.seller, refund=refund, actor=shop.seller_user)
    done = _export(shop)
    assert [r.pk for r in done.refunds] == [refund.pk] and done.held == []
    refund.refresh_from_db()
    assert refund.status == "exported"


def test_a_held_refund_is_cancelled_and_the_credit_stays(shop, company):
    refund = _refund(shop, company, "250.00")
    _invoice(shop, company)
    with pytest.raises(DomainError):
        _export(shop)
    with clock.frozen(NOW):
        done = refund_cancel(
            seller=shop.seller,
            refund=refund,
            actor=shop.seller_user,
            reason="Déduit de la facture.",
        )
        assert buyer_credit(buyer=company.org, seller=shop.seller) == Decimal("60.10")
    audit = AuditEntry.objects.get(action="payments.refund_cancelled", object_id=str(refund.pk))
    assert done.status == "cancelled" and audit.data["was"] == "held"


def test_no_seller_iban_refuses_before_holding_anything(shop, company):
    refund = _refund(shop, company, "100.00")
    _invoice(shop, company)
    shop.seller.iban = ""
    shop.seller.save(update_fields=["iban"])
    with pytest.raises(DomainError) as refused:
        _export(shop)
    assert refused.value.code == "seller_iban_missing"
    refund.refresh_from_db()
    assert refund.status == "due"


# --- at payment ---------------------------------------------------------------------------------


def _debit(refund: Refund, ref: str = "BK-1") -> bytes:
    entry = {"amount": f"-{refund.amount}", "date": "2026-12-07", "ref": ref}
    return camt053(SELLER_IBAN, [{**entry, "e2e": refund.end_to_end_id, "remittance": "RB"}])


def _import(shop: Shop, data: bytes) -> None:
    with clock.frozen(LATER):
        statement_import(data=data, filename="releve.xml", seller=shop.seller, actor=None)


def test_the_statement_pays_a_refund_beyond_the_credit_paid_and_flagged(shop, company):
    refund = _refund(shop, company, "250.00")
    _export(shop)  # covered then: sent to the bank
    _invoice(shop, company)  # the credit shrinks to 60.10 while the transfer runs
    _import(shop, _debit(refund))
    refund.refresh_from_db()
    assert (refund.status, refund.paid_on) == ("paid", date(2026, 12, 7))
    assert refund.beyond_credit == Decimal("250.00") - Decimal("60.10") == INVOICE
    entry = StatementEntry.objects.get()
    assert entry.status == StatementEntry.Status.MATCHED  # the refund is known and paid
    assert "189,90\u00a0€ au-delà" in entry.note and "I5" in entry.note
    audit = AuditEntry.objects.get(
        action="payments.refund_paid_beyond_credit", object_id=str(refund.pk)
    )
    assert audit.data["beyond_credit"] == "189.90" and audit.data["source"] == "statement"
    assert audit.data["credit"] == "60.10"
    assert list(refunds_beyond_credit(seller_id=shop.seller.pk)) == [refund]
    # the buyer now owes the difference: its invoice, no longer covered by the credit
    assert ledger.balance(company.org, shop.seller) == INVOICE


def test_a_refund_paid_by_hand_beyond_a_debt_is_flagged_all_of_it(shop, company):
    refund = _refund(shop, company, "100.00")
    _invoice(shop, company)
    with clock.frozen(NOW):
        paid = refund_mark_paid(seller=shop.seller, refund=refund, actor=shop.seller_user)
    assert paid.status == "paid" and paid.beyond_credit == Decimal("100.00")
    assert ledger.balance(company.org, shop.seller) == INVOICE
    assert AuditEntry.objects.filter(action="payments.refund_paid_beyond_credit").count() == 1


def test_a_refund_paid_within_the_credit_is_not_flagged(shop, company):
    refund = _refund(shop, company, "100.00")
    _export(shop)
    _import(shop, _debit(refund))
    refund.refresh_from_db()
    assert (refund.status, refund.beyond_credit) == ("paid", Decimal("0.00"))
    assert StatementEntry.objects.get().note == f"Remboursement {refund.end_to_end_id} payé"
    assert not AuditEntry.objects.filter(action="payments.refund_paid_beyond_credit").exists()
    assert list(refunds_beyond_credit(seller_id=shop.seller.pk)) == []


# --- two exports at once (PostgreSQL) -----------------------------------------------------------


@pytest.mark.postgres_only
def test_two_exports_at_once_send_each_refund_once(transactional_db):
    shop, first, second = _shop(), make_buyer("Cave A"), make_buyer("Cave B")
    refunds = [_refund(shop, first, "100.00"), _refund(shop, second, "80.00")]
    _invoice(shop, second)  # second's refund is held by whichever export runs first
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def work() -> None:
        try:
            barrier.wait()
            with clock.frozen(NOW):
                outcomes.append(refunds_export(seller=shop.seller, actor=shop.seller_user))
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    files = [o for o in outcomes if not isinstance(o, str)]
    assert len(files) == 1 and sorted(o for o in outcomes if isinstance(o, str)) == [
        "nothing_to_export"
    ]
    assert [r.pk for r in files[0].refunds] == [refunds[0].pk]  # type: ignore[attr-defined]
    statuses = dict(Refund.objects.values_list("pk", "status"))
    assert statuses == {refunds[0].pk: "exported", refunds[1].pk: "held"}
    assert AuditEntry.objects.filter(action="payments.refund_held").count() == 1
