"""The statement of account says each line in the reader's language (payments.labels): the
entry's label stays the French record; `description` is rebuilt from the facts the payments
services store with the entry (`JournalEntry.data`), or from the billing document, and falls back
to the stored label for entries posted without facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.ledger.models import Account, JournalEntry, OpenItem
from comptoir.ledger.services import OpenItemSpec, Posting, accounts_get, journal_entry_post
from comptoir.payments import labels
from comptoir.payments.models import DirectDebit, Payout, SepaCreditor
from comptoir.payments.policy import payment_policy
from comptoir.payments.queries import StatementLine, statement_of_account
from comptoir.payments.services import (
    collection_run,
    debit_return,
    debit_schedule,
    debits_collect,
    debits_export,
    deposit_receive,
    mandate_create,
    payouts_export,
)
from comptoir.payments.services.card import card_payment_start, card_refund
from comptoir.payments.services.credit import deposit_return
from comptoir.payments.services.rebates import rebate_agreement_set, rebates_settle
from tests.parties.factories import make_marketplace_operator

from .conftest import Pair, at, fr_iban, issue, make_pair, pay

pytestmark = pytest.mark.django_db
P = Account.Purpose
ENDED = date(2026, 7, 1)


def _lines(buyer, seller, on: date, lang: str) -> list[StatementLine]:
    with translation.override(lang):
        return list(statement_of_account(buyer=buyer, seller=seller, on=on).lines)


def _said(buyer, seller, on: date, lang: str) -> list[tuple[str, str]]:
    return [(line.kind, line.description) for line in _lines(buyer, seller, on, lang)]


def _name(invoice: Invoice) -> str:
    return invoice.recipient_snapshot["name"]


def _entry(label_start: str) -> JournalEntry:
    return JournalEntry.objects.get(label__startswith=label_start)


# --- the lines of a late invoice, a resolution and a deposit --------------------------------------


@pytest.fixture
def resolved() -> tuple[Pair, Invoice]:
    """Selective-beauty terms: a deposit, an invoice unpaid until the sale is resolved (indemnity,
    interest, resolution indemnity), a payment, then the deposit set off and the rest returned."""
    pair = make_pair("selective-beauty")
    with clock.frozen(at(date(2026, 2, 1))):
        deposit_receive(
            buyer=pair.buyer, seller=pair.seller, amount="2000.00", received_on=date(2026, 2, 1)
        )
    invoice = issue(pair, on=date(2026, 3, 1), due=date(2026, 3, 16))
    for day in (date(2026, 3, 17), date(2026, 3, 31), date(2026, 4, 15), date(2026, 6, 30)):
        with clock.frozen(at(day)):
            collection_run(on=day)
    with clock.frozen(at(ENDED)):
        pay(pair, "200.00", "transfer", ENDED, "part-1", invoice.number or "")
        deposit_return(buyer=pair.buyer, seller=pair.seller, contract_ended_on=ENDED)
    return pair, invoice


def test_each_line_of_a_late_invoice_is_said_in_english(resolved) -> None:
    pair, invoice = resolved
    ref, dep = invoice.number, f"DEP-{pair.buyer.pk}-{pair.seller.pk}"
    clause = payment_policy(pair.seller, ENDED).clause("late_payment", "resolution")
    assert clause  # the preset names its article
    assert _said(pair.buyer, pair.seller, ENDED, "en") == [
        ("invoice", f"Invoice {ref} {_name(invoice)}"),
        ("fee", f"Fixed indemnity for recovery costs {ref} (C. com. D441-5, PT11)"),
        ("interest", f"Late-payment interest {ref} to 15/04/2026 (PT11)"),
        ("fee", f"Resolution indemnity of 15 % {ref} ({clause})"),
        ("interest", f"Late-payment interest {ref} to 01/07/2026 (PT11)"),
        ("payment", f"Payment {ref}"),
        ("payment", f"Security deposit set off {dep} (PT9)"),
    ]


def test_in_french_each_line_reads_as_its_stored_label(resolved) -> None:
    pair, invoice = resolved
    lines = _lines(pair.buyer, pair.seller, ENDED, "fr")
    dep = f"DEP-{pair.buyer.pk}-{pair.seller.pk}"
    for line in lines:
        if line.reference == dep:  # the stored "Règlement DEP-…" is said better
            assert line.label == f"Règlement {dep}"
            assert line.description == f"Imputation du dépôt de garantie {dep} (PT9)"
        else:
            assert line.description == line.label, line
    assert [line.description for line in lines][:3] == [
        f"Facture {invoice.number} {_name(invoice)}",
        f"Indemnité forfaitaire pour frais de recouvrement {invoice.number} (C. com. D441-5, PT11)",
        f"Intérêts de retard {invoice.number} au 15/04/2026 (PT11)",
    ]


def test_the_stored_labels_stay_french_whatever_the_readers_language(resolved) -> None:
    pair, invoice = resolved
    english = _lines(pair.buyer, pair.seller, ENDED, "en")
    french = _lines(pair.buyer, pair.seller, ENDED, "fr")
    assert [line.label for line in english] == [line.label for line in french]
    assert english[2].label == f"Intérêts de retard {invoice.number} au 15/04/2026 (PT11)"
    assert all(line.description != line.label for line in english)
    # the indemnity's explanation is known from its facts, in the reader's language
    assert english[1].explanation.startswith("40 € for each invoice paid late")
    assert french[1].explanation.startswith("40 € par facture payée en retard")


def test_deposit_received_and_returned_are_said_from_their_facts(resolved) -> None:
    """They move the deposit account, not the buyer's receivable: no line of the statement, but
    their entries say themselves in the reader's language too."""
    pair, _invoice = resolved
    name = pair.buyer.legal_name
    received, returned = _entry("Dépôt de garantie"), _entry("Restitution du dépôt")
    set_off = _entry("Imputation du dépôt")
    assert received.data == {"kind": "deposit", "name": name}
    expected = {
        "en": [
            f"Security deposit {name}",
            f"Return of the security deposit {name}",
            f"Security deposit set off DEP-{pair.buyer.pk}-{pair.seller.pk} (PT9)",
        ],
        "fr": [
            f"Dépôt de garantie {name}",
            f"Restitution du dépôt de garantie {name}",
            f"Imputation du dépôt de garantie DEP-{pair.buyer.pk}-{pair.seller.pk} (PT9)",
        ],
    }
    for lang, sentences in expected.items():
        with translation.override(lang):
            said = [labels.describe(e.data, e.label) for e in (received, returned, set_off)]
        assert said == sentences
    assert (received.label, returned.label) == (
        f"Dépôt de garantie {name}",
        f"Restitution du dépôt de garantie {name}",
    )


# --- direct debits, reminders, card refunds -------------------------------------------------------


def test_a_returned_debit_its_fee_and_a_reminder_fee() -> None:
    pair = make_pair("digital-goods")
    SepaCreditor.objects.create(
        seller=pair.seller, creditor_id="FR72ZZZ123456", return_fee=D("7.50")
    )
    invoice = issue(pair, on=date(2026, 6, 1), due=date(2026, 6, 1))
    with clock.frozen(at(date(2026, 6, 1))):
        mandate_create(
            buyer=pair.buyer, seller=pair.seller, iban=fr_iban(), signed_on=date(2026, 5, 20)
        )
        debit_schedule(
            open_item=OpenItem.objects.get(reference=invoice.number),
            collection_date=date(2026, 6, 1),
        )
        debits_export(seller=pair.seller)
    with clock.frozen(at(date(2026, 6, 15))):
        debits_collect(on=date(2026, 6, 15))
    day = date(2026, 6, 18)
    with clock.frozen(at(day)):
        debit_return(debit=DirectDebit.objects.get(), reason="AM04", on=day)
        collection_run(on=day)  # the reopened invoice is late: indemnity and first reminder
    ref = invoice.number
    clause = payment_policy(pair.seller, day).clause("late_payment", "reminder_fee")
    said = dict(enumerate(_said(pair.buyer, pair.seller, day, "en")))
    assert list(said.values()) == [
        ("invoice", f"Invoice {ref} {_name(invoice)}"),
        ("payment", f"Payment {ref}"),
        ("invoice", f"Payment returned or reversed {ref}"),
        ("fee", f"Returned direct debit fee AM04 {ref} (PT12)"),
        ("fee", f"Fixed indemnity for recovery costs {ref} (C. com. D441-5, PT11)"),
        ("fee", f"Reminder fee no. 1 {ref} ({clause})"),
    ]
    french = _lines(pair.buyer, pair.seller, day, "fr")
    assert [line.description for line in french] == [line.label for line in french]
    assert french[2].description == f"Rejet / annulation {ref}"
    assert french[5].description == f"Frais de relance n° 1 {ref} ({clause})"
    # the rejected debit's fee is explained by its own rule, not by the late-payment one
    assert french[3].explanation.startswith("PT12")


def test_a_card_payment_and_its_refund() -> None:
    pair = make_pair("monthly-intranet")
    day = date(2026, 6, 1)
    with clock.frozen(at(day)):
        card_payment_start(
            buyer=pair.buyer, seller=pair.seller, amount=D("120.00"), reference="C-1"
        )
        card_refund(reference="C-1", seller=pair.seller, reason="Rupture de stock")
    assert _said(pair.buyer, pair.seller, day, "en") == [
        ("payment", "Payment C-1"),
        ("payment", "Card refund C-1"),
    ]
    assert _said(pair.buyer, pair.seller, day, "fr") == [
        ("payment", "Règlement C-1"),
        ("payment", "Remboursement carte C-1"),
    ]


# --- rebates --------------------------------------------------------------------------------------


def test_a_quarters_rebate() -> None:
    pair = make_pair("selective-beauty")
    with clock.frozen(at(date(2026, 6, 20))):
        rebate_agreement_set(
            buyer=pair.buyer,
            seller=pair.seller,
            period_start=date(2026, 7, 1),
            tiers=[(D("0"), D("2"))],
        )
    invoice = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31))
    with clock.frozen(at(date(2026, 8, 20))):
        pay(pair, str(invoice.total_incl_vat), "transfer", date(2026, 8, 20), "q3")
    day = date(2026, 10, 2)
    with clock.frozen(at(day, 6)):
        assert rebates_settle(on=day) == 1
    english = dict(_said(pair.buyer, pair.seller, day, "en"))
    french = _lines(pair.buyer, pair.seller, day, "fr")
    assert english["credit_note"] == "Rebate 2026T3 (PT13)"
    [rebate] = [line for line in french if line.kind == "credit_note"]
    assert rebate.description == rebate.label == "Ristourne 2026T3 (PT13)"


# --- a marketplace seller's account with the operator (I8, PT14) ----------------------------------


def test_the_commission_deducted_from_a_payout_and_the_payout() -> None:
    pair = make_pair("marketplace")
    operator = make_marketplace_operator()
    operator.iban, operator.bic = fr_iban(), "BNPAFRPP"
    operator.save()
    day = date(2026, 12, 31)
    invoice = issue(pair, on=day, due=day)
    with clock.frozen(at(day)):
        pay(pair, "1200.00", "card", day, "card-1", invoice.number or "")
    with clock.frozen(at(day, 11)):
        payouts_export()
    payout = Payout.objects.select_related("commission_invoice").get()
    commission = payout.commission_invoice
    assert commission is not None
    number, e2e = commission.number, payout.end_to_end_id
    # the seller owes the operator the commission invoice, paid by the deduction
    assert _said(pair.seller, operator, day, "en") == [
        ("invoice", f"Invoice {number} {_name(commission)}"),
        ("payment", f"Commission {number} deducted from payout {e2e}"),
    ]
    french = _lines(pair.seller, operator, day, "fr")
    assert [line.description for line in french] == [line.label for line in french]
    assert french[1].description == f"Commission {number} déduite du reversement {e2e}"
    paid_out = JournalEntry.objects.get(reference=e2e, journal="BQ")
    with translation.override("en"):
        assert labels.describe(paid_out.data, paid_out.label) == (
            f"Payout to seller {pair.seller.legal_name}"
        )
    with translation.override("fr"):
        assert labels.describe(paid_out.data, paid_out.label) == paid_out.label


# --- entries without facts ------------------------------------------------------------------------


def _post_without_facts(pair: Pair, label: str, kind: str, reference: str, day: date) -> None:
    """An entry as posted before entries stored their facts: a label only."""
    accounts = accounts_get(
        wanted=[(pair.buyer.pk, P.RECEIVABLE), (pair.seller.pk, P.SELLER_REVENUE)]
    )
    receivable = accounts[(pair.buyer.pk, P.RECEIVABLE)]
    with clock.frozen(at(day)):
        journal_entry_post(
            date=day,
            label=label,
            reference=reference,
            lines=[
                Posting(account=receivable, debit=D("40.00")),
                Posting(account=accounts[(pair.seller.pk, P.SELLER_REVENUE)], credit=D("40.00")),
            ],
            open_items=[
                OpenItemSpec(
                    account=receivable,
                    party_id=pair.buyer.pk,
                    counterparty_id=pair.seller.pk,
                    reference=reference,
                    kind=kind,
                    amount=D("40.00"),
                    due_date=day,
                )
            ],
        )


def test_an_entry_without_facts_shows_its_stored_label() -> None:
    pair = make_pair("monthly-intranet")
    day = date(2026, 3, 20)
    old = "Indemnité forfaitaire pour frais de recouvrement F-OLD-1 (C. com. D441-5, PT11)"
    _post_without_facts(pair, old, OpenItem.Kind.FEE, "F-OLD-1", day)
    _post_without_facts(
        pair, "Intérêts de retard F-OLD-1 au 19/03/2026 (PT11)", "interest", "F-OLD-1", day
    )
    assert JournalEntry.objects.filter(data__isnull=True).count() == 2
    [fee, interest] = _lines(pair.buyer, pair.seller, day, "en")
    assert fee.description == fee.label == old
    assert interest.description == "Intérêts de retard F-OLD-1 au 19/03/2026 (PT11)"
    # the explanation of an indemnity posted before still says what it is
    assert fee.explanation.startswith("40 € for each invoice paid late")


def test_an_invoice_or_credit_without_a_billing_document_shows_its_stored_label() -> None:
    """A sales-journal credit with no facts and no document of that number (a rebate posted
    before facts were stored) is not said as a credit note."""
    pair = make_pair("monthly-intranet")
    day = date(2026, 3, 20)
    accounts = accounts_get(
        wanted=[(pair.buyer.pk, P.RECEIVABLE), (pair.seller.pk, P.SELLER_REVENUE)]
    )
    receivable = accounts[(pair.buyer.pk, P.RECEIVABLE)]
    with clock.frozen(at(day)):
        journal_entry_post(
            date=day,
            label="Ristourne 2026T1 (PT13)",
            reference="RIST-2026T1-9",
            journal="VE",
            lines=[
                Posting(account=accounts[(pair.seller.pk, P.SELLER_REVENUE)], debit=D("5.00")),
                Posting(account=receivable, credit=D("5.00")),
            ],
            open_items=[
                OpenItemSpec(
                    account=receivable,
                    party_id=pair.buyer.pk,
                    counterparty_id=pair.seller.pk,
                    reference="RIST-2026T1-9",
                    kind=OpenItem.Kind.CREDIT_NOTE,
                    amount=D("-5.00"),
                    due_date=day,
                )
            ],
        )
    [line] = _lines(pair.buyer, pair.seller, day, "en")
    assert line.description == line.label == "Ristourne 2026T1 (PT13)"


# --- the sentences themselves ---------------------------------------------------------------------

FACTS = [
    (
        labels.facts(labels.COLLECTION_COSTS, reference="F-1", clause="Art. 9"),
        "Collection costs F-1 (Art. 9)",
        "Frais de recouvrement F-1 (Art. 9)",
    ),
    (
        labels.facts(labels.TRANSFER_REFUND, reference="RB0000000001", rule="O17"),
        "Refund by transfer RB0000000001 (O17)",
        "Remboursement virement RB0000000001 (O17)",
    ),
    (
        labels.facts(labels.CARD_REFUND_CREDIT_NOTE, number="A-2026-000001"),
        "Card refund of credit note A-2026-000001",
        "Remboursement carte avoir A-2026-000001",
    ),
    (
        labels.facts(labels.FINANCING_FEE, partner="Finéo", reference="F-1"),
        "Financing partner's fee Finéo F-1",
        "Commission du financeur Finéo F-1",
    ),
    (
        labels.facts(
            labels.RESOLUTION_INDEMNITY, percent=D("7.50"), reference="F-1", clause="Art. 15"
        ),
        "Resolution indemnity of 7.5 % F-1 (Art. 15)",
        "Indemnité de résolution 7,5 % F-1 (Art. 15)",
    ),
    (
        labels.facts(labels.INTEREST, reference="F-1", on=date(2026, 11, 20)),
        "Late-payment interest F-1 to 20/11/2026 (PT11)",
        "Intérêts de retard F-1 au 20/11/2026 (PT11)",
    ),
]


@pytest.mark.parametrize(("data", "english", "french"), FACTS, ids=lambda v: str(v)[:30])
def test_each_kind_says_its_facts_in_both_languages(data, english, french) -> None:
    with translation.override("en"):
        assert labels.describe(data, "stored") == english
    with translation.override("fr"):
        assert labels.describe(data, "stored") == french


def test_facts_are_json_values_and_broken_facts_fall_back_to_the_stored_label() -> None:
    assert labels.facts(labels.INTEREST, reference="F-1", on=date(2026, 11, 20)) == {
        "kind": "interest",
        "reference": "F-1",
        "on": "2026-11-20",
    }
    with translation.override("en"):
        assert labels.describe(None, "Libellé") == "Libellé"
        assert labels.describe({}, "Libellé") == "Libellé"
        assert labels.describe({"kind": "unknown_kind", "reference": "X"}, "Libellé") == "Libellé"
        assert labels.describe({"kind": "interest", "reference": "F-1"}, "Libellé") == "Libellé"
        assert labels.describe({"kind": "interest", "reference": "F-1", "on": "hier"}, "L") == "L"
