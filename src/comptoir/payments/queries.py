"""Reads of payments: a buyer's standing with a seller (what ordering and fulfilment ask before
accepting or shipping, O10, F8, PT9–PT11) and the statement of account with every amount's
formula and clause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils.translation import gettext as _

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.core.compiled import CompiledRead
from comptoir.core.errors import DomainError
from comptoir.core.i18n import format_number_active, format_rate_active
from comptoir.ledger import queries as ledger
from comptoir.ledger.models import Account, OpenItem
from comptoir.ledger.queries import money
from comptoir.parties.models import Organization
from comptoir.payments import labels, rules
from comptoir.payments.models import (
    CreditLimit,
    Deposit,
    LateCase,
    Payment,
    Payout,
    Suspension,
)
from comptoir.payments.policy import payment_policy
from comptoir.payments.rules import ZERO
from comptoir.payments.services.credit import deposit_held


def _id(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.pk


@dataclass(frozen=True)
class Standing:
    balance: Decimal  # what the buyer owes the seller, net of unallocated credits
    overdue: Decimal
    oldest_overdue: date | None
    suspended: bool
    suspended_since: date | None
    terms_cut_until: date | None  # cash only until then [003 §7]
    deposit_held: Decimal | None
    credit_limit: Decimal | None
    interest_accrued: Decimal  # accrued on late invoices, not yet claimed

    @property
    def behind(self) -> bool:
        return self.suspended or self.overdue > 0


def buyer_standing(*, buyer: Any, seller: Any, on: date | None = None) -> Standing:
    on = on or clock.today()
    b, s = _id(buyer), _id(seller)
    suspension = (
        Suspension.objects.filter(buyer_id=b, seller_id=s).order_by("-since", "-pk").first()
    )
    active = suspension is not None and suspension.lifted_on is None
    cut = suspension.terms_cut_until if suspension and suspension.terms_cut_until else None
    limit = CreditLimit.objects.filter(buyer_id=b, seller_id=s).values_list("amount", flat=True)
    accrued = sum(
        LateCase.objects.filter(buyer_id=b, seller_id=s)
        .exclude(stage=LateCase.Stage.SETTLED)
        .values_list("interest_accrued", flat=True),
        ZERO,
    )
    return Standing(
        balance=ledger.balance(b, s),
        overdue=ledger.overdue_amount(b, s, on),
        oldest_overdue=ledger.oldest_overdue_date(b, s, on),
        suspended=active,
        suspended_since=suspension.since if active and suspension else None,
        terms_cut_until=cut if cut and cut >= on else None,
        deposit_held=deposit_held(b, s),
        credit_limit=limit.first(),
        interest_accrued=accrued,
    )


# asked by every checkout (O10): its SQL built once (core.compiled)
_SUSPENSION_IN_FORCE = CompiledRead(
    lambda buyer_id, seller_id: Suspension.objects.filter(
        buyer_id=buyer_id, seller_id=seller_id, lifted_on=None
    ).values_list("pk", flat=True)[:1],
    buyer_id=int,
    seller_id=int,
)


@dataclass(frozen=True)
class CreditFacts:
    suspended: bool
    deposit_held: Decimal | None
    credit_limit: Decimal | None


def credit_facts(
    *, buyer: Any, seller: Any, deposit: bool = True, limit: bool = True
) -> CreditFacts:
    """What checkout needs beyond the ledger (O10, PT9, PT10): up to three small queries, the
    deposit and the limit only when the seller's terms use them."""
    b, s = _id(buyer), _id(seller)
    return CreditFacts(
        suspended=bool(_SUSPENSION_IN_FORCE(buyer_id=b, seller_id=s)),
        deposit_held=deposit_held(b, s) if deposit else None,
        credit_limit=CreditLimit.objects.filter(buyer_id=b, seller_id=s)
        .values_list("amount", flat=True)
        .first()
        if limit
        else None,
    )


@dataclass(frozen=True)
class TermsCut:
    until: date
    max_days: int
    clause: str


def terms_cut(*, buyer: Any, seller: Any, on: date) -> TermsCut | None:
    """PT11 [003 §7]: the cut in force on `on`, if the seller's terms have one (one query)."""
    until = (
        Suspension.objects.filter(
            buyer_id=_id(buyer), seller_id=_id(seller), terms_cut_until__gte=on
        )
        .order_by("-terms_cut_until")
        .values_list("terms_cut_until", flat=True)
        .first()
    )
    if until is None:
        return None
    policy = payment_policy(seller, on)
    cut = policy.document.late_payment.terms_cut if policy else None
    if cut is None:
        return None
    return TermsCut(until, int(cut.max_days), policy.clause("late_payment", "terms_cut") or "PT11")


def credit_check(
    *, buyer: Any, seller: Any, new_order: Decimal, on: date | None = None
) -> rules.CreditDecision:
    """PT9/PT10 for an order of `new_order` incl. VAT: the pure decision on today's figures."""
    on = on or clock.today()
    standing = buyer_standing(buyer=buyer, seller=seller, on=on)
    policy = payment_policy(seller, on)
    deposit_rule = policy.document.credit.security_deposit if policy else None
    limit_rule = policy.document.credit.credit_limit if policy else None
    limit = standing.credit_limit
    if limit is None and limit_rule is not None:
        limit = limit_rule.amount
    return rules.credit_decision(
        unpaid=max(standing.balance, ZERO),
        new_order=new_order,
        deposit_held=standing.deposit_held if deposit_rule is not None else None,
        deposit_requires_payment=bool(
            deposit_rule and deposit_rule.immediate_payment_when_exceeded
        ),
        credit_limit=limit,
        above_limit=limit_rule.above if limit_rule else "require_prepayment",
    )


@dataclass(frozen=True)
class StatementLine:
    date: date
    reference: str
    kind: str
    label: str  # the entry's label as stored: the accounting record, in French
    debit: Decimal
    credit: Decimal
    open_amount: Decimal
    due_date: date | None
    explanation: str  # formula and clause for interest and costs
    description: str = ""  # what the label says, in the reader's language (payments.labels)


@dataclass(frozen=True)
class AccountStatement:
    buyer_id: int
    seller_id: int
    on: date
    lines: tuple[StatementLine, ...]
    balance: Decimal
    overdue: Decimal
    interest_accrued: Decimal

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


def statement_of_account(*, buyer: Any, seller: Any, on: date | None = None) -> AccountStatement:
    """Every open item between the buyer and the seller, in date order, with the formula and
    clause behind each interest and cost line, and what each line is in the reader's language
    (`description`, from the facts its entry stores; `label` is the entry's label as stored).
    One query for the items, one more for the invoices and credit notes among them."""
    on = on or clock.today()
    b, s = _id(buyer), _id(seller)
    policy = payment_policy(s, on)
    items = list(
        OpenItem.objects.filter(
            party_id=b, counterparty_id=s, account__purpose=Account.Purpose.RECEIVABLE
        )
        .select_related("entry")
        .order_by("created_at", "pk")
    )
    documents = _documents(s, items)
    lines = []
    for item in items:
        entry = item.entry
        label = entry.label if entry else item.reference
        data = entry.data if entry else None
        lines.append(
            StatementLine(
                date=entry.date if entry else item.created_at.date(),
                reference=item.reference,
                kind=item.kind,
                label=label,
                debit=item.amount if item.amount > 0 else ZERO,
                credit=-item.amount if item.amount < 0 else ZERO,
                open_amount=item.open_amount,
                due_date=item.due_date,
                explanation=_explain(item.kind, label, policy, labels.kind_of(data)),
                description=_describe(item, label, data, documents),
            )
        )
    standing = buyer_standing(buyer=b, seller=s, on=on)
    return AccountStatement(
        b, s, on, tuple(lines), standing.balance, standing.overdue, standing.interest_accrued
    )


def _billed(item: OpenItem) -> bool:
    """An open item billing posted: an issued invoice or credit note, under its number, in the
    sales journal, with no facts stored (a rebate, also a credit, has its own)."""
    entry = item.entry
    return (
        item.kind in (OpenItem.Kind.INVOICE, OpenItem.Kind.CREDIT_NOTE)
        and entry is not None
        and entry.journal == "VE"
        and entry.reference == item.reference
        and not entry.data
    )


def _documents(seller_id: int, items: list[OpenItem]) -> dict[tuple[str, str], str]:
    """(kind, number) → the recipient's name as the document states it, for the invoices and
    credit notes among `items` that the seller issued (one query; none without such items)."""
    numbers = {item.reference for item in items if _billed(item)}
    if not numbers:
        return {}
    rows = Invoice.objects.filter(issuer_id=seller_id, number__in=numbers).values_list(
        "kind", "number", "recipient_snapshot"
    )
    return {
        (kind, number): str(snapshot.get("name", "")) if isinstance(snapshot, dict) else ""
        for kind, number, snapshot in rows
    }


def _describe(item: OpenItem, label: str, data: Any, documents: dict[tuple[str, str], str]) -> str:
    """A statement line in the reader's language: from the facts its entry stores, from the
    billing document it posts, else its stored label (entries posted before facts were stored,
    kinds unknown to payments.labels)."""
    if data:
        return labels.describe(data, label)
    if _billed(item) and (item.kind, item.reference) in documents:
        name = documents[(item.kind, item.reference)]
        return labels.document(item.kind, item.reference, name).strip()
    return label


def _explain(kind: str, label: str, policy: Any, entry_kind: str = "") -> str:
    """How an interest or fee line is computed, in the reader's language (PT11). `entry_kind`:
    the kind its entry's facts name (payments.labels), "" for an entry posted without any."""
    if policy is None or kind not in ("interest", "fee"):
        return ""
    late = policy.document.late_payment
    if kind == "interest":
        i = late.interest
        rate = format_rate_active(i.rate) if i.rate is not None else ""
        formula = {
            "legal_rate_multiple": _("%(n)s × the legal interest rate")
            % {"n": format_number_active(i.multiplier)},
            "fixed_annual": _("%(rate)s a year") % {"rate": rate},
            "monthly": _("%(rate)s a month") % {"rate": rate},
            "reference_plus_points": _("ECB rate + %(points)s points")
            % {"points": format_number_active(i.points)},
        }[i.kind]
        base = _("incl. VAT") if i.base == "incl_vat" else _("excl. VAT")
        clause = policy.clause("late_payment", "interest")
        text = _(
            "%(formula)s, on the unpaid amount %(base)s, days late / 365 — PT11 %(clause)s"
        ) % {"formula": formula, "base": base, "clause": clause}
        return text.strip()
    # an indemnity posted before entries stored their facts is known by its stored label only
    legacy = not entry_kind and "Indemnité forfaitaire" in label
    if entry_kind == labels.INDEMNITY or legacy:
        return _("40 € for each invoice paid late — C. com. L441-10, D441-5, PT11")
    if entry_kind == labels.DEBIT_RETURN_FEE:  # the bank's fees of a rejected debit
        return f"PT12 {policy.clause('payment', 'failed_debit')}".strip()
    return f"PT11 {policy.clause('late_payment')}".strip()


AMOUNT = DecimalField(max_digits=14, decimal_places=2)


def _sum(qs: QuerySet[Any], expression: Any, key: str) -> Subquery:
    return Subquery(
        qs.order_by().values(key).annotate(total=Sum(expression)).values("total")[:1],
        output_field=AMOUNT,
    )


def receivables_by_buyer(
    *, seller: Any, on: date, buyers: QuerySet[Organization] | None = None
) -> list[dict[str, Any]]:
    """Per buyer of `seller` (default: those with anything on their account with it), the
    figures of `buyer_standing` in one query (subqueries), largest balance first."""
    receivable = OpenItem.objects.filter(account__purpose=Account.Purpose.RECEIVABLE)
    if buyers is None:
        buyers = Organization.objects.filter(
            pk__in=receivable.filter(counterparty=seller).values("party_id")
        )
    items = receivable.filter(counterparty=seller, party=OuterRef("pk"))
    overdue = items.filter(open_amount__gt=0, due_date__lt=on)
    deposits = Deposit.objects.filter(seller=seller, buyer=OuterRef("pk"))
    cases = LateCase.objects.filter(seller=seller, buyer=OuterRef("pk")).exclude(
        stage=LateCase.Stage.SETTLED
    )
    rows = buyers.annotate(
        balance=_sum(items, "open_amount", "party"),
        overdue=_sum(overdue, "open_amount", "party"),
        oldest_overdue=Subquery(
            overdue.order_by().values("party").annotate(d=Min("due_date")).values("d")[:1]
        ),
        interest_accrued=_sum(cases, "interest_accrued", "buyer"),
        suspended=Exists(
            Suspension.objects.filter(seller=seller, buyer=OuterRef("pk"), lifted_on=None)
        ),
        deposit_held=_sum(
            deposits.filter(status=Deposit.Status.HELD),
            F("amount") - F("deducted") - F("returned_amount"),
            "buyer",
        ),
        has_deposit=Exists(deposits),
        credit_limit=Subquery(
            CreditLimit.objects.filter(seller=seller, buyer=OuterRef("pk")).values("amount")[:1],
            output_field=AMOUNT,
        ),
    ).values(
        "pk",
        "legal_name",
        "trade_name",
        "balance",
        "overdue",
        "oldest_overdue",
        "interest_accrued",
        "suspended",
        "deposit_held",
        "has_deposit",
        "credit_limit",
    )
    out = []
    for row in rows:
        out.append(
            {
                **row,
                "name": row["trade_name"] or row["legal_name"],
                "balance": money(row["balance"]),
                "overdue": money(row["overdue"]),
                "interest_accrued": money(row["interest_accrued"]),
                "deposit_held": money(row["deposit_held"]) if row["has_deposit"] else None,
                "credit_limit": money(row["credit_limit"])
                if row["credit_limit"] is not None
                else None,
            }
        )
    return sorted(out, key=lambda r: (-r["balance"], r["name"], r["pk"]))


# --- a member's own data export (P6, P9) ----------------------------------------------------------


def payments_for(party: Any) -> QuerySet[Payment]:
    """Payments the party made (as buyer) or received (as seller), oldest first."""
    party_id = _id(party)
    return (
        Payment.objects.filter(Q(buyer_id=party_id) | Q(seller_id=party_id))
        .select_related("buyer", "seller")
        .order_by("value_date", "pk")
    )


def statement_pairs_for(party: Any) -> list[tuple[Organization, Organization]]:
    """The (buyer, seller) pairs with a statement of account involving the party: every
    receivable between it and a counterparty, whichever side it is on."""
    party_id = _id(party)
    pairs = set(
        OpenItem.objects.filter(account__purpose=Account.Purpose.RECEIVABLE)
        .filter(Q(party_id=party_id) | Q(counterparty_id=party_id))
        .exclude(counterparty_id__isnull=True)
        .values_list("party_id", "counterparty_id")
        .distinct()
    )
    orgs = Organization.objects.in_bulk({pk for pair in pairs for pk in pair})
    return [(orgs[b], orgs[s]) for b, s in sorted(pairs)]


# --- a marketplace seller's own payouts (PT14) ----------------------------------------------------

#: Days outside this range bound nothing (no payout is that old or that far ahead); clamping them
#: keeps the instants they stand for within what the database can store.
PAYOUT_DAYS = (date(1970, 1, 1), date(9000, 1, 1))


@dataclass(frozen=True)
class PayoutTotals:
    """Sums over a selection of payouts, exact to the cent."""

    count: int
    gross: Decimal  # collected incl. VAT
    commission: Decimal  # incl. its VAT
    net: Decimal  # paid out (or to be)


@dataclass(frozen=True)
class SellerPayouts:
    rows: QuerySet[Payout]  # newest first, with their payment and commission invoice
    totals: PayoutTotals


def seller_payouts(
    *,
    seller: Any,
    status: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> SellerPayouts:
    """The seller's own payouts (PT14), filtered by status and by the day each was created
    (Paris time, both days included), newest first; the totals of the whole selection come from
    one aggregate query. A status that does not exist or a period ending before it starts is
    refused (`invalid_status`, `invalid_period`)."""
    if status and status not in Payout.Status.values:
        raise DomainError(
            code="invalid_status",
            message=_("Unknown payout status “%(status)s”: choose one of %(choices)s.")
            % {"status": status[:20], "choices": ", ".join(Payout.Status.values)},
            field="status",
            rule="PT14",
        )
    if since and until and until < since:
        raise DomainError(
            code="invalid_period",
            message=_("The end of the period is before its start."),
            field="to",
        )
    qs = Payout.objects.filter(seller_id=_id(seller))
    if status:
        qs = qs.filter(status=status)
    if since and since > PAYOUT_DAYS[0]:
        qs = qs.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=clock.PARIS))
    if until and until < PAYOUT_DAYS[1]:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=clock.PARIS)
        qs = qs.filter(created_at__lt=end)
    sums = qs.aggregate(
        count=Count("pk"), gross=Sum("gross"), commission=Sum("commission"), net=Sum("net")
    )
    totals = PayoutTotals(
        count=sums["count"],
        gross=money(sums["gross"]),
        commission=money(sums["commission"]),
        net=money(sums["net"]),
    )
    rows = qs.select_related("payment", "commission_invoice").order_by("-created_at", "-pk")
    return SellerPayouts(rows=rows, totals=totals)
