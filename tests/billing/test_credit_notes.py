"""Credit notes (I5) and commission invoices (I8)."""

from datetime import datetime
from decimal import Decimal as D

import pytest

from comptoir.billing.models import Category, Kind, Status
from comptoir.billing.rules import LineInput
from comptoir.billing.services import (
    commission_invoice_create,
    credit_note_create,
    invoice_create,
    invoice_issue,
)
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.ledger import queries
from comptoir.ledger.models import Account, OpenItem
from tests.billing.conftest import make_draft, snapshot

P = Account.Purpose


@pytest.fixture(autouse=True)
def _clock():
    clock.freeze(datetime(2026, 11, 20, 10, 0))


@pytest.fixture
def invoice(seller, buyer):
    return invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)


def test_full_credit_note_cancels_the_invoice(invoice, seller, buyer):
    note = credit_note_create(invoice_id=invoice.pk, reason="commande annulée")
    assert note.kind == Kind.CREDIT_NOTE and note.status == Status.DRAFT
    assert note.credited_invoice_id == invoice.pk
    assert note.total_incl_vat == invoice.total_incl_vat == D("91.48")
    assert note.mentions[0]["text"] == (
        "Avoir relatif à la facture n° F-2026-000001 du 20/11/2026 : commande annulée."
    )
    note = invoice_issue(invoice_id=note.pk)
    assert note.number == "A-2026-000001"
    item = OpenItem.objects.get(reference=note.number)
    assert item.kind == "credit_note" and item.amount == D("-91.48")
    assert queries.balance(buyer, seller) == D("0.00")
    lines = {(x.account.purpose, x.debit, x.credit) for x in item.entry.lines.all()}
    assert (P.RECEIVABLE, D("0.00"), D("91.48")) in lines
    assert (P.VAT_COLLECTED, D("8.48"), D("0.00")) in lines
    with pytest.raises(DomainError) as err:
        credit_note_create(invoice_id=invoice.pk)
    assert err.value.code == "credit_exceeds_invoice"


def test_partial_credit_notes_never_exceed_what_remains(invoice):
    one = [LineInput("Retour article 1", "SKU-1", D(1), D("13.50"), D(20))]
    first = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=one).pk)
    assert first.total_incl_vat == D("16.20")
    second = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=one).pk)
    assert second.number == "A-2026-000002"
    # the 20 % base of the invoice (27.00) is now fully credited
    with pytest.raises(DomainError) as err:
        credit_note_create(invoice_id=invoice.pk, lines=one)
    assert err.value.code == "credit_exceeds_invoice"


def test_the_limit_is_checked_again_at_issue(invoice):
    one = [LineInput("Remise", "R", D(1), D("20.00"), D("5.5"))]
    a = credit_note_create(invoice_id=invoice.pk, lines=one)
    b = credit_note_create(invoice_id=invoice.pk, lines=one)
    c = credit_note_create(invoice_id=invoice.pk, lines=one)  # 3 × 20 > 56 base at 5.5 %
    invoice_issue(invoice_id=a.pk)
    invoice_issue(invoice_id=b.pk)
    with pytest.raises(DomainError):
        invoice_issue(invoice_id=c.pk)
    c.refresh_from_db()
    assert c.number is None


def test_only_issued_invoices_can_be_credited(seller, buyer, invoice):
    draft = invoice_create(draft=make_draft(seller, buyer))
    with pytest.raises(DomainError):
        credit_note_create(invoice_id=draft.pk)
    note = credit_note_create(invoice_id=invoice.pk)
    invoice_issue(invoice_id=note.pk)
    with pytest.raises(DomainError):
        credit_note_create(invoice_id=note.pk)


def test_commission_invoice_of_the_operator(operator, seller):
    inv = commission_invoice_create(
        operator=snapshot(operator),
        seller=snapshot(seller),
        order_number="C-2026-0042",
        order_total_incl_vat=D("1200.00"),
        shipping_incl_vat=D("24.00"),
        sale_date=clock.today(),
    )
    assert inv.category == Category.COMMISSION
    assert (inv.total_excl_vat, inv.total_vat, inv.total_incl_vat) == (
        D("183.60"),
        D("36.72"),
        D("220.32"),
    )
    inv = invoice_issue(invoice_id=inv.pk)
    assert inv.number == "F-2026-000001" and inv.issuer_id == operator.pk
    commission = Account.objects.get(party=operator, purpose=P.OPERATOR_COMMISSION)
    assert queries.account_balance(commission) == D("-183.60")
    assert queries.balance(seller, operator) == D("220.32")
