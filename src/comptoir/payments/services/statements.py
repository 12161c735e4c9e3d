"""Bank statement import (CAMT.053, MT940) and reconciliation.

Each credit is matched to a buyer's open items: by the invoice number or its RF reference in the
remittance text; else, when the text names an order awaiting its prepayment (O10), it is recorded
as that order's prepayment (reference = the order number); else by the payer's IBAN when that
buyer owes exactly that amount. Payments may not read orders: the layer that knows them answers
through `payments.hooks`. Debit returns (R-transactions) are matched to their direct debit by
end-to-end id, debits of a refund by transfer to that refund ("RB…", O12, O17, I5), which is
then paid. What cannot be matched waits in the review queue. The same file, or the same
booked movement, is never imported twice.

The seller's page runs the import as a job (`statement_import_start`, operation
"payments.statement_import"): the upload is checked before it is queued, then the worker imports
it with a progress bar (one step per entry of the file).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.jobs import NullProgress, Progress, job_create, operation
from comptoir.core.models import Job
from comptoir.core.services import audit_record
from comptoir.ledger.bulk import insert_rows
from comptoir.ledger.models import Account, OpenItem
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission
from comptoir.payments import hooks, rules
from comptoir.payments.formats import parse_statement
from comptoir.payments.formats.statement import StatementLine
from comptoir.payments.models import (
    DirectDebit,
    Mandate,
    Payment,
    Payout,
    StatementEntry,
    StatementImport,
)
from comptoir.payments.services import bulk
from comptoir.payments.services.debits import debit_return
from comptoir.payments.services.payouts import payout_paid_from_statement
from comptoir.payments.services.recording import payment_record
from comptoir.payments.services.refunds import refund_id_in, refund_paid_from_statement

if TYPE_CHECKING:
    from comptoir.payments.formats.statement import Statement

Status = StatementEntry.Status
IMPORT_KIND = "payments.statement_import"
MAX_STATEMENT_BYTES = 10 * 1024 * 1024  # a month of a busy account in CAMT.053 stays well below


@dataclass
class ImportResult:
    statement: StatementImport
    created: bool
    matched: int = 0
    to_review: int = 0
    returned: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class _Open:
    """What reconciliation needs of an open invoice item (lighter than the model)."""

    pk: int
    party_id: int
    counterparty_id: int | None
    reference: str
    open_amount: Decimal


class _Index:
    """Open invoice items of the sellers concerned, by number and RF reference; buyers by IBAN.

    The RF reference of every item is computed only when the statement has a token that may be
    one (starting with "RF"): a statement of invoice numbers is matched without it."""

    def __init__(self, seller_ids: set[int], tokens: set[str] | None = None) -> None:
        with_rf = tokens is None or any(token.startswith("RF") for token in tokens)
        self.by_ref: dict[str, _Open] = {}
        self.by_buyer_amount: dict[tuple[int, int, Decimal], list[_Open]] = {}
        rows = (
            OpenItem.objects.filter(
                counterparty_id__in=seller_ids,
                account__purpose=Account.Purpose.RECEIVABLE,
                kind=OpenItem.Kind.INVOICE,
                open_amount__gt=0,
            )
            .order_by()
            .values_list("pk", "party_id", "counterparty_id", "reference", "open_amount")
        )
        for row in rows.iterator(chunk_size=5000):
            item = _Open(*row)
            ref = item.reference.upper()
            self.by_ref[ref] = item
            if with_rf:
                self.by_ref[rules.payment_reference(ref)] = item
            key = (item.party_id, item.counterparty_id or 0, item.open_amount)
            self.by_buyer_amount.setdefault(key, []).append(item)
        self.buyers_by_iban: dict[str, set[int]] = {}
        rows_iban = list(Mandate.objects.values_list("iban", "buyer_id").distinct())
        rows_iban += list(
            Payment.objects.exclude(payer_iban="")
            .order_by()
            .values_list("payer_iban", "buyer_id")
            .distinct()
        )
        rows_iban += list(
            Organization.objects.filter(is_buyer=True).exclude(iban="").values_list("iban", "pk")
        )
        for iban, buyer in rows_iban:
            self.buyers_by_iban.setdefault(iban.replace(" ", "").upper(), set()).add(buyer)

    def match(self, line: StatementLine, sellers: set[int]) -> _Open | None:
        return self.match_named(line, sellers) or self.match_by_iban(line, sellers)

    def match_named(self, line: StatementLine, sellers: set[int]) -> _Open | None:
        """The open invoice the remittance text names (number or RF reference)."""
        for token in rules.references_in(line.reference):
            item = self.by_ref.get(token)
            if item is not None and item.counterparty_id in sellers:
                return item
        return None

    def match_by_iban(self, line: StatementLine, sellers: set[int]) -> _Open | None:
        """The one open invoice of exactly the line's amount owed by the payer's IBAN's buyer."""
        buyers = self.buyers_by_iban.get(line.counterparty_iban.replace(" ", "").upper(), set())
        found = [
            item
            for buyer in buyers
            for seller in sellers
            for item in self.by_buyer_amount.get((buyer, seller, line.amount), [])
        ]
        return found[0] if len(found) == 1 else None


def _sellers_for(iban: str, seller: Organization | None) -> set[int]:
    """Whose account this is: the given seller, the seller holding that IBAN, or, for the
    operator's account, every marketplace seller (funds held for them, PT14)."""
    if seller is not None:
        return {seller.pk}
    compact = iban.replace(" ", "").upper()
    owners = list(Organization.objects.filter(iban=compact).values_list("pk", "is_operator"))
    if any(is_operator for _pk, is_operator in owners):
        return set(Organization.objects.filter(is_seller=True).values_list("pk", flat=True))
    return {pk for pk, _is_operator in owners}


def _already_imported(digest: str) -> list[StatementImport]:
    return list(
        StatementImport.objects.filter(
            Q(sha256=digest) | Q(sha256__startswith=f"{digest[:58]}-")
        ).order_by("sha256")
    )


def _read(data: bytes, filename: str, seller: Organization | None) -> list[Statement]:
    """The statements of the file, refused when it is not a statement or (with `seller`) when one
    is of another account than the seller's (PT4)."""
    statements = parse_statement(data, filename)
    if seller is not None:
        own = seller.iban.replace(" ", "").upper()
        for statement in statements:
            if statement.account_iban.replace(" ", "").upper() != own:
                raise DomainError(
                    code="statement_not_yours",
                    message=_("This statement is of account %(iban)s, not yours.")
                    % {"iban": statement.account_iban},
                    field="file",
                    rule="PT4",
                )
    return statements


def statement_import(
    *,
    data: bytes,
    filename: str = "",
    seller: Organization | None = None,
    actor: Any = None,
    progress: Progress | None = None,
) -> list[ImportResult]:
    """Import every statement of a CAMT.053 or MT940 file and reconcile it; importing the same
    file again changes nothing and reports it.

    `progress` (optional) gets the number of entries of the file as its total and advances by
    one as each entry is matched, recorded, sent to review or found already known."""
    progress = progress or NullProgress()
    digest = hashlib.sha256(data).hexdigest()
    done = _already_imported(digest)
    if done:  # the same file again: nothing to parse, nothing changes
        lines = sum(r.lines for r in done)
        progress.set_total(lines)
        progress.advance(lines)
        return [ImportResult(r, False, skipped=r.lines) for r in done]
    progress.note(_("Reading the file"))
    statements = _read(data, filename, seller)
    progress.set_total(sum(len(statement.lines) for statement in statements))
    results = []
    for i, statement in enumerate(statements):
        sha = digest if len(statements) == 1 else f"{digest[:58]}-{i:05d}"
        progress.note(
            _("Matching the entries of statement %(id)s (%(n)s of %(total)s)")
            % {"id": statement.statement_id, "n": i + 1, "total": len(statements)}
        )
        results.append(_import_one(statement, sha, filename, seller, actor, progress))
    return results


def statement_import_start(
    *,
    actor: Any,
    seller: Organization,
    data: bytes,
    filename: str = "",
    language: str | None = None,
) -> Job:
    """Queue the import of a bank statement file of the seller's account, run by a worker with
    progress (the job page). The file is checked first, as `statement_import` does (not empty, at
    most `MAX_STATEMENT_BYTES`, a CAMT.053 or MT940 statement, of the seller's own account): a
    refused file raises here and nothing is queued. A file already imported is queued all the
    same; its job reports that nothing changed."""
    require_permission(actor, seller, Permission.VIEW_INVOICES)
    if not seller.is_seller:
        raise DomainError(
            code="not_a_seller",
            message=_("Only a seller imports its bank statements."),
            field="seller",
            rule="PT4",
        )
    if not data.strip():
        raise DomainError(
            code="empty_file", message=_("The file is empty."), field="file", rule="PT4"
        )
    if len(data) > MAX_STATEMENT_BYTES:
        raise DomainError(
            code="file_too_large",
            message=_("The file is larger than %(n)s MB.") % {"n": MAX_STATEMENT_BYTES // 1024**2},
            field="file",
            rule="PT4",
        )
    if not _already_imported(hashlib.sha256(data).hexdigest()):
        _read(data, filename, seller)
    return job_create(
        kind=IMPORT_KIND,
        organization_id=seller.pk,
        actor=actor,
        data=data,
        filename=filename,
        language=language,
    )


@operation(IMPORT_KIND)
def _run_import_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The worker's side of `statement_import_start`: the file is read and checked again (the
    seller's IBAN may have changed since), then imported statement by statement."""
    seller = Organization.objects.get(pk=job.organization_id)
    results = statement_import(
        data=bytes(job.input),
        filename=job.filename,
        seller=seller,
        actor=job.created_by,
        progress=progress,
    )
    return import_summary(results)


def import_summary(results: list[ImportResult]) -> dict[str, Any]:
    """What an import did, as the job's result: entries recorded (new lines of the statements
    imported now), matched to an invoice or a debit, sent to review, debit returns, lines already
    known, and statements of the file imported before."""
    created = [r for r in results if r.created]
    return {
        "statements": len(created),
        "recorded": sum(r.statement.lines for r in created),
        "matched": sum(r.matched for r in created),
        "to_review": sum(r.to_review for r in created),
        "returned": sum(r.returned for r in created),
        "skipped": sum(r.skipped for r in created),
        "already_imported": sum(1 for r in results if not r.created),
    }


def _import_one(
    statement: Any,
    sha: str,
    filename: str,
    seller: Organization | None,
    actor: Any,
    progress: Progress,
) -> ImportResult:
    existing = StatementImport.objects.filter(sha256=sha).first()
    if existing is not None:
        progress.advance(len(statement.lines))
        return ImportResult(existing, False, skipped=existing.lines)
    sellers = _sellers_for(statement.account_iban, seller)
    with transaction.atomic():  # the whole statement or nothing
        record = StatementImport.objects.create(
            seller=seller,
            sha256=sha,
            filename=filename[:200],
            account_iban=statement.account_iban,
            statement_id=statement.statement_id[:140],
            imported_at=clock.now(),
        )
        result = ImportResult(record, True)
        outcomes = _reconcile_all(statement, sellers, result, actor, progress)
        insert_rows(
            StatementEntry,
            ENTRY_FIELDS,
            [
                (
                    record.pk,
                    line.bank_reference[:140],
                    statement.account_iban,
                    line.booking_date,
                    line.value_date,
                    line.amount,
                    line.reference[:280],
                    line.counterparty_name[:140],
                    line.counterparty_iban[:34],
                    line.end_to_end_id[:35],
                    line.return_reason[:8],
                    status,
                    note[:300],
                    payment.pk if payment is not None else None,
                )
                for line, (status, note, payment) in outcomes
            ],
        )
        for _line, (status, _note, _payment) in outcomes:
            if status == Status.MATCHED:
                result.matched += 1
            elif status == Status.REVIEW:
                result.to_review += 1
            elif status == Status.RETURNED:
                result.returned += 1
        StatementImport.objects.filter(pk=record.pk).update(
            lines=len(outcomes), matched=result.matched, to_review=result.to_review
        )
        record.refresh_from_db()
        audit_record(
            actor=actor,
            organization_id=seller.pk if seller else None,
            action="payments.statement_imported",
            obj_type="payments.statementimport",
            obj_id=record.pk,
            data={
                "matched": result.matched,
                "review": result.to_review,
                "returned": result.returned,
            },
        )
    return result


Outcome = tuple[str, str, Payment | None]
ENTRY_FIELDS = (
    "statement",
    "bank_reference",
    "account_iban",
    "booking_date",
    "value_date",
    "amount",
    "reference",
    "counterparty_name",
    "counterparty_iban",
    "end_to_end_id",
    "return_reason",
    "status",
    "note",
    "payment",
)


def _reconcile_all(
    statement: Any, sellers: set[int], result: ImportResult, actor: Any, progress: Progress
) -> list[tuple[StatementLine, Outcome]]:
    """Each new line's outcome, in statement order. Plain transfers are recorded together
    (`bulk.transfers_record`); returns, debits and transfers of buyers with something overdue
    (interest to claim first) or under a cash discount go one by one through the services."""
    seen = set(
        StatementEntry.objects.filter(
            account_iban=statement.account_iban,
            bank_reference__in=[line.bank_reference for line in statement.lines],
        ).values_list("bank_reference", flat=True)
    )
    index = _Index(
        sellers,
        {token for line in statement.lines for token in rules.references_in(line.reference)},
    )
    debits = {
        d.end_to_end_id: d
        for d in DirectDebit.objects.filter(
            end_to_end_id__in=[line.end_to_end_id for line in statement.lines if line.end_to_end_id]
        )
    }
    payouts = _payout_references(statement)
    lines: list[StatementLine] = []
    for line in statement.lines:
        if line.bank_reference in seen:
            result.skipped += 1
            progress.advance()
            continue
        seen.add(line.bank_reference)
        lines.append(line)
    today = clock.today()
    credits = [
        n
        for n, line in enumerate(lines)
        if line.amount > 0 and not (line.end_to_end_id and line.end_to_end_id in debits)
    ]
    matched: dict[int, _Open] = {}  # line position -> the invoice it names
    for n in credits:
        item = index.match_named(lines[n], sellers)
        if item is not None:
            matched[n] = item
    # O10: a line naming no invoice but an order awaiting its prepayment pays that order; the
    # order named beats the payer-IBAN guess below, and one naming several orders, or an order
    # a previous line covered, waits for the seller
    prepaid, order_notes = _orders_named(lines, [n for n in credits if n not in matched], sellers)
    for n in credits:
        if n not in matched and n not in prepaid and n not in order_notes:
            item = index.match_by_iban(lines[n], sellers)
            if item is not None:
                matched[n] = item
    pairs = {(i.party_id, i.counterparty_id or 0) for i in matched.values()}
    owed = bulk.debts_of(pairs)
    latest: dict[tuple[int, int], date] = {}
    for n, item in matched.items():
        pair = (item.party_id, item.counterparty_id or 0)
        latest[pair] = max(latest.get(pair, date.min), min(lines[n].value_date, today))
    cache: dict[int, Any] = {}
    plain_pairs = {
        pair for pair in pairs if bulk.is_plain(pair[1], latest[pair], owed[pair], cache)
    }
    keys = {n: f"stmt:{lines[n].bank_reference}"[:80] for n in matched}
    known = {
        p.idempotency_key: p
        for p in Payment.objects.filter(idempotency_key__in=list(keys.values()))
    }
    plain = [
        n
        for n, item in matched.items()
        if (item.party_id, item.counterparty_id or 0) in plain_pairs and keys[n] not in known
    ]
    if plain:
        progress.note(_("Recording %(n)s payment(s)") % {"n": len(plain)})
    made = bulk.transfers_record(
        [
            bulk.Transfer(
                buyer_id=matched[n].party_id,
                seller_id=matched[n].counterparty_id or 0,
                amount=lines[n].amount,
                value_date=min(lines[n].value_date, today),
                reference=f"{matched[n].reference} {lines[n].reference}"[:140],
                payer_iban=lines[n].counterparty_iban,
                idempotency_key=keys[n],
            )
            for n in plain
        ],
        owed,
        actor,
    )
    recorded = dict(zip(plain, made, strict=True))
    received: list[hooks.PrepaymentReceived] = []
    out: list[tuple[StatementLine, Outcome]] = []
    for n, line in enumerate(lines):
        if n in prepaid:
            out.append((line, _record_prepayment(line, prepaid[n], actor, received)))
        elif n in recorded:
            out.append((line, (Status.MATCHED, f"Facture {matched[n].reference}", recorded[n])))
        elif n in matched and keys[n] in known:
            out.append((line, (Status.MATCHED, f"Facture {matched[n].reference}", known[keys[n]])))
        elif n in matched:
            out.append((line, _record_one(line, matched[n], actor)))
        elif line.amount > 0 and not (line.end_to_end_id and line.end_to_end_id in debits):
            note = order_notes.get(n, "Aucune facture ouverte ne correspond")
            out.append((line, (Status.REVIEW, note, None)))
        elif line.amount < 0 and line.end_to_end_id in payouts:
            out.append((line, _payout_paid(line, actor)))
        elif line.amount < 0 and line.end_to_end_id not in debits and _names_refund(line):
            out.append((line, _refund_paid(line, sellers)))
        else:
            out.append((line, _reconcile(line, index, sellers, debits, actor)))
        progress.advance()
    hooks.prepayments_received(received)
    return out


def _order_note(number: str) -> str:
    return f"Commande {number} (paiement à la commande, O10)"


def _orders_named(
    lines: list[StatementLine], positions: list[int], sellers: set[int]
) -> tuple[dict[int, hooks.OrderRef], dict[int, str]]:
    """O10: the credit lines (by position) naming exactly one order of `sellers` awaiting its
    prepayment, asked in one call for the whole statement; and a review note for the lines
    naming several such orders or one a previous line of the statement already covered."""
    named = {
        n: sorted(t for t in rules.references_in(lines[n].reference) if rules.is_order_number(t))
        for n in positions
    }
    named = {n: numbers for n, numbers in named.items() if numbers}
    found = hooks.orders_awaiting_prepayment(
        sellers, {number for numbers in named.values() for number in numbers}
    )
    due = {number: ref.amount_due for number, ref in found.items()}
    prepaid: dict[int, hooks.OrderRef] = {}
    notes: dict[int, str] = {}
    for n, numbers in named.items():
        awaiting = [number for number in numbers if number in found]
        if len(awaiting) > 1:
            notes[n] = f"Plusieurs commandes nommées ({', '.join(awaiting)}) : à répartir"
        elif awaiting and due[awaiting[0]] <= 0:
            notes[n] = f"Commande {awaiting[0]} déjà couverte par une ligne précédente"
        elif awaiting:
            prepaid[n] = found[awaiting[0]]
            due[awaiting[0]] -= lines[n].amount  # what is paid above it stays a credit (PT7)
    return prepaid, notes


def _record_prepayment(
    line: StatementLine,
    ref: hooks.OrderRef,
    actor: Any,
    received: list[hooks.PrepaymentReceived],
) -> Outcome:
    """The line pays the order `ref` names (O10): a transfer of its buyer to its seller whose
    reference is the order number, so it counts in what was prepaid for the order."""
    key = f"stmt:{line.bank_reference}"[:80]
    known = Payment.objects.filter(seller_id=ref.seller_id, idempotency_key=key).exists()
    payment = payment_record(
        buyer=ref.buyer_id,
        seller=ref.seller_id,
        amount=line.amount,
        method="transfer",
        value_date=min(line.value_date, clock.today()),
        idempotency_key=key,
        reference=ref.number,
        payer_iban=line.counterparty_iban,
        source=Payment.Source.STATEMENT,
        actor=actor,
    )
    if not known:
        received.append(
            hooks.PrepaymentReceived(
                number=ref.number,
                buyer_id=ref.buyer_id,
                seller_id=ref.seller_id,
                payment_id=payment.pk,
                amount=payment.amount,
                source="statement",
            )
        )
    return Status.MATCHED, _order_note(ref.number), payment


def _payout_references(statement: Any) -> set[str]:
    """The end-to-end ids of the statement's debits that name a payout, when the statement is of
    the operator's account (the one that pays sellers out, PT14); none otherwise."""
    ids = {line.end_to_end_id for line in statement.lines if line.amount < 0 and line.end_to_end_id}
    if not ids:
        return set()
    compact = statement.account_iban.replace(" ", "").upper()
    if not Organization.objects.filter(is_operator=True, iban=compact).exists():
        return set()
    return set(Payout.objects.filter(end_to_end_id__in=ids).values_list("end_to_end_id", flat=True))


def _payout_paid(line: StatementLine, actor: Any) -> Outcome:
    """PT14: the operator's bank debited a payout's transfer: the payout is paid on the booking
    day (once: a payout already paid stays as it is). Another amount, or a payout that was never
    exported, goes to review."""
    paid, note = payout_paid_from_statement(
        end_to_end_id=line.end_to_end_id,
        amount=line.amount,
        booked_on=line.booking_date,
        bank_reference=line.bank_reference,
        actor=actor,
    )
    return (Status.MATCHED if paid else Status.REVIEW), note, None


def _names_refund(line: StatementLine) -> str:
    return refund_id_in(line.end_to_end_id, line.reference)


def _refund_paid(line: StatementLine, sellers: set[int]) -> Outcome:
    """O12, O17, I5: the seller's bank debited a refund by transfer (its end-to-end id "RB…",
    or the id in the text): the refund is paid on the booking day, once. An unknown id, another
    amount or a cancelled refund waits in the review queue."""
    paid, note = refund_paid_from_statement(
        end_to_end_id=_names_refund(line),
        amount=line.amount,
        booked_on=line.booking_date,
        seller_ids=sellers,
    )
    return (Status.MATCHED if paid else Status.REVIEW), note, None


def _record_one(line: StatementLine, item: _Open, actor: Any) -> Outcome:
    payment = payment_record(
        buyer=item.party_id,
        seller=item.counterparty_id,
        amount=line.amount,
        method="transfer",
        value_date=min(line.value_date, clock.today()),
        idempotency_key=f"stmt:{line.bank_reference}"[:80],
        reference=f"{item.reference} {line.reference}"[:140],
        payer_iban=line.counterparty_iban,
        source=Payment.Source.STATEMENT,
        actor=actor,
    )
    return Status.MATCHED, f"Facture {item.reference}", payment


def _reconcile(
    line: StatementLine,
    index: _Index,
    sellers: set[int],
    debits: dict[str, DirectDebit],
    actor: Any,
) -> tuple[str, str, Payment | None]:
    debit = debits.get(line.end_to_end_id) if line.end_to_end_id else None
    if line.amount < 0:
        if debit is not None and (line.return_reason or debit.status != "scheduled"):
            debit_return(
                debit=debit, reason=line.return_reason or "MS03", on=line.value_date, actor=actor
            )
            return (
                Status.RETURNED,
                f"Prélèvement {debit.end_to_end_id} rejeté ({line.return_reason})",
                None,
            )
        return Status.IGNORED, "Débit du compte", None
    if debit is not None:
        return Status.MATCHED, f"Prélèvement {debit.end_to_end_id} crédité", debit.payment
    return Status.REVIEW, "Aucune facture ouverte ne correspond", None


@transaction.atomic
def entry_assign(
    *, entry: StatementEntry, buyer: Organization, seller: Organization, actor: Any = None
) -> Payment:
    """Review queue: the seller says whose payment this is; it is recorded and allocated. When
    the line's text names one order of that buyer and seller awaiting its prepayment (O10), the
    payment's reference is the order number, so it counts as that order's prepayment."""
    entry = StatementEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Status.REVIEW:
        raise DomainError(
            code="not_in_review",
            message=_("This line is already reconciled."),
            field="entry",
        )
    numbers = {t for t in rules.references_in(entry.reference) if rules.is_order_number(t)}
    orders = [
        ref
        for ref in hooks.orders_awaiting_prepayment({seller.pk}, numbers).values()
        if ref.buyer_id == buyer.pk
    ]
    order = orders[0] if len(orders) == 1 else None
    key = f"stmt:{entry.bank_reference}"[:80]
    known = Payment.objects.filter(seller=seller, idempotency_key=key).exists()
    payment = payment_record(
        buyer=buyer,
        seller=seller,
        amount=entry.amount,
        method="transfer",
        value_date=entry.value_date,
        idempotency_key=key,
        reference=order.number if order is not None else entry.reference,
        payer_iban=entry.counterparty_iban,
        source=Payment.Source.STATEMENT,
        actor=actor,
    )
    entry.status = Status.MATCHED
    entry.payment = payment
    entry.note = "Rapproché manuellement"
    if order is not None:
        entry.note += f" : {_order_note(order.number)}"
        if not known:
            hooks.prepayments_received(
                [
                    hooks.PrepaymentReceived(
                        number=order.number,
                        buyer_id=buyer.pk,
                        seller_id=seller.pk,
                        payment_id=payment.pk,
                        amount=payment.amount,
                        source="review",
                    )
                ]
            )
    entry.save(update_fields=["status", "payment", "note"])
    return payment


@transaction.atomic
def entry_ignore(*, entry: StatementEntry, note: str, actor: Any = None) -> StatementEntry:
    entry = StatementEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != Status.REVIEW:
        raise DomainError(
            code="not_in_review",
            message=_("This line is already reconciled."),
            field="entry",
        )
    entry.status = Status.IGNORED
    entry.note = note[:300] or "Ignoré"
    entry.save(update_fields=["status", "note"])
    return entry


def review_queue(sellers: set[int] | None = None) -> Any:
    qs = StatementEntry.objects.filter(status=Status.REVIEW).select_related("statement")
    if sellers is not None:
        qs = qs.filter(statement__seller_id__in=sellers)
    return qs.order_by("value_date", "pk")
