"""Rebates (PT13 [003 §8]): the agreement a seller sets with a buyer at the start of each quarter,
and the sweep that settles each quarter once it can be judged.

A quarter is settled once it is over and each of its invoices is either paid or past its due date.
It is forfeited when one invoice was not paid on its due date; otherwise the buyer earns the
percent of the tier reached on the rebatable turnover. The late-payment interest and penalties it
still owes are set against the rebate where the terms say so (PT11 [001 §5]). The rest is a credit
of the buyer: it settles the buyer's open debts, or the seller pays it by transfer (003 §8).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.billing.models import Category, Invoice, Kind, Status, VatBreakdown
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.services import audit_record
from comptoir.ledger.models import Account, Matching, OpenItem
from comptoir.ledger.services import (
    OpenItemSpec,
    Posting,
    accounts_get,
    journal_entry_post,
    matching_create,
)
from comptoir.payments import labels
from comptoir.payments.models import RebateAgreement, RebateSettlement
from comptoir.payments.policy import PaymentPolicy, payment_policy
from comptoir.payments.rebates_rules import (
    ZERO,
    RebateResult,
    Sale,
    Tier,
    period_end,
    period_label,
    period_valid,
    rebate_compute,
    tiers_check,
)
from comptoir.payments.rules import OLDEST_FIRST
from comptoir.payments.services.recording import allocate_to_debts, org_get
from comptoir.terms.schema.money import Rebates

P = Account.Purpose
CHARGE_KINDS = (OpenItem.Kind.INTEREST, OpenItem.Kind.FEE)


# ------------------------------------------------------------------------------ the agreement


@transaction.atomic
def rebate_agreement_set(
    *,
    buyer: Any,
    seller: Any,
    period_start: date,
    tiers: Sequence[Tier | tuple[Decimal, Decimal]],
    actor: Any = None,
) -> RebateAgreement:
    """Set (or, before the period starts, reset) the rebate tiers of `buyer` for the period
    starting on `period_start` (PT13 [003 §8]: "expressément prévues en début de chaque
    trimestre civil")."""
    buyer, seller = org_get(buyer, "buyer"), org_get(seller, "seller")
    policy = payment_policy(seller, period_start)
    rebates = policy.document.rebates if policy is not None else None
    if rebates is None:
        raise DomainError(
            code="no_rebates",
            message=_("The seller's terms in force grant no rebates."),
            field="seller",
            rule="PT13",
        )
    if not period_valid(period_start, rebates.period):
        starts = {
            "quarter": _("A rebate period starts on the first day of a quarter."),
            "half_year": _("A rebate period starts on the first day of a half-year."),
            "year": _("A rebate period starts on the first day of a year."),
        }
        raise DomainError(
            code="invalid_period",
            message=starts[rebates.period],
            field="period_start",
            rule="PT13",
        )
    if clock.today() > period_start:
        raise DomainError(
            code="too_late",
            message=_("Rebates are set at the start of the period, not once it has begun."),
            field="period_start",
            rule="PT13",
        )
    checked = tiers_check(tiers)
    agreement, _created = RebateAgreement.objects.update_or_create(
        buyer=buyer,
        seller=seller,
        period_start=period_start,
        defaults={
            "period_end": period_end(period_start, rebates.period),
            "tiers": [t.as_dict() for t in checked],
            "set_on": clock.today(),
        },
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.rebate_agreement_set",
        obj_type="payments.rebate_agreement",
        obj_id=agreement.pk,
        data={
            "buyer": buyer.pk,
            "period_start": agreement.period_start,
            "period_end": agreement.period_end,
            "tiers": agreement.tiers,
            "rule": "PT13",
        },
    )
    return agreement


# ------------------------------------------------------------------------------ settlement


def _vatable(snapshot: Any) -> bool:
    """A sale to a buyer in France, so subject to French VAT (003 §8)."""
    address = snapshot.get("address") if isinstance(snapshot, dict) else None
    return (address or {}).get("country_code", "FR") == "FR"


def _paris_day(at: datetime | None) -> date | None:
    return at.astimezone(clock.PARIS).date() if at is not None else None


def _invoice_states(
    buyer_id: int, seller_id: int, agreed_due: dict[str, date | None], on: date
) -> dict[str, tuple[bool, bool, bool]]:
    """(collected, late, pending) of each invoice number, from its ledger open items.

    Paid on time means settled on or before the agreed due date: the later of the invoice's date
    and its open item's (a direct debit moves it later; acceleration, PT11, moves it earlier but
    the agreed date stands [003 §8 "l'échéance convenue"]). An item is settled on the date of the
    credits matched against it: a payment counts on its value date (PT4)."""
    items = list(
        OpenItem.objects.filter(
            party_id=buyer_id,
            counterparty_id=seller_id,
            account__purpose=P.RECEIVABLE,
            kind=OpenItem.Kind.INVOICE,
            reference__in=list(agreed_due),
        ).values_list("pk", "reference", "open_amount", "due_date")
    )
    settled: dict[int, date] = {}
    for item_id, entry_date, created in Matching.objects.filter(
        item_a_id__in=[pk for pk, *_rest in items]
    ).values_list("item_a_id", "item_b__entry__date", "item_b__created_at"):
        day = entry_date or _paris_day(created)
        if day is not None and (item_id not in settled or day > settled[item_id]):
            settled[item_id] = day
    states: dict[str, list[bool]] = defaultdict(lambda: [True, False, False])
    for pk, reference, open_amount, item_due in items:
        state = states[reference]
        dues = [d for d in (agreed_due.get(reference), item_due) if d is not None]
        due = max(dues) if dues else on
        if open_amount > 0:
            state[0] = False
            if due < on:
                state[1] = True  # still open after its due date
            else:
                state[2] = True  # not yet due: the period cannot be judged yet
        elif pk in settled and settled[pk] > due:
            state[1] = True  # paid, but after its due date
    return {ref: (s[0], s[1], s[2]) for ref, s in states.items()}


def _sales(agreement: RebateAgreement, rebates: Rebates, on: date) -> list[Sale]:
    """The invoices and credit notes the seller issued to the buyer in the period."""
    docs = list(
        Invoice.objects.filter(
            issuer_id=agreement.seller_id,
            recipient_id=agreement.buyer_id,
            status=Status.ISSUED,
            category=Category.SALE,
            issue_date__gte=agreement.period_start,
            issue_date__lte=agreement.period_end,
        )
        .order_by("issue_date", "pk")
        .values_list(
            "pk",
            "kind",
            "number",
            "due_date",
            "recipient_snapshot",
            "total_excl_vat",
            "credited_invoice_id",
        )
    )
    # 003 §8: only French VAT-able sales; the VAT-able part is the base of the taxed rates
    vatable: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if rebates.domestic_vat_sales_only:
        for invoice_id, base in VatBreakdown.objects.filter(
            invoice_id__in=[d[0] for d in docs], rate__gt=0
        ).values_list("invoice_id", "base"):
            vatable[invoice_id] += base
    credited: dict[int, tuple[str, date | None]] = {
        pk: (number or "", due)
        for pk, number, due in Invoice.objects.filter(
            pk__in=[d[6] for d in docs if d[6] is not None]
        ).values_list("pk", "number", "due_date")
    }
    agreed_due: dict[str, date | None] = {
        number or "": due for _pk, kind, number, due, *_rest in docs if kind == Kind.INVOICE
    }
    agreed_due.update(dict(credited.values()))
    states = _invoice_states(agreement.buyer_id, agreement.seller_id, agreed_due, on)
    unknown = (True, False, False)  # no open item: nothing was owed (a zero invoice)
    sales = []
    for pk, kind, raw_number, _due, snapshot, excl_vat, credited_id in docs:
        number = raw_number or ""  # issued documents always have their number
        if rebates.domestic_vat_sales_only:
            base = vatable[pk] if _vatable(snapshot) else ZERO
        else:
            base = excl_vat
        if kind == Kind.INVOICE:
            collected, late, pending = states.get(number, unknown)
            sales.append(Sale(number, base, False, collected, late, pending))
        else:  # a credit note counts unless the invoice it credits was never collected
            of = credited.get(credited_id) if credited_id is not None else None
            collected = states.get(of[0], unknown)[0] if of else True
            sales.append(Sale(number, base, credit_note=True, collected=collected))
    return sales


def _charges(agreement: RebateAgreement) -> list[OpenItem]:
    """The buyer's late-payment interest and penalties still owed to the seller, oldest first."""
    return list(
        OpenItem.objects.select_for_update()
        .filter(
            party_id=agreement.buyer_id,
            counterparty_id=agreement.seller_id,
            account__purpose=P.RECEIVABLE,
            kind__in=CHARGE_KINDS,
            open_amount__gt=0,
        )
        .order_by("due_date", "pk")
    )


def _credit_post(
    agreement: RebateAgreement, result: RebateResult, charges: list[OpenItem], label: str, on: date
) -> int:
    """The rebate as a credit of the buyer: debit the seller's revenue, credit the buyer's
    receivable, a negative open item; set against the interest and penalties (the offset, PT11
    [001 §5]), then against the buyer's open debts (PT8); returns the open item."""
    buyer_id, seller_id = agreement.buyer_id, agreement.seller_id
    accounts = accounts_get(wanted=[(buyer_id, P.RECEIVABLE), (seller_id, P.SELLER_REVENUE)])
    receivable = accounts[(buyer_id, P.RECEIVABLE)]
    reference = f"RIST-{label}-{buyer_id}"
    entry = journal_entry_post(
        date=on,
        label=f"Ristourne {label} (PT13)",
        reference=reference,
        journal="VE",
        data=labels.facts(labels.REBATE, period=label),
        lines=[
            Posting(account=accounts[(seller_id, P.SELLER_REVENUE)], debit=result.earned),
            Posting(account=receivable, credit=result.earned),
        ],
        open_items=[
            OpenItemSpec(
                account=receivable,
                party_id=buyer_id,
                counterparty_id=seller_id,
                reference=reference,
                kind=OpenItem.Kind.CREDIT_NOTE,
                amount=-result.earned,
                due_date=on,
            )
        ],
    )
    item_id = OpenItem.objects.values_list("pk", flat=True).get(entry=entry)
    at, left = clock.now(), result.offset
    for charge in charges:
        if left <= 0:
            break
        take = min(left, charge.open_amount)
        matching_create(item_a_id=charge.pk, item_b_id=item_id, amount=take, at=at)
        left -= take
    if result.due > 0:
        # what is left settles open debts; any rest stays a credit the seller pays by transfer
        # (003 §8) or that billing sets against the next invoice
        allocate_to_debts(item_id=item_id, order=OLDEST_FIRST, designated="")
    return item_id


def _policy(agreement: RebateAgreement) -> PaymentPolicy | None:
    return payment_policy(agreement.seller_id, agreement.period_start) or payment_policy(
        agreement.seller_id, agreement.period_end
    )


def _locked(agreement_id: int) -> RebateAgreement | None:
    qs = RebateAgreement.objects.filter(pk=agreement_id)
    if connection.features.has_select_for_update_skip_locked:
        return qs.select_for_update(skip_locked=True).first()  # another worker has it
    return qs.select_for_update().first()


def _rebates(policy: PaymentPolicy | None) -> Rebates:
    return (policy.document.rebates if policy is not None else None) or Rebates()


def _settle(agreement_id: int, on: date, actor: Any = None) -> bool:
    agreement = _locked(agreement_id)
    if agreement is None or RebateSettlement.objects.filter(agreement_id=agreement_id).exists():
        return False
    policy = _policy(agreement)
    rebates = _rebates(policy)
    offsets = policy is not None and policy.enabled("interest_offsets_rebates")
    charges = _charges(agreement) if offsets else []
    result = rebate_compute(
        sales=_sales(agreement, rebates, on),
        tiers=[Tier.from_dict(t) for t in agreement.tiers],
        condition=rebates.condition,
        charges_open=sum((c.open_amount for c in charges), ZERO),
        offsets=offsets,
        clause=policy.clause("rebates") if policy is not None else "",
        offset_clause=policy.clause("late_payment", "interest_offsets_rebates") if policy else "",
    )
    if result is None:
        return False  # an invoice of the period is not yet due: judged on a later run
    # the settlement first: a concurrent run stops on its unique agreement before posting
    settlement = RebateSettlement.objects.create(
        agreement=agreement,
        turnover=result.turnover,
        percent=result.percent,
        earned=result.earned,
        offset=result.offset,
        due=result.due,
        forfeited=result.forfeited,
        reason=result.reason,
        reason_en=result.reason_en,
        settled_on=on,
    )
    if result.earned > 0:
        label = period_label(agreement.period_start, rebates.period)
        settlement.open_item_id = _credit_post(agreement, result, charges, label, on)
        settlement.save(update_fields=["open_item"])
    audit_record(
        actor=actor,
        organization_id=agreement.seller_id,
        action="payments.rebate_settled",
        obj_type="payments.rebate_settlement",
        obj_id=settlement.pk,
        data={
            "agreement": agreement.pk,
            "buyer": agreement.buyer_id,
            "turnover": result.turnover,
            "percent": result.percent,
            "earned": result.earned,
            "offset": result.offset,
            "due": result.due,
            "forfeited": result.forfeited,
            "reason": result.reason,
            "rule": "PT13",
        },
    )
    return True


def rebates_settle(*, on: date) -> int:
    """Settle every agreement whose period ended before `on` and that can be judged (PT13).
    Idempotent: an agreement is settled once (one settlement each); returns how many were."""
    ids = list(
        RebateAgreement.objects.filter(period_end__lt=on, settlement__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    settled = 0
    for agreement_id in ids:
        try:
            with transaction.atomic():
                settled += _settle(agreement_id, on)
        except IntegrityError:  # settled meanwhile by a concurrent run
            continue
    return settled


def rebate_settle_now(*, seller: Any, agreement_id: int, actor: Any = None) -> RebateSettlement:
    """Settle one agreement now instead of at the next sweep, as the sweep would (PT13): once its
    quarter is over and each invoice of it is paid or past its due date. A refusal says which
    invoices the judgement waits for."""
    agreement = RebateAgreement.objects.filter(pk=agreement_id, seller_id=seller.pk).first()
    if agreement is None:
        raise NotFound(_("Rebate agreement"), field="agreement_id")
    today = clock.today()
    if agreement.period_end >= today:
        raise DomainError(
            "period_running",
            _("The quarter runs until %(day)s: it is settled once it is over.")
            % {"day": agreement.period_end.strftime("%d/%m/%Y")},
            "agreement_id",
            "PT13",
        )
    try:
        with transaction.atomic():
            done = _settle(agreement.pk, today, actor)
    except IntegrityError:  # settled meanwhile by the sweep
        done = False
    settlement = (
        RebateSettlement.objects.select_related("agreement")
        .filter(agreement_id=agreement.pk)
        .first()
    )
    if settlement is not None:
        if done:
            return settlement
        raise DomainError(
            "already_settled",
            _("This quarter was settled on %(day)s.")
            % {"day": settlement.settled_on.strftime("%d/%m/%Y")},
            "agreement_id",
            "PT13",
        )
    waiting = [
        s.reference
        for s in _sales(agreement, _rebates(_policy(agreement)), today)
        if s.pending and not s.credit_note
    ]
    if not waiting:  # another worker holds it at this instant
        raise DomainError(
            "settlement_running",
            _("The quarter is being settled right now: look again in a moment."),
            "agreement_id",
            "PT13",
        )
    listed = ", ".join(waiting[:5]) + (" …" if len(waiting) > 5 else "")
    raise DomainError(
        "not_yet_judged",
        ngettext(
            "Not yet: invoice %(numbers)s is open and not yet due; whether it is paid on its due "
            "date is not known.",
            "Not yet: invoices %(numbers)s are open and not yet due; whether they are paid on "
            "their due date is not known.",
            len(waiting),
        )
        % {"numbers": listed},
        "agreement_id",
        "PT13",
        details={"waiting": waiting},
    )
