"""The collection sweep charges no 40 € recovery indemnity on a consumer's invoice (O17; C. com.
L441-10 and D441-5 apply between professionals), on both ways a case opens (PT11)."""

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
from comptoir.payments.models import LateCase
from comptoir.payments.services import cases_open, collection_run

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
