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


def test_credit_note_settles_the_credited_invoice_and_fec_letters_them(invoice, seller, buyer):
    """I5: the credit note is matched against the invoice it credits; the FEC letters both."""
    from comptoir.billing.exports import fec_rows
    from comptoir.ledger.models import Matching

    note = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk).pk)
    inv_item = OpenItem.objects.get(reference=invoice.number)
    note_item = OpenItem.objects.get(reference=note.number)
    assert inv_item.open_amount == D("0.00") and note_item.open_amount == D("0.00")
    assert Matching.objects.get().amount == D("91.48")
    rows = list(fec_rows(date_from=invoice.issue_date, date_to=note.issue_date))
    receivable = [r for r in rows if r[4] == "411000"]
    assert len(receivable) == 2
    assert receivable[0][13] == receivable[1][13] != ""  # the same lettrage code
    assert receivable[0][14] == receivable[1][14] != ""
    assert all(r[13] == "" for r in rows if r[4] != "411000")


def test_an_open_credit_note_is_deducted_from_the_next_invoice(invoice, seller, buyer):
    """I5: a credit note on an invoice already paid stays open and goes to the next invoice."""
    from comptoir.ledger.models import Account
    from comptoir.ledger.services import (
        OpenItemSpec,
        Posting,
        account_get,
        journal_entry_post,
        matching_create,
    )
    from tests.billing.conftest import make_draft

    receivable = account_get(party_id=buyer.pk, purpose=Account.Purpose.RECEIVABLE)
    bank = account_get(party_id=seller.pk, purpose=Account.Purpose.BANK)
    paid = D("91.48")
    entry = journal_entry_post(
        date=invoice.issue_date,
        label="Virement Boutique SARL",
        reference="VIR-1",
        journal="BQ",
        lines=[Posting(account=bank, debit=paid), Posting(account=receivable, credit=paid)],
        open_items=[
            OpenItemSpec(receivable, buyer.pk, seller.pk, "VIR-1", OpenItem.Kind.PAYMENT, -paid)
        ],
    )
    inv_item = OpenItem.objects.get(reference=invoice.number)
    matching_create(item_a_id=inv_item.pk, item_b_id=entry.open_items.get().pk, amount=paid)

    one = [LineInput("Retour article 1", "SKU-1", D(1), D("13.50"), D(20))]
    note = invoice_issue(invoice_id=credit_note_create(invoice_id=invoice.pk, lines=one).pk)
    note_item = OpenItem.objects.get(reference=note.number)
    assert note_item.open_amount == D("-16.20")  # nothing left to settle on the paid invoice

    following = invoice_issue(invoice_id=invoice_create(draft=make_draft(seller, buyer)).pk)
    note_item.refresh_from_db()
    assert note_item.open_amount == D("0.00")
    next_item = OpenItem.objects.get(reference=following.number)
    assert next_item.open_amount == following.total_incl_vat - D("16.20")
    assert queries.balance(buyer, seller) == following.total_incl_vat - D("16.20")
