"""`comptoir payments import-statement FILE | sepa-debits --seller S --out PATH |
payouts --out PATH | statement --buyer B --seller S [--json] |
lcr --seller S [--until DAY] [--out PATH] | lcr-return --seller S --reference R --reason CODE
[--on DAY] | refunds-export --seller S --out PATH | collect [--on DAY]`.

`lcr` lists the open LCR as CSV; with `--out` it writes those not remitted yet as a CFONB 160
"remise de LCR" file and marks them remitted (a second run writes nothing new). `lcr-return`
records a remitted LCR the bank returned unpaid (a second run changes nothing).

`import-statement` shows its progress on stderr, as `comptoir catalog import` does: a percentage
line per step of 5 % of the file's entries ("  50 % (2/4) Recording 1 payment(s)")."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.catalog.management.commands.catalog import TerminalProgress
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.parties.models import Organization
from comptoir.payments.models import LcrReturn
from comptoir.payments.queries import statement_of_account
from comptoir.payments.services import (
    collection_run_parallel,
    debits_export,
    payouts_export,
    statement_import,
)
from comptoir.payments.services.lcr import REASONS, lcr_export, lcr_return
from comptoir.payments.services.refunds import refunds_export
from comptoir.payments.services.schedule import lcr_to_present


def _org(value: str) -> Organization:
    """An organization given by id, SIREN, its e-mail or one of its users' e-mail."""
    org = (
        Organization.objects.filter(siren=value).first()
        or Organization.objects.filter(email__iexact=value).first()
        or Organization.objects.filter(
            memberships__user__email__iexact=value, memberships__is_active=True
        ).first()
    )
    if org is None and value.isdigit():
        org = Organization.objects.filter(pk=int(value)).first()
    if org is None:
        raise CommandError(f"No organization with id, SIREN or e-mail {value!r}.")
    return org


class Command(BaseCommand):
    help = "Payments: bank statements, SEPA files, payouts, statements of account, collection."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser(
            "import-statement", help="import a CAMT.053 or MT940 file and reconcile it"
        )
        p.add_argument("file")
        p.add_argument("--seller", help="whose account (default: found from the statement's IBAN)")
        p = sub.add_parser("sepa-debits", help="the seller's scheduled direct debits as pain.008")
        p.add_argument("--seller", required=True)
        p.add_argument("--out", required=True)
        p = sub.add_parser("payouts", help="pending marketplace payouts as pain.001")
        p.add_argument("--out", required=True)
        p = sub.add_parser("statement", help="a buyer's statement of account with a seller")
        p.add_argument("--buyer", required=True)
        p.add_argument("--seller", required=True)
        p.add_argument("--json", action="store_true", dest="as_json")
        p = sub.add_parser(
            "lcr", help="the seller's open LCR due by a day, with their present-by day"
        )
        p.add_argument("--seller", required=True)
        p.add_argument("--until", type=date.fromisoformat)
        p.add_argument(
            "--out", help="write the LCR not remitted yet as a CFONB 160 file and mark them"
        )
        p = sub.add_parser("lcr-return", help="a remitted LCR the bank returned unpaid (PT4)")
        p.add_argument("--seller", required=True)
        p.add_argument("--reference", required=True, help="the invoice number, or lcr:ID")
        p.add_argument(
            "--reason", required=True, help=f"{', '.join(REASONS)}, or the bank's own words"
        )
        p.add_argument("--on", type=date.fromisoformat, help="the day it came back (today)")
        p = sub.add_parser(
            "refunds-export", help="the seller's due refunds by transfer as pain.001 (O12, O17)"
        )
        p.add_argument("--seller", required=True)
        p.add_argument("--out", required=True)
        p = sub.add_parser("collect", help="run the collection sweep for a day (default today)")
        p.add_argument("--on", type=date.fromisoformat)
        p.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes, each on its share of the buyers (PostgreSQL; default: "
            "COMPTOIR_SWEEP_WORKERS)",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(
                f"{exc.code}: {exc.message}" + (f" ({exc.rule})" if exc.rule else "")
            ) from exc

    def _import_statement(self, file: str, seller: str | None = None, **_: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        results = statement_import(
            data=path.read_bytes(),
            filename=path.name,
            seller=_org(seller) if seller else None,
            progress=TerminalProgress(self.stderr),
        )
        for r in results:
            if not r.created:
                self.stdout.write(
                    f"{r.statement.statement_id}: already imported on "
                    f"{r.statement.imported_at:%Y-%m-%d %H:%M}; nothing changed."
                )
                continue
            self.stdout.write(
                f"{r.statement.statement_id}: {r.statement.lines} line(s), {r.matched} matched, "
                f"{r.returned} debit return(s), {r.to_review} to review, {r.skipped} already seen."
            )

    def _sepa_debits(self, seller: str, out: str, **_: Any) -> None:
        batch = debits_export(seller=_org(seller))
        if batch is None:
            self.stdout.write("No scheduled direct debit.")
            return
        Path(out).write_bytes(bytes(batch.xml))
        self.stdout.write(f"{out}: {batch.count} debit(s), {batch.total} € ({batch.message_id}).")

    def _payouts(self, out: str, **_: Any) -> None:
        xml, payouts = payouts_export()
        if not payouts:
            self.stdout.write("No pending payout.")
            return
        Path(out).write_bytes(xml)
        for p in payouts:
            self.stdout.write(
                f"{p.seller.legal_name}: {p.gross} € − commission {p.commission} € = {p.net} €"
            )
        self.stdout.write(f"{out}: {len(payouts)} payout(s).")

    def _statement(self, buyer: str, seller: str, as_json: bool = False, **_: Any) -> None:
        s = statement_of_account(buyer=_org(buyer), seller=_org(seller))
        if as_json:
            rows = [
                {
                    "date": line.date.isoformat(),
                    "reference": line.reference,
                    "kind": line.kind,
                    "label": line.label,
                    "debit": str(line.debit),
                    "credit": str(line.credit),
                    "open": str(line.open_amount),
                    "due_date": line.due_date.isoformat() if line.due_date else None,
                    "explanation": line.explanation,
                }
                for line in s.lines
            ]
            data = {
                "balance": str(s.balance),
                "overdue": str(s.overdue),
                "interest_accrued": str(s.interest_accrued),
                "lines": rows,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for line in s.lines:
            amount = line.debit or -line.credit
            self.stdout.write(
                f"{line.date}  {line.reference:<22} {line.kind:<12} {amount:>12} "
                f"open {line.open_amount:>10}  {line.explanation}"
            )
        self.stdout.write(
            f"Balance {s.balance} €, overdue {s.overdue} €, interest accrued not yet claimed "
            f"{s.interest_accrued} €."
        )

    def _lcr(
        self, seller: str, until: date | None = None, out: str | None = None, **_: Any
    ) -> None:
        day = until or clock.today() + timedelta(days=60)
        if out:
            self._lcr_file(_org(seller), day, out)
            return
        rows = lcr_to_present(seller=_org(seller), until=day)
        writer = csv.writer(self.stdout)
        writer.writerow(["invoice", "buyer", "amount", "due_date", "present_by", "remittance"])
        for r in rows:
            writer.writerow(
                [r.reference, r.buyer, r.amount, r.due_date, r.present_by, r.remittance]
            )

    def _lcr_file(self, seller: Organization, day: date, out: str) -> None:
        done = lcr_export(seller=seller, until=day)
        if done is None:
            self.stdout.write(f"No LCR due by {day} left to remit; nothing written.")
            return
        r = done.remittance
        Path(out).write_bytes(r.content.encode("ascii"))
        self.stdout.write(f"{out}: {r.count} LCR, {r.total} € (remittance {r.reference}).")
        for number in done.without_bank_details:
            self.stderr.write(
                f"{number}: no French IBAN known for the buyer; the LCR goes without its bank "
                "details."
            )

    def _lcr_return(
        self, seller: str, reference: str, reason: str, on: date | None = None, **_: Any
    ) -> None:
        org = _org(seller)
        lcr_id = reference[4:] if reference.startswith("lcr:") else ""
        target = {"lcr": int(lcr_id)} if lcr_id.isdigit() else {"reference": reference}
        before = LcrReturn.objects.filter(seller=org).count()
        done = lcr_return(seller=org, reason=reason, on=on, **target)  # type: ignore[arg-type]
        ref = done.lcr.invoice_item.reference
        if LcrReturn.objects.filter(seller=org).count() == before:
            self.stdout.write(f"{ref}: already returned unpaid on {done.returned_on}; unchanged.")
            return
        self.stdout.write(
            f"{ref}: LCR of {done.amount} € returned unpaid on {done.returned_on} "
            f"({done.reason}{' ' + done.detail if done.detail else ''}); "
            f"payment reversed {done.reversed_amount} €, fee {done.fee} €."
        )

    def _refunds_export(self, seller: str, out: str, **_: Any) -> None:
        done = refunds_export(seller=_org(seller))
        Path(out).write_bytes(done.xml)
        for r in done.refunds:
            self.stdout.write(f"{r.reference} ({r.rule}): {r.amount} € to {r.creditor_iban}")
        for r in done.held:
            self.stdout.write(f"{r.reference} ({r.rule}): {r.amount} € held (I5): credit short")
        self.stdout.write(
            f"{out}: {len(done.refunds)} refund(s), {done.total} € ({done.message_id})."
        )

    def _collect(self, on: date | None = None, workers: int | None = None, **_: Any) -> None:
        r = collection_run_parallel(on=on, workers=workers)
        self.stdout.write(
            f"opened {r.opened}, indemnities {r.indemnities}, reminders {r.reminders}, "
            f"notices {r.notices}, resolved {r.resolved}, accelerated {r.accelerated}, "
            f"suspended {r.suspended}, lifted {r.lifted}, settled {r.settled}"
        )
