"""Quarterly rebates (PT13 [003 §8]) and the late-payment costs set against them (PT11 [001 §5])."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from comptoir.billing.models import Invoice
from comptoir.billing.rules import DocumentDraft, LineInput
from comptoir.billing.services import credit_note_create, invoice_create, invoice_issue
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.models import AuditEntry
from comptoir.core.sweeps import registered
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import JournalEntry, Matching, OpenItem
from comptoir.payments.models import LateCase, RebateAgreement, RebateSettlement
from comptoir.payments.policy import PaymentPolicy
from comptoir.payments.rebates_rules import (
    Sale,
    Tier,
    period_end,
    period_label,
    period_valid,
    rebatable_turnover,
    rebate_compute,
    rebate_offset,
    rebate_percent,
    tiers_check,
)
from comptoir.payments.services import collection_run, payment_record
from comptoir.payments.services.rebates import (
    rebate_agreement_set,
    rebate_settle_now,
    rebates_settle,
)

from .conftest import Pair, at, issue, make_pair

Q3 = date(2026, 7, 1)
TIERS = [(D("0"), D("2")), (D("5000"), D("3"))]
JUNE = date(2026, 6, 1)


def _agreement(pair: Pair, tiers=TIERS, start: date = Q3, today: date = date(2026, 6, 20)):
    with clock.frozen(at(today)):
        return rebate_agreement_set(
            buyer=pair.buyer, seller=pair.seller, period_start=start, tiers=tiers
        )


def _pay(pair: Pair, invoice: Invoice, on: date, amount: D | None = None) -> None:
    with clock.frozen(at(on)):
        payment_record(
            buyer=pair.buyer,
            seller=pair.seller,
            amount=amount if amount is not None else invoice.total_incl_vat,
            method="transfer",  # earns no cash discount [003 §7]
            value_date=on,
            idempotency_key=f"{invoice.number}-{on}-{amount}",
            reference=invoice.number or "",
        )


def _settle(on: date) -> int:
    with clock.frozen(at(on, 6)):
        return rebates_settle(on=on)


def _rebate_item(pair: Pair) -> OpenItem:
    return OpenItem.objects.get(kind="credit_note", reference=f"RIST-2026T3-{pair.buyer.pk}")


def _balanced() -> bool:
    debit, credit = ledger.journal_totals()
    return debit == credit


# ------------------------------------------------------------------------------ the sweep


@pytest.mark.django_db
def test_quarter_paid_on_time_earns_the_tier_reached_and_credits_the_buyer() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    first = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    second = issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    _pay(pair, first, date(2026, 8, 20))
    # the quarter is over but the second invoice is not yet due: it cannot be judged yet
    assert _settle(date(2026, 10, 5)) == 0
    assert not RebateSettlement.objects.exists()
    _pay(pair, second, date(2026, 10, 30))
    assert _settle(date(2026, 11, 2)) == 1

    settlement = RebateSettlement.objects.get()
    assert settlement.turnover == D("5500.00")  # excl. VAT, invoiced and collected
    assert settlement.percent == D("3.00")  # the 5,000 € tier is reached
    assert settlement.earned == D("165.00") and settlement.offset == 0
    assert settlement.due == D("165.00") and not settlement.forfeited
    item = _rebate_item(pair)
    assert settlement.open_item_id == item.pk and item.due_date == date(2026, 11, 2)
    assert item.amount == item.open_amount == D("-165.00")  # no debt to set it against
    assert ledger.balance(pair.buyer, pair.seller) == D("-165.00")
    assert _balanced()


@pytest.mark.django_db
def test_the_rebate_settles_the_buyers_open_debts() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    invoice = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="1000.00")
    _pay(pair, invoice, date(2026, 8, 31))  # on the due date is on time
    next_one = issue(pair, on=date(2026, 10, 6), due=date(2026, 11, 30), excl_vat="1000.00")
    assert _settle(date(2026, 10, 7)) == 1
    assert RebateSettlement.objects.get().due == D("20.00")  # 2 % of 1,000 €
    assert _rebate_item(pair).open_amount == 0
    assert OpenItem.objects.get(reference=next_one.number).open_amount == D("1180.00")
    assert ledger.balance(pair.buyer, pair.seller) == D("1180.00")
    assert _balanced()


@pytest.mark.django_db
def test_an_invoice_paid_late_forfeits_the_rebate() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    late = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    collection_run(on=date(2026, 9, 1))
    assert LateCase.objects.filter(open_item__reference=late.number).exists()
    _pay(pair, late, date(2026, 9, 10))
    # judged at once, although the other invoice is not yet due
    assert _settle(date(2026, 10, 2)) == 1
    settlement = RebateSettlement.objects.get()
    assert settlement.forfeited and settlement.earned == 0 and settlement.due == 0
    assert late.number in settlement.reason and "PT13 Art. 8" in settlement.reason
    assert settlement.reason.startswith("Ristourne perdue : facture(s) ")
    with translation.override("en"):  # the reader's language; the French is the record
        assert settlement.reason_text == (
            f"Rebate forfeited: invoice(s) {late.number} not paid on the due date (PT13 Art. 8)"
        )
    with translation.override("fr"):
        assert settlement.reason_text == settlement.reason
    assert settlement.open_item is None
    assert not OpenItem.objects.filter(reference__startswith="RIST-").exists()
    assert _balanced()


@pytest.mark.django_db
def test_an_unpaid_invoice_is_not_in_the_turnover_and_forfeits() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    paid = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    unpaid = issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    _pay(pair, paid, date(2026, 8, 28))
    _pay(pair, unpaid, date(2026, 10, 20), amount=D("1000.00"))  # part of it only
    assert _settle(date(2026, 11, 2)) == 1
    settlement = RebateSettlement.objects.get()
    assert settlement.turnover == D("3000.00")  # not collected, not rebatable
    assert settlement.forfeited and unpaid.number in settlement.reason


@pytest.mark.django_db
def test_a_credit_note_of_the_quarter_reduces_the_turnover() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    first = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    second = issue(pair, on=date(2026, 7, 20), due=date(2026, 8, 31), excl_vat="2500.00")
    with clock.frozen(at(date(2026, 8, 5))):  # a take-back (003 §4), credited
        note = credit_note_create(
            invoice_id=first.pk,
            lines=[LineInput("Reprise", "SKU-1", D(1), D("500.00"), D("20"))],
            reason="reprise",
        )
        invoice_issue(invoice_id=note.pk, enqueue_render=False)
    _pay(pair, first, date(2026, 8, 25), amount=D("3000.00"))  # 3,600 − 600 credited
    _pay(pair, second, date(2026, 8, 25))
    assert _settle(date(2026, 10, 1)) == 1
    settlement = RebateSettlement.objects.get()
    assert settlement.turnover == D("5000.00")  # 3,000 + 2,500 − 500
    assert settlement.earned == D("150.00")


@pytest.mark.django_db
def test_only_french_vat_able_sales_count() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    home = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="1000.00")
    buyer = party_snapshot(pair.buyer)
    draft = DocumentDraft(
        issuer=party_snapshot(pair.seller),
        recipient=replace(buyer, address=replace(buyer.address, country_code="BE")),
        lines=(LineInput("Marchandises", "SKU-1", D(1), D("4000.00"), D("20")),),
        sale_date=date(2026, 7, 8),
        due_date=date(2026, 8, 31),
    )
    with clock.frozen(at(date(2026, 7, 8), 9)):
        abroad = invoice_issue(invoice_id=invoice_create(draft=draft).pk, enqueue_render=False)
    _pay(pair, home, date(2026, 8, 20))
    _pay(pair, abroad, date(2026, 8, 20))
    assert _settle(date(2026, 10, 1)) == 1
    settlement = RebateSettlement.objects.get()
    assert settlement.turnover == D("1000.00") and settlement.earned == D("20.00")


@pytest.mark.django_db
def test_settling_again_changes_nothing() -> None:
    pair = make_pair("selective-beauty")
    _agreement(pair)
    invoice = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="6000.00")
    _pay(pair, invoice, date(2026, 8, 20))
    assert _settle(date(2026, 10, 1)) == 1
    counts = (
        JournalEntry.objects.count(),
        OpenItem.objects.count(),
        Matching.objects.count(),
        RebateSettlement.objects.count(),
    )
    assert _settle(date(2026, 10, 1)) == 0
    assert _settle(date(2026, 12, 1)) == 0
    assert counts == (
        JournalEntry.objects.count(),
        OpenItem.objects.count(),
        Matching.objects.count(),
        RebateSettlement.objects.count(),
    )
    assert RebateSettlement.objects.get().earned == D("180.00")
    assert "payments.rebates" in [s.name for s in registered()]


@pytest.mark.django_db
def test_interest_still_owed_is_set_against_the_rebate(monkeypatch) -> None:
    """001 §5 sets interest against rebates; no preset has both, so the selective-beauty terms
    are read here as if they had that clause."""
    enabled = PaymentPolicy.enabled
    monkeypatch.setattr(
        PaymentPolicy,
        "enabled",
        lambda self, name: name == "interest_offsets_rebates" or enabled(self, name),
    )
    pair = make_pair("selective-beauty")
    _agreement(pair)
    earlier = issue(pair, on=date(2026, 5, 4), due=date(2026, 6, 30), excl_vat="1000.00")
    _pay(pair, earlier, date(2026, 7, 20))  # 20 days late: interest claimed, still owed
    interest = OpenItem.objects.get(kind="interest", reference=earlier.number)
    assert D(0) < interest.open_amount < D("165.00")
    first = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    second = issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    _pay(pair, first, date(2026, 8, 20))
    _pay(pair, second, date(2026, 10, 20))
    assert _settle(date(2026, 11, 2)) == 1
    settlement = RebateSettlement.objects.get()
    assert settlement.earned == D("165.00") and settlement.offset == interest.amount
    assert settlement.due == D("165.00") - interest.amount
    assert "PT11" in settlement.reason
    interest.refresh_from_db()
    assert interest.open_amount == 0
    assert _rebate_item(pair).open_amount == -settlement.due
    assert ledger.balance(pair.buyer, pair.seller) == -settlement.due
    assert _balanced()


# ------------------------------------------------------------------------------ the agreement


def _settle_now(pair: Pair, agreement: RebateAgreement, on: date, actor=None) -> RebateSettlement:
    with clock.frozen(at(on, 10)):
        return rebate_settle_now(seller=pair.seller, agreement_id=agreement.pk, actor=actor)


def _refusal(pair: Pair, agreement: RebateAgreement, on: date) -> DomainError:
    with pytest.raises(DomainError) as caught:
        _settle_now(pair, agreement, on)
    return caught.value


@pytest.mark.django_db
def test_settle_now_says_what_it_waits_for_then_settles_before_the_sweep() -> None:
    pair = make_pair("selective-beauty")
    agreement = _agreement(pair)
    first = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    second = issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    running = _refusal(pair, agreement, date(2026, 9, 30))
    assert (running.code, running.rule) == ("period_running", "PT13")
    assert "30/09/2026" in running.message
    _pay(pair, first, date(2026, 8, 20))
    waiting = _refusal(pair, agreement, date(2026, 10, 5))
    assert (waiting.code, waiting.field, waiting.rule) == ("not_yet_judged", "agreement_id", "PT13")
    assert waiting.details == {"waiting": [second.number]}
    assert second.number in waiting.message and first.number not in waiting.message
    assert not RebateSettlement.objects.exists()
    # paid on 30 Oct, a day before it is due: settled at once, not at the next sweep
    _pay(pair, second, date(2026, 10, 30))
    owner = pair.seller.memberships.get(is_owner=True).user
    settlement = _settle_now(pair, agreement, date(2026, 10, 30), actor=owner)
    assert (settlement.turnover, settlement.percent, settlement.earned) == (
        D("5500.00"),
        D("3.00"),
        D("165.00"),
    )
    assert settlement.settled_on == date(2026, 10, 30)
    assert AuditEntry.objects.get(action="payments.rebate_settled").actor == owner
    assert _settle(date(2026, 11, 2)) == 0  # the sweep finds nothing left
    again = _refusal(pair, agreement, date(2026, 11, 3))
    assert again.code == "already_settled" and "30/10/2026" in again.message
    assert RebateSettlement.objects.count() == 1 and _balanced()


@pytest.mark.django_db
def test_settle_now_forfeits_at_once_on_a_late_invoice() -> None:
    pair = make_pair("selective-beauty")
    agreement = _agreement(pair)
    late = issue(pair, on=date(2026, 7, 6), due=date(2026, 8, 31), excl_vat="3000.00")
    issue(pair, on=date(2026, 9, 10), due=date(2026, 10, 31), excl_vat="2500.00")
    _pay(pair, late, date(2026, 9, 10))
    settlement = _settle_now(pair, agreement, date(2026, 10, 1))
    assert settlement.forfeited and settlement.due == 0 and late.number in settlement.reason


@pytest.mark.django_db
def test_settle_now_finds_no_agreement_of_another_seller() -> None:
    pair = make_pair("selective-beauty")
    other = make_pair("selective-beauty")
    agreement = _agreement(pair)
    with clock.frozen(at(date(2026, 10, 5))), pytest.raises(NotFound):
        rebate_settle_now(seller=other.seller, agreement_id=agreement.pk)
    with clock.frozen(at(date(2026, 10, 5))), pytest.raises(NotFound):
        rebate_settle_now(seller=pair.seller, agreement_id=agreement.pk + 1000)


@pytest.mark.django_db
def test_agreement_is_set_before_the_quarter_and_can_be_reset() -> None:
    pair = make_pair("selective-beauty")
    first = _agreement(pair, today=date(2026, 6, 1))
    again = _agreement(pair, tiers=[(D("1000.00"), D("2.5"))], today=Q3)  # on its first day
    assert first.pk == again.pk and RebateAgreement.objects.count() == 1
    again.refresh_from_db()
    assert again.period_end == date(2026, 9, 30) and again.set_on == Q3
    assert again.tiers == [{"threshold": "1000.00", "percent": "2.5"}]


@pytest.mark.parametrize(
    ("start", "tiers", "today", "code", "field"),
    [
        (date(2026, 7, 2), TIERS, JUNE, "invalid_period", "period_start"),
        (date(2026, 8, 1), TIERS, JUNE, "invalid_period", "period_start"),
        (Q3, TIERS, date(2026, 7, 2), "too_late", "period_start"),
        (Q3, [], JUNE, "required", "tiers"),
        (Q3, [(D("-1"), D("2"))], JUNE, "invalid_threshold", "tiers.0.threshold"),
        (Q3, [(D("0.001"), D("2"))], JUNE, "invalid_threshold", "tiers.0.threshold"),
        (Q3, [(D("0"), D("0"))], JUNE, "invalid_percent", "tiers.0.percent"),
        (Q3, [(D("0"), D("100.01"))], JUNE, "invalid_percent", "tiers.0.percent"),
        (
            Q3,
            [(D("0"), D("2")), (D("0.00"), D("3"))],
            JUNE,
            "duplicate_threshold",
            "tiers",
        ),
        (Q3, [(D("0"), D("3")), (D("10"), D("2"))], JUNE, "invalid_tiers", "tiers"),
    ],
)
@pytest.mark.django_db
def test_agreement_refusals(start, tiers, today, code, field) -> None:
    pair = make_pair("selective-beauty")
    with pytest.raises(DomainError) as refused:
        _agreement(pair, tiers=tiers, start=start, today=today)
    assert (refused.value.code, refused.value.field, refused.value.rule) == (code, field, "PT13")
    assert not RebateAgreement.objects.exists()


@pytest.mark.django_db
def test_no_rebates_without_a_rebates_section_in_the_terms() -> None:
    pair = make_pair("monthly-intranet")
    with pytest.raises(DomainError) as refused:
        _agreement(pair)
    assert refused.value.code == "no_rebates" and refused.value.rule == "PT13"


# ------------------------------------------------------------------------------ pure rules


def test_periods() -> None:
    assert [period_valid(date(2026, m, 1)) for m in (1, 2, 4, 7, 10, 12)] == [
        True,
        False,
        True,
        True,
        True,
        False,
    ]
    assert not period_valid(date(2026, 4, 1), "half_year")
    # a period that would end after 31/12/9999 is no period (refused, never a crash)
    assert period_valid(date(9999, 7, 1)) and not period_valid(date(9999, 10, 1))
    assert not period_valid(date(9999, 1, 1), "year")
    assert period_end(date(2026, 10, 1)) == date(2026, 12, 31)
    assert period_end(date(2026, 1, 1), "year") == date(2026, 12, 31)
    assert period_label(date(2026, 10, 1)) == "2026T4"


def test_rebate_percent_is_the_highest_tier_reached() -> None:
    assert rebate_percent(D("4999.99"), TIERS) == D("2")
    assert rebate_percent(D("5000.00"), TIERS) == D("3")
    assert rebate_percent(D("10"), [(D("100"), D("1"))]) == 0


def test_offset_is_capped_at_the_rebate() -> None:
    """PT11 [001 §5]: interest and penalties still owed are set against the rebate."""
    assert rebate_offset(D("100.00"), D("30.00"), enabled=True) == D("30.00")
    assert rebate_offset(D("100.00"), D("130.00"), enabled=True) == D("100.00")
    assert rebate_offset(D("100.00"), D("30.00"), enabled=False) == 0
    sales = [Sale("F-1", D("6000.00"))]
    tiers = tiers_check(TIERS)
    result = rebate_compute(
        sales=sales, tiers=tiers, charges_open=D("40.00"), offsets=True, offset_clause="Art. 5"
    )
    assert result is not None
    assert (result.earned, result.offset, result.due) == (D("180.00"), D("40.00"), D("140.00"))
    assert "PT11 Art. 5" in result.reason
    assert result.reason == "Intérêts et pénalités de retard imputés : 40,00\u00a0€ (PT11 Art. 5)"
    assert result.reason_en == "Late-payment interest and penalties set off: €40.00 (PT11 Art. 5)"
    all_of_it = rebate_compute(sales=sales, tiers=tiers, charges_open=D("500"), offsets=True)
    assert all_of_it is not None and (all_of_it.offset, all_of_it.due) == (D("180.00"), 0)


def test_turnover_counts_collected_invoices_net_of_credit_notes() -> None:
    sales = [
        Sale("F-1", D("1000.00")),
        Sale("F-2", D("500.00"), collected=False, late=True),
        Sale("A-1", D("200.00"), credit_note=True),
        Sale("A-2", D("50.00"), credit_note=True, collected=False),  # credits F-2
    ]
    assert rebatable_turnover(sales) == D("800.00")
    assert rebatable_turnover([Sale("A-1", D("10"), credit_note=True)]) == 0
    pending = [Sale("F-1", D("1000.00")), Sale("F-3", D("1.00"), collected=False, pending=True)]
    assert rebate_compute(sales=pending, tiers=tiers_check(TIERS)) is None
    no_condition = rebate_compute(sales=sales, tiers=tiers_check(TIERS), condition="none")
    assert no_condition is not None and no_condition.earned == D("16.00")


@pytest.mark.parametrize(
    ("tier", "field"),
    [((D("1e400"), D("2")), "threshold"), ((D("0"), D("1e400")), "percent")],
)
def test_a_number_too_large_to_round_is_refused_clearly(tier, field):
    with pytest.raises(DomainError) as refused:
        tiers_check([tier])
    assert (refused.value.field, refused.value.rule) == (f"tiers.0.{field}", "PT13")


_amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
_tiers = st.lists(
    st.tuples(_amounts, st.decimals(min_value="0.01", max_value=100, places=2)),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
).map(
    lambda raw: list(
        zip(sorted(t[0] for t in raw), sorted(t[1] for t in raw), strict=True)
    )  # percents rising with the thresholds, as tiers_check requires
)


@given(tiers=_tiers, low=_amounts, high=_amounts)
def test_rebate_percent_is_monotonic_in_turnover(tiers, low, high) -> None:
    checked = tiers_check(tiers)
    low, high = min(low, high), max(low, high)
    assert rebate_percent(low, checked) <= rebate_percent(high, checked)
    assert low * rebate_percent(low, checked) <= high * rebate_percent(high, checked)
    assert rebate_percent(high, checked) in {t.percent for t in checked} | {0}
    assert all(isinstance(t, Tier) for t in checked)
