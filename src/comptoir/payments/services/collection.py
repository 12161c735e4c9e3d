"""The daily collection sweep (PT11, N1, F8): idempotent, safe on several workers at once.

For each invoice past its due date it opens a late case, then on each run: accrues interest (kept
on the case, posted when claimed), charges the 40 € indemnity once, reminder fees, sends reminders
and the formal notice on the calendar, resolves the sale when the notice's time runs out, and
applies the consequences the seller's terms allow: acceleration of the buyer's other debts,
suspension of its orders and deliveries, terms cut to cash. Suspensions lift once nothing is
overdue. Existing cases are locked in chunks with skip-locked, so two workers share the work; a
new case is worked on in memory and inserted once with the day's values, and a chunk whose cases
another worker inserted meanwhile is rolled back and redone the locking way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from operator import attrgetter
from typing import Any

from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from comptoir.billing.models import Invoice
from comptoir.core import clock
from comptoir.core.calendar import add_months
from comptoir.core.money import format_money
from comptoir.core.parallel import can_split, cut, run_parts, sweep_workers
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_new, insert_returning, insert_select, prepared, update_rows
from comptoir.ledger.models import Account, OpenItem
from comptoir.payments import labels, notifications, rules
from comptoir.payments.models import FormalNotice, LateCase, Suspension
from comptoir.payments.policy import PaymentPolicy, payment_policy
from comptoir.payments.rules import ZERO
from comptoir.payments.services._posting import Charge, charges_post
from comptoir.payments.services.interest import interest_charges, interest_to, open_items_read
from comptoir.payments.services.notices import LetterParties, letter_parties_load

CHUNK = 2000
Stage = LateCase.Stage


@dataclass
class CollectionResult:
    opened: int = 0
    settled: int = 0
    indemnities: int = 0
    reminders: int = 0
    notices: int = 0
    resolved: int = 0
    accelerated: int = 0
    suspended: int = 0
    lifted: int = 0

    def add(self, other: CollectionResult) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def changes(self) -> int:
        return (
            self.opened
            + self.settled
            + self.indemnities
            + self.reminders
            + self.notices
            + self.resolved
            + self.accelerated
            + self.suspended
            + self.lifted
        )


def _late_items(
    on: date,
    buyer_id: int | None,
    seller_id: int | None,
    items: Sequence[int] | None = None,
    *,
    receivable: bool = True,
) -> QuerySet[OpenItem]:
    """The invoice items still open after their due date with no case yet; `receivable=False`:
    on any account, for a caller that keeps those on a receivable account itself (`_receivable`).
    """
    qs = OpenItem.objects.filter(
        kind=OpenItem.Kind.INVOICE,
        open_amount__gt=0,
        due_date__lt=on,
        counterparty__isnull=False,
    ).filter(~Exists(LateCase.objects.filter(open_item=OuterRef("pk"))))
    if receivable:
        qs = qs.filter(account__purpose=Account.Purpose.RECEIVABLE)
    if buyer_id is not None:
        qs = qs.filter(party_id=buyer_id)
    if seller_id is not None:
        qs = qs.filter(counterparty_id=seller_id)
    if items is not None:
        qs = qs.filter(pk__in=items)
    return qs


def _receivable(account_ids: Iterable[int]) -> set[int]:
    """Those of `account_ids` that are receivable accounts.

    The sweep's reads of open items check the account's purpose through this rather than by a
    join: on tables without statistics yet (just loaded, as in the benchmark), PostgreSQL plans
    the join as a loop over the receivable accounts that reads all of the seller's items again
    for each (seconds on 100,000 items, where one pass takes 0.1 s)."""
    ids = sorted(set(account_ids))
    purpose = Account.Purpose.RECEIVABLE
    found: set[int] = set()
    for start in range(0, len(ids), 1000):  # a bounded number of parameters
        accounts = Account.objects.filter(pk__in=ids[start : start + 1000], purpose=purpose)
        found.update(accounts.values_list("pk", flat=True))
    return found


# a share of the buyers: the ids from the first (included) to the second (excluded), None: no end
Part = tuple[int | None, int | None]


def _in_part(qs: QuerySet[Any], buyer: str, part: Part | None) -> QuerySet[Any]:
    """Only the rows of the buyers of one share (core/parallel.py): a buyer's cases, charges,
    acceleration, suspension and reminder e-mail stay in one process."""
    low, high = part or (None, None)
    if low is not None:
        qs = qs.filter(**{f"{buyer}__gte": low})
    if high is not None:
        qs = qs.filter(**{f"{buyer}__lt": high})
    return qs


# the columns of a new case, in the order of `_new_cases`'s select
OPENED = (
    "open_item",
    "buyer",
    "seller",
    "due_date",
    "invoice_date",
    "incl_vat",
    "excl_vat",
    "stage",
    "interest_from",
    "interest_posted",
    "interest_accrued",
    "accrued_on",
    "indemnity_posted",
    "collection_costs_posted",
    "reminders",
    "opened_at",
    "consumer",
)


def _new_cases(
    on: date,
    buyer_id: int | None,
    seller_id: int | None,
    *,
    items: Sequence[int] | None = None,
) -> QuerySet[OpenItem]:
    """One row per late invoice item without a case: the values of its case, in the order of
    `OPENED` (`_new_rows` computes the same in Python for the sweep). The invoice date and the
    amount excl. VAT come from the billing invoice of that number; without one (an item posted
    directly), the entry's date and the amount incl. VAT. A consumer's invoice (O17) opens a
    `consumer` case, on which the 40 € indemnity is never charged."""
    invoice = Invoice.objects.filter(
        issuer_id=OuterRef("counterparty_id"), number=OuterRef("reference")
    )

    def field(name: str) -> Field[Any, Any]:
        found = LateCase._meta.get_field(name)
        assert isinstance(found, Field)
        return found

    due = F("due_date")
    values = {
        "c_open_item": F("pk"),
        "c_buyer": F("party_id"),
        "c_seller": F("counterparty_id"),
        "c_due": due,
        "c_invoice_date": Case(
            When(
                Exists(invoice),
                then=Coalesce(Subquery(invoice.values("issue_date")[:1]), due),
            ),
            default=Coalesce(F("entry__date"), due),
            output_field=DateField(),
        ),
        "c_incl": F("amount"),
        "c_excl": Coalesce(
            Subquery(invoice.values("total_excl_vat")[:1]),
            F("amount"),
            output_field=field("excl_vat"),
        ),
        "c_stage": Value(Stage.LATE, output_field=field("stage")),
        "c_interest_from": due,
        "c_interest_posted": Value(ZERO, output_field=field("interest_posted")),
        "c_interest_accrued": Value(ZERO, output_field=field("interest_accrued")),
        "c_accrued_on": due,
        "c_indemnity": Value(False, output_field=field("indemnity_posted")),
        "c_costs": Value(False, output_field=field("collection_costs_posted")),
        "c_reminders": Value(0, output_field=field("reminders")),
        "c_opened_at": Value(clock.now(), output_field=field("opened_at")),
        # O17: the B2B charges are not a consumer's to pay [004 §8.10] (C. com. L441-10)
        "c_consumer": Exists(invoice.filter(consumer=True)),
    }
    assert len(values) == len(OPENED)
    qs = _late_items(on, buyer_id, seller_id, items).annotate(**values)
    return qs.order_by().values_list(*values)


def cases_open(
    *,
    on: date,
    buyer_id: int | None = None,
    seller_id: int | None = None,
    items: Sequence[int] | None = None,
) -> int:
    """Open a late case for every invoice item still open after its due date (before `on`).

    One INSERT … SELECT: no item goes through Python. A case another worker opened meanwhile is
    skipped (one case per item, unique); returns the number of cases this call opened."""
    return insert_select(
        LateCase, OPENED, _new_cases(on, buyer_id, seller_id, items=items), ignore_conflicts=True
    )


# what the sweep reads of a late item without a case (`_late_rows`)
_ITEM = (
    "pk",
    "party_id",
    "counterparty_id",
    "due_date",
    "entry__date",
    "amount",
    "open_amount",
    "reference",
)


# what a late case takes from the billing invoice of its item: issue date, total excl. VAT, and
# whether the buyer is a consumer (O17)
_Billed = dict[tuple[int, str | None], tuple[date | None, Decimal | None, bool]]


def _late_rows(on: date, seller_id: int | None, part: Part | None) -> tuple[list[tuple], _Billed]:
    """The late invoice items without a case, by id (the columns of `_ITEM`), and the billing
    invoices of their numbers by (issuer, number). Plain reads: no correlated sub-select per
    item (those of `_new_cases`, on 30,000 items at once, had PostgreSQL JIT-compile the query,
    over 2 s of server CPU for a query that runs in 0.3 s) and no join to the accounts
    (`_receivable`)."""
    qs = _late_items(on, None, seller_id, receivable=False)
    qs = _in_part(qs, "party_id", part).order_by()
    found = list(qs.order_by("pk").values_list("account_id", *_ITEM))
    receivable = _receivable(row[0] for row in found)
    rows = [row[1:] for row in found if row[0] in receivable]
    invoices = Invoice.objects.filter(
        issuer_id__in=qs.values("counterparty_id"), number__in=qs.values("reference")
    ).values_list("issuer_id", "number", "issue_date", "total_excl_vat", "consumer")
    return rows, {
        (issuer, number): (issued, excl, consumer)
        for issuer, number, issued, excl, consumer in invoices
    }


def _new_rows(items: Sequence[tuple], billed: _Billed, opened_at: Any) -> list[tuple]:
    """The values `_new_cases` selects for the late `items` (rows of `_late_rows`), in the order
    of `OPENED`, then the item's open amount and reference."""
    late = Stage.LATE.value
    rows = []
    for pk, buyer, seller, due, entry_date, incl, open_amount, reference in items:
        invoice = billed.get((seller, reference))
        if invoice is None:  # an item posted directly: the entry's date, the amount incl. VAT
            invoice_date, excl, consumer = entry_date or due, incl, False
        else:
            issued, total_excl, consumer = invoice
            invoice_date = issued or due
            excl = incl if total_excl is None else total_excl
        rows.append(
            (pk, buyer, seller, due, invoice_date, incl, excl, late, due, ZERO, ZERO, due)
            + (False, False, 0, opened_at, consumer, open_amount, reference)
        )
    return rows


# a new case as inserted once worked on: its opening values, then the collection fields
INSERTED = (*OPENED, "last_reminder_on", "notice_deadline", "resolved_on", "settled_on")
_ATTNAMES = [LateCase._meta.get_field(name).attname for name in INSERTED]  # type: ignore[union-attr]
# where each model field's value sits in a row of `_new_rows` (None: no value)
_POSITIONS = [
    OPENED.index(f.name) if f.name in OPENED else None for f in LateCase._meta.concrete_fields
]


def _open_cases(on: date, seller_id: int | None, part: Part | None) -> list[int]:
    qs = LateCase.objects.filter(~Q(stage__in=[Stage.SETTLED, Stage.RESOLVED]))
    if seller_id is not None:
        qs = qs.filter(seller_id=seller_id)
    qs = _in_part(qs, "buyer_id", part)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _locked(ids: list[int]) -> list[LateCase]:
    """The open cases among `ids` (sorted), locked, each with its item's open amount and
    reference (`item_open`, `item_reference`). Selected by the range of `ids` rather than a list
    of 2,000 parameters: a case opened meanwhile inside the range is simply processed too."""
    qs = LateCase.objects.filter(pk__gte=ids[0], pk__lte=ids[-1]).filter(
        ~Q(stage__in=[Stage.SETTLED, Stage.RESOLVED])
    )
    qs = qs.annotate(
        item_open=F("open_item__open_amount"), item_reference=F("open_item__reference")
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by("pk"))


@dataclass
class _Run:
    on: date
    result: CollectionResult
    policies: dict[int, PaymentPolicy | None] = field(default_factory=dict)
    charges: list[Charge] = field(default_factory=list)
    late_pairs: set[tuple[int, int]] = field(default_factory=set)
    mails: list[tuple[int, tuple[str, str], tuple[str, str], tuple[str, bytes, str] | None]] = (
        field(default_factory=list)
    )
    # one reminder e-mail per buyer and seller and run, listing its late invoices
    reminded: dict[tuple[int, int], list[tuple[str, date, Decimal]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    notices: list[int] = field(default_factory=list)  # to render and mail after commit
    # the parties of the formal notices' letters, read once a run (services.notices)
    letter_parties: LetterParties = field(default_factory=dict)

    def policy(self, seller_id: int) -> PaymentPolicy | None:
        if seller_id not in self.policies:
            self.policies[seller_id] = payment_policy(seller_id, self.on)
        return self.policies[seller_id]


def _indemnity(run: _Run, case: LateCase, policy: PaymentPolicy, reference: str) -> None:
    fixed = policy.document.late_payment.fixed_indemnity
    # O17: no recovery indemnity on a consumer's invoice (C. com. L441-10, between professionals)
    if case.indemnity_posted or case.consumer or fixed is None:
        return
    case.indemnity_posted = True
    run.result.indemnities += 1
    run.charges.append(
        Charge(
            case.buyer_id,
            case.seller_id,
            OpenItem.Kind.FEE,
            fixed.amount,
            reference,
            f"Indemnité forfaitaire pour frais de recouvrement {reference} (C. com. D441-5, PT11)",
            run.on,
            labels.facts(labels.INDEMNITY, reference=reference),
        )
    )


def _reminder(run: _Run, case: LateCase, policy: PaymentPolicy, ref: str, owed: Decimal) -> None:
    step = rules.reminder_step(case.due_date, run.on)
    if step <= case.reminders:
        return
    case.reminders = step
    case.last_reminder_on = run.on
    if case.stage == Stage.LATE:
        case.stage = Stage.REMINDED
    run.result.reminders += 1
    fee = policy.document.late_payment.reminder_fee
    # [004 §8.10] the reminder fees, like the penalty interest, are not a consumer's to pay
    if fee is not None and not (case.consumer and fee.consumers_exempt):
        clause = policy.clause("late_payment", "reminder_fee") or "PT11"
        run.charges.append(
            Charge(
                case.buyer_id,
                case.seller_id,
                OpenItem.Kind.FEE,
                fee.amount,
                ref,
                f"Frais de relance n° {case.reminders} {ref} ({clause})",
                run.on,
                labels.facts(
                    labels.REMINDER_FEE, number=case.reminders, reference=ref, clause=clause
                ),
            )
        )
    run.reminded[(case.buyer_id, case.seller_id)].append((ref, case.due_date, owed))


def _settle_finished(cases: list[LateCase], open_amounts: dict[int, Decimal], on: date) -> int:
    done = 0
    for case in cases:
        if open_amounts.get(case.open_item_id, ZERO) <= 0 and case.stage != Stage.SETTLED:
            case.stage = Stage.SETTLED
            case.settled_on = on
            done += 1
    return done


_Notice = tuple[LateCase, PaymentPolicy, str, Decimal]


def _chunk(run: _Run, ids: list[int]) -> None:
    """Work on the open cases among `ids`, locked; save those that changed."""
    cases = _locked(ids)
    if not cases:
        return
    before = [_saved(case) for case in cases]
    open_amounts = {c.open_item_id: c.item_open for c in cases}  # type: ignore[attr-defined]
    references = {c.open_item_id: c.item_reference for c in cases}  # type: ignore[attr-defined]
    _work(run, cases, open_amounts, references)
    _save([case for case, was in zip(cases, before, strict=True) if _saved(case) != was])


class _Taken(Exception):
    """Another worker opened some of the cases of a chunk meanwhile."""


def _open_chunk(run: _Run, rows: Sequence[tuple]) -> None:
    """New cases (rows of `_new_rows`): worked on in memory, then inserted once with the day's
    values, so they are neither locked nor updated. If another worker inserted any of them
    meanwhile (one case per item, unique), `_Taken` is raised for the caller to roll this chunk
    back."""
    cases = [
        LateCase(None, *[row[i] if i is not None else None for i in _POSITIONS[1:]])  # type: ignore[misc]
        for row in rows
    ]
    width = len(OPENED)
    open_amounts = {row[0]: row[width] for row in rows}
    references = {row[0]: row[width + 1] for row in rows}
    notices = _work(run, cases, open_amounts, references)
    values = attrgetter(*_ATTNAMES)
    at = INSERTED.index("opened_at")
    opened_at = prepared(LateCase, "opened_at", clock.now())
    try:  # straight in (PostgreSQL: COPY), not through a scratch table skipping conflicts
        ids = insert_returning(
            LateCase,
            INSERTED,
            [(*row[:at], opened_at, *row[at + 1 :]) for row in map(values, cases)],
        )
    except IntegrityError as exc:
        raise _Taken from exc
    for case, pk in zip(cases, ids, strict=True):
        case.pk = pk
    # the items' open amounts and references as each notice would read them, in one query
    items = open_items_read([case.open_item_id for case, *_ in notices]) if notices else {}
    for notice in notices:
        _notice(run, *notice, items=items)
    _save([case for case, *_ in notices])


def _notice(
    run: _Run,
    case: LateCase,
    policy: PaymentPolicy,
    ref: str,
    owed: Decimal,
    items: dict[int, tuple[Decimal, str]] | None = None,
) -> None:
    """The formal notice of `case`: its interest claimed, then the letter (services.notices).
    `items`: the open amounts and references just read (`open_items_read`), if at hand."""
    from comptoir.payments.services.notices import notice_send

    mine = None if items is None else {case.open_item_id: items[case.open_item_id]}
    run.charges.extend(c for _, c in interest_charges([case], policy, run.on, mine))
    notice_send(run, case, policy, ref, owed)


def _work(
    run: _Run,
    cases: list[LateCase],
    open_amounts: dict[int, Decimal],
    references: dict[int, str],
) -> list[_Notice]:
    """The day's work on `cases`: interest, indemnity, reminders, notice, resolution. A case not
    saved yet gets its formal notice later (the letter names the case): returned for that."""
    from comptoir.payments.services.notices import resolution_apply

    later: list[_Notice] = []
    run.result.settled += _settle_finished(cases, open_amounts, run.on)
    live = [c for c in cases if c.stage != Stage.SETTLED]
    by_seller: dict[int, list[LateCase]] = defaultdict(list)
    for case in live:
        by_seller[case.seller_id].append(case)
    for seller_id, group in by_seller.items():
        policy = run.policy(seller_id)
        if policy is None:
            continue
        # the parties of the letters of the notices due below, read at once
        letter_parties_load(
            run.letter_parties,
            {
                org
                for c in group
                if c.stage != Stage.FORMAL_NOTICE
                and rules.formal_notice_due(c.due_date, run.on, False)
                for org in (c.seller_id, c.buyer_id)
            },
        )
        accrued = interest_to(group, open_amounts, policy, run.on)
        for case, interest in zip(group, accrued, strict=True):
            case.interest_accrued = interest
            case.accrued_on = run.on
            ref = references[case.open_item_id]
            run.late_pairs.add((case.buyer_id, case.seller_id))
            _indemnity(run, case, policy, ref)
            owed = open_amounts[case.open_item_id]
            if case.stage in (Stage.LATE, Stage.REMINDED):
                _reminder(run, case, policy, ref, owed)
            if case.stage != Stage.FORMAL_NOTICE and rules.formal_notice_due(
                case.due_date, run.on, False
            ):
                if case.pk is None:
                    later.append((case, policy, ref, owed))
                else:
                    _notice(run, case, policy, ref, owed)
            elif (
                case.stage == Stage.FORMAL_NOTICE
                and case.notice_deadline is not None
                and run.on > case.notice_deadline
                and policy.document.late_payment.resolution is not None
            ):
                resolution_apply(run, case, policy, ref, owed)
    return later


SAVED = (
    "stage",
    "interest_from",
    "interest_posted",
    "interest_accrued",
    "accrued_on",
    "indemnity_posted",
    "collection_costs_posted",
    "reminders",
    "last_reminder_on",
    "notice_deadline",
    "resolved_on",
    "settled_on",
)


_saved = attrgetter(*SAVED)  # a case's collection fields, to save only the cases that changed


def _save(cases: list[LateCase]) -> None:
    """Save the cases' collection fields: on PostgreSQL one UPDATE … FROM (VALUES …) per batch
    (bulk_update's CASE expressions took minutes on 100,000 cases)."""
    update_rows(LateCase, SAVED, [(case.pk, *_saved(case)) for case in cases])


def _consequences(run: _Run, pairs: Sequence[tuple[int, int]]) -> None:
    """PT11/F8 for the (buyer, seller) `pairs` found late, in their order: the buyers' debts
    accelerated and their orders suspended as each seller's terms say. Set-based: per seller one
    read and one UPDATE of the debts moved, then one insert of all the new suspensions (where
    each pair took five queries and a savepoint)."""
    policies: dict[int, PaymentPolicy] = {}
    for _, seller_id in pairs:
        policy = run.policy(seller_id)
        if policy is not None:  # no terms published: no consequence
            policies[seller_id] = policy
    pairs = [(b, s) for b, s in pairs if s in policies]
    buyers: dict[int, list[int]] = defaultdict(list)
    for buyer_id, seller_id in pairs:
        buyers[seller_id].append(buyer_id)
    moved: dict[tuple[int, int], list[tuple[str, date | None]]] = defaultdict(list)
    for seller_id, ids in buyers.items():
        if policies[seller_id].enabled("acceleration"):
            for buyer_id, ref, due in _accelerate(run.on, seller_id, ids):
                moved[(buyer_id, seller_id)].append((ref, due))
    for buyer_id, seller_id in pairs:  # one audit entry per pair, as the pairs come
        items = moved.get((buyer_id, seller_id))
        if not items:
            continue
        run.result.accelerated += len(items)
        audit_record(
            actor=None,
            organization_id=seller_id,
            action="payments.debts_accelerated",
            obj_type="parties.organization",
            obj_id=buyer_id,
            data={
                "rule": "PT11",
                "clause": policies[seller_id].clause("late_payment", "acceleration"),
                "items": [[ref, due.isoformat() if due else None] for ref, due in items],
            },
        )
    _suspend(run, pairs, policies)


def _accelerate(
    on: date, seller_id: int, buyer_ids: list[int]
) -> list[tuple[int, str, date | None]]:
    """PT11 acceleration: the debts not yet due of the buyers `buyer_ids` with this seller are
    due at once. Returns them as (buyer, reference, former due date), by due date."""
    items = OpenItem.objects.filter(
        party_id__in=buyer_ids, counterparty_id=seller_id, open_amount__gt=0, due_date__gt=on
    )
    # a buyer's debts by due date, as its index gives them
    rows = list(
        items.order_by("due_date", "pk").values_list(
            "account_id", "party_id", "reference", "due_date"
        )
    )
    receivable = _receivable(row[0] for row in rows)
    moved = [row[1:] for row in rows if row[0] in receivable]
    if moved:  # the same items: the accounts named, not joined (`_receivable`)
        items.filter(account_id__in=sorted(receivable)).update(due_date=on)
    return moved


_SUSPENSION = ("buyer", "seller", "since", "reason", "rule", "lifted_on", "terms_cut_until")


def _suspend(
    run: _Run, pairs: Sequence[tuple[int, int]], policies: dict[int, PaymentPolicy]
) -> None:
    """PT11/F8 suspension of pending orders and deliveries, and terms cut [003 §7], of the pairs
    not suspended yet, in one insert; a pair another worker suspended meanwhile is skipped (one
    active suspension per pair, unique)."""
    active = set(
        Suspension.objects.filter(
            buyer_id__in={b for b, _ in pairs}, seller_id__in={s for _, s in pairs}, lifted_on=None
        ).values_list("buyer_id", "seller_id")
    )
    rows = []
    for buyer_id, seller_id in pairs:
        policy = policies[seller_id]
        if (buyer_id, seller_id) in active:
            continue
        cut = policy.document.late_payment.terms_cut
        if not policy.enabled("suspension") and cut is None:
            continue
        clause = policy.clause("late_payment", "suspension") or policy.clause(
            "late_payment", "terms_cut"
        )
        until = add_months(run.on, cut.min_months) if cut else None
        reason = f"Retard de paiement ({clause or 'PT11'})"
        rows.append((buyer_id, seller_id, run.on, reason, "PT11", None, until))
    run.result.suspended += len(insert_new(Suspension, _SUSPENSION, rows, returning=("id",)))


def lift_if_clear(*, buyer_id: int, seller_id: int, on: date) -> bool:
    """Lift the pair's suspension once nothing is overdue; a terms cut [003 §7] stays in force
    until its own end (kept on the lifted suspension)."""
    active = Suspension.objects.filter(buyer_id=buyer_id, seller_id=seller_id, lifted_on=None)
    if not active.exists():
        return False
    overdue = OpenItem.objects.filter(
        party_id=buyer_id,
        counterparty_id=seller_id,
        account__purpose=Account.Purpose.RECEIVABLE,
        open_amount__gt=0,
        due_date__lt=on,
    ).exists()
    if overdue:
        return False
    return bool(active.update(lifted_on=on))


def _lift(on: date, seller_id: int | None, part: Part | None) -> int:
    active = Suspension.objects.filter(lifted_on=None)
    if seller_id is not None:
        active = active.filter(seller_id=seller_id)
    active = _in_part(active, "buyer_id", part)
    pairs = set(active.values_list("buyer_id", "seller_id"))
    if not pairs:
        return 0
    # what `lift_if_clear` asks pair by pair, in one query: the pairs still overdue (their
    # accounts checked by `_receivable`)
    found = set(
        OpenItem.objects.filter(
            party_id__in={b for b, _ in pairs},
            counterparty_id__in={s for _, s in pairs},
            open_amount__gt=0,
            due_date__lt=on,
        )
        .order_by()
        .values_list("party_id", "counterparty_id", "account_id")
        .distinct()
    )
    receivable = _receivable(account for *_, account in found)
    overdue = {(b, s) for b, s, account in found if account in receivable}
    return sum(
        active.filter(buyer_id=b, seller_id=s).update(lifted_on=on)
        for b, s in sorted(pairs - overdue)
    )


def _reminder_mails(
    reminded: dict[tuple[int, int], list[tuple[str, date, Decimal]]],
) -> list[tuple[int, Any, Any, Any]]:
    out: list[tuple[int, Any, Any, Any]] = []
    for (buyer_id, _seller_id), rows in reminded.items():
        fr = "\n".join(
            f"- {ref} : échue le {due:%d/%m/%Y}, reste dû {format_money(owed)}"
            for ref, due, owed in rows
        )
        en = "\n".join(
            f"- {ref}: due {due:%d/%m/%Y}, still owed {format_money(owed, 'en')}"
            for ref, due, owed in rows
        )
        out.append(
            (
                buyer_id,
                ("Relance : factures échues", "Reminder: overdue invoices"),
                (
                    f"Les factures suivantes sont échues :\n{fr}\n"
                    "Des intérêts de retard courent depuis le lendemain de l'échéance (PT11).",
                    f"The following invoices are overdue:\n{en}\n"
                    "Late-payment interest runs from the day after the due date (PT11).",
                ),
                None,
            )
        )
    return out


def _notices_enqueue(ids: list[int]) -> None:
    from comptoir.payments.tasks import mail_formal_notice

    for pk in ids:
        mail_formal_notice.enqueue(pk)


def _send_all(mails: list[tuple[int, Any, Any, Any]]) -> None:
    """Send over one mail connection (SMTP: one session for the whole run)."""
    if not mails:
        return
    with get_connection() as mailer:
        notifications.send_many(mails, connection=mailer)


def collection_run(
    *, on: date | None = None, seller_id: int | None = None, part: Part | None = None
) -> CollectionResult:
    """The collection sweep for day `on` (default today): see the module's docstring. With
    `part=(k, n)`, only the buyers whose id is k modulo n (`collection_run_parallel`)."""
    on = on or clock.today()
    result = CollectionResult()
    ids = _open_cases(on, seller_id, part)  # the cases opened before this run
    new, billed = _late_rows(on, seller_id, part)  # the late items without a case yet
    pairs_done: set[tuple[int, int]] = set()  # acceleration and suspension: once per run
    reminded: dict[tuple[int, int], list[tuple[str, date, Decimal]]] = defaultdict(list)
    policies: dict[int, PaymentPolicy | None] = {}
    parties: LetterParties = {}  # shared by the chunks, as the policies

    def finish(run: _Run) -> None:
        charges_post(run.charges)
        pairs = sorted(run.late_pairs - pairs_done)
        pairs_done.update(pairs)
        _consequences(run, pairs)
        transaction.on_commit(partial(_send_all, list(run.mails)))
        transaction.on_commit(partial(_notices_enqueue, list(run.notices)))
        result.add(run.result)
        for pair, rows in run.reminded.items():
            reminded[pair].extend(rows)

    for start in range(0, len(ids), CHUNK):
        run = _Run(on=on, result=CollectionResult(), policies=policies, letter_parties=parties)
        with transaction.atomic():
            _chunk(run, ids[start : start + CHUNK])
            finish(run)
    for start in range(0, len(new), CHUNK):
        rows = _new_rows(new[start : start + CHUNK], billed, clock.now())
        with transaction.atomic():
            run = _Run(
                on=on,
                result=CollectionResult(opened=len(rows)),
                policies=policies,
                letter_parties=parties,
            )
            try:
                with transaction.atomic():
                    _open_chunk(run, rows)
            except _Taken:  # another worker is on these items too: open the rest, then lock
                items = [row[0] for row in rows]
                run = _Run(
                    on=on, result=CollectionResult(), policies=policies, letter_parties=parties
                )
                run.result.opened = cases_open(on=on, seller_id=seller_id, items=items)
                taken = LateCase.objects.filter(open_item_id__in=items).order_by("pk")
                _chunk(run, list(taken.values_list("pk", flat=True)))
            finish(run)
    transaction.on_commit(partial(_send_all, _reminder_mails(reminded)))
    with transaction.atomic():
        result.lifted = _lift(on, seller_id, part)
    return result


def _work_by_buyer(on: date, seller_id: int | None) -> list[tuple[int, int]]:
    """(buyer id, open cases + late items without a case), by buyer id."""
    work: dict[int, int] = defaultdict(int)
    cases = LateCase.objects.filter(~Q(stage__in=[Stage.SETTLED, Stage.RESOLVED]))
    if seller_id is not None:
        cases = cases.filter(seller_id=seller_id)
    for buyer_id, n in cases.order_by().values_list("buyer_id").annotate(n=Count("pk")):
        work[buyer_id] += n
    items = _late_items(on, None, seller_id, receivable=False).order_by()
    counted = list(items.values_list("party_id", "account_id").annotate(n=Count("pk")))
    receivable = _receivable(account for _, account, _ in counted)
    for buyer_id, account, n in counted:
        if account in receivable:
            work[buyer_id] += n
    return sorted(work.items())


def collection_run_parallel(
    *, on: date | None = None, seller_id: int | None = None, workers: int | None = None
) -> CollectionResult:
    """`collection_run` split by buyer over `workers` processes (default: the
    COMPTOIR_SWEEP_WORKERS setting) on PostgreSQL, in this process otherwise. Each process takes
    a range of buyers with about the same number of cases and late items; the ranges are
    disjoint, so the result is the one a single run gives."""
    on = on or clock.today()
    workers = workers or sweep_workers()
    parts: list[Part] = [(None, None)]
    if can_split(workers):
        parts = cut(_work_by_buyer(on, seller_id), workers)
    total = CollectionResult()
    for share in run_parts(collection_run, parts, on=on, seller_id=seller_id):
        total.add(share)
    return total


def notice_deadline_for(policy: PaymentPolicy, sent_on: date) -> date:
    """When the formal notice's time runs out: the terms' resolution delay, else 8 days."""
    resolution = policy.document.late_payment.resolution
    if resolution is None:
        return sent_on + timedelta(days=8)
    delay = resolution.after_formal_notice
    return rules.notice_deadline(sent_on, int(delay.amount), delay.unit)


__all__ = [
    "CollectionResult",
    "FormalNotice",
    "cases_open",
    "collection_run",
    "collection_run_parallel",
]
