"""The collection sweep charges a consumer's invoice none of the B2B charges (O17): no 40 €
recovery indemnity (C. com. L441-10 and D441-5 apply between professionals), on both ways a case
opens (PT11), no reminder fees nor penalty interest [004 §8.10], only the legal interest from the
formal notice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comptoir.billing.models import Invoice
from comptoir.billing.rules import DocumentDraft, LineInput
from comptoir.billing.services import invoice_create, invoice_issue
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.ledger.models import JournalEntry
from comptoir.payments.models import FormalNotice, LateCase
from comptoir.payments.services import cases_open, collection_run
from comptoir.payments.services.notices import notice_render

from .conftest import Pair, at, make_pair

pytestmark = pytest.mark.django_db


def _issue(pair: Pair, *, consumer: bool) -> Invoice:
    draft = DocumentDraft(
        issuer=party_snapshot(pair.seller),
        recipient=party_snapshot(pair.buyer),
        lines=(LineInput("Miel", "MIEL-12", Decimal(1), Decimal("100.00"), Decimal("5.5")),),
        sale_date=date(2026, 3, 1),
        due_date=date(2026, 3, 16),
        consumer=consumer,
    )
    with clock.frozen(at(date(2026, 3, 1), 9)):
        invoice = invoice_create(draft=draft)
        return invoice_issue(invoice_id=invoice.pk, enqueue_render=False)


def _indemnities() -> set[str]:
    """The invoice numbers an indemnity was charged for (one journal entry each)."""
    return {
        e.reference for e in JournalEntry.objects.filter(label__startswith="Indemnité forfaitaire")
    }


@pytest.mark.parametrize("opened_first", [False, True])
def test_the_sweep_charges_the_indemnity_to_the_professional_only(opened_first):
    """`opened_first`: the cases were opened by `cases_open` (INSERT … SELECT) before the run,
    else the run opens them itself (worked on in memory, inserted once)."""
    pair = make_pair("monthly-intranet")
    consumer = _issue(pair, consumer=True)
    business = _issue(pair, consumer=False)
    day = date(2026, 3, 17)
    with clock.frozen(at(day)):
        if opened_first:
            assert cases_open(on=day) == 2
        first = collection_run(on=day)
    assert first.indemnities == 1
    assert _indemnities() == {business.number}
    cases = {c.open_item.reference: c for c in LateCase.objects.select_related("open_item")}
    assert set(cases) == {consumer.number, business.number}  # the consumer's is followed too
    assert cases[consumer.number].stage == cases[business.number].stage
    with clock.frozen(at(date(2026, 4, 20))):
        later = collection_run(on=date(2026, 4, 20))
    assert later.indemnities == 0 and _indemnities() == {business.number}


def _fees(reference: str) -> int:
    return JournalEntry.objects.filter(
        label__startswith="Frais de relance", reference=reference
    ).count()


def test_a_consumer_owes_neither_penalty_interest_nor_reminder_fees_only_legal_interest():
    """[004 §8.10] The 9-point interest and the 1.50 € reminder fees "ne s'appliquent pas aux
    consommateurs": a consumer's late invoice is reminded free of charge, accrues nothing until
    the formal notice, then the legal rate (C. civ. 1231-6), while the professional pays all."""
    pair = make_pair("digital-goods")
    consumer = _issue(pair, consumer=True)
    business = _issue(pair, consumer=False)

    def run(day: date) -> dict[str, LateCase]:
        with clock.frozen(at(day)):
            collection_run(on=day)
        return {c.open_item.reference: c for c in LateCase.objects.select_related("open_item")}

    run(date(2026, 3, 17))  # the first reminder
    cases = run(date(2026, 3, 31))  # the due date plus 15: the second reminder
    assert cases[consumer.number].consumer and not cases[business.number].consumer
    assert cases[consumer.number].reminders == cases[business.number].reminders == 2
    assert _fees(business.number) == 2 and _fees(consumer.number) == 0
    assert cases[business.number].interest_accrued > 0
    assert cases[consumer.number].interest_accrued == Decimal("0.00")

    cases = run(date(2026, 4, 15))  # the due date plus 30: the formal notices
    letters = {n.case.open_item.reference: n.letter for n in FormalNotice.objects.all()}
    claimed = letters[consumer.number]["items"][0]
    assert letters[consumer.number]["consumer"] is True
    assert (claimed["interest"], claimed["indemnity"], claimed["costs"]) == ("0.00", "0.00", "0.00")
    assert Decimal(letters[business.number]["items"][0]["indemnity"]) == Decimal("40.00")
    assert Decimal(letters[business.number]["items"][0]["costs"]) == Decimal("3.00")
    assert cases[consumer.number].interest_from == date(2026, 4, 15)

    cases = run(date(2026, 4, 25))
    # 105.50 € × 2.62 % (legal rate, 2026 H1, creditor a professional) × 10 / 365 = 0.0757
    assert cases[consumer.number].interest_accrued == Decimal("0.08")
    assert _fees(consumer.number) == 0
    pdf = notice_render(notice_id=FormalNotice.objects.get(case=cases[consumer.number]).pk).pdf
    assert bytes(pdf).startswith(b"%PDF")
