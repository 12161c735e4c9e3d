"""`comptoir billing list | export-fec | export-csv | document`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.billing.exports import fec_text, invoices_csv
from comptoir.billing.models import Invoice, InvoiceDocument, Status
from comptoir.billing.pdf import render_pdf
from comptoir.parties.models import Organization


def _issuer_id(value: str | None) -> int | None:
    """An organization given by id or SIREN."""
    if not value:
        return None
    org = Organization.objects.filter(siren=value).first()
    if org is None and value.isdigit():
        org = Organization.objects.filter(pk=int(value)).first()
    if org is None:
        raise CommandError(f"No organization with id or SIREN {value!r}.")
    return org.pk


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option}: not an ISO date: {value!r}") from exc


class Command(BaseCommand):
    help = "Invoices and credit notes: list them, export the FEC or a CSV, write one's PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p_list = sub.add_parser("list", help="issued documents, newest first")
        p_list.add_argument("--issuer", help="organization id or SIREN")
        p_list.add_argument("--json", action="store_true", dest="as_json")
        p_list.add_argument("--limit", type=int, default=200)
        p_fec = sub.add_parser("export-fec", help="FEC (18 tab-separated columns) of the journal")
        p_fec.add_argument("--from", dest="date_from", required=True)
        p_fec.add_argument("--to", dest="date_to", required=True)
        p_fec.add_argument("--out", required=True)
        p_fec.add_argument("--party", help="only the books of this organization (id or SIREN)")
        p_csv = sub.add_parser("export-csv", help="CSV of issued documents")
        p_csv.add_argument("--issuer")
        p_csv.add_argument("--out", required=True)
        p_doc = sub.add_parser("document", help="the PDF/A-3 (Factur-X XML embedded) of a number")
        p_doc.add_argument("number")
        p_doc.add_argument("--issuer", help="organization id or SIREN, when numbers collide")
        p_doc.add_argument("--out", required=True)

    def handle(self, *args: object, action: str, **options: object) -> None:
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _list(self, *, issuer: str | None, as_json: bool, limit: int, **_: object) -> None:
        qs = Invoice.objects.filter(status=Status.ISSUED).order_by("-issued_at", "-id")
        issuer_id = _issuer_id(issuer)
        if issuer_id:
            qs = qs.filter(issuer_id=issuer_id)
        rows = [
            {
                "number": inv.number,
                "kind": inv.kind,
                "issue_date": inv.issue_date.isoformat() if inv.issue_date else None,
                "due_date": inv.due_date.isoformat() if inv.due_date else None,
                "issuer": inv.issuer_snapshot["name"],
                "recipient": inv.recipient_snapshot["name"],
                "total_excl_vat": str(inv.total_excl_vat),
                "total_vat": str(inv.total_vat),
                "total_incl_vat": str(inv.total_incl_vat),
            }
            for inv in qs[:limit]
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"{r['number']:<16} {r['issue_date']}  {r['kind']:<11} {r['issuer'][:24]:<24} "
                f"→ {r['recipient'][:24]:<24} {r['total_incl_vat']:>12} €"
            )
        self.stdout.write(f"{len(rows)} document(s)")

    def _export_fec(
        self, *, date_from: str, date_to: str, out: str, party: str | None, **_: object
    ) -> None:
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        text = fec_text(date_from=start, date_to=end, party_id=_issuer_id(party))
        Path(out).write_text(text, encoding="utf-8")
        self.stdout.write(f"FEC written to {out} ({text.count(chr(10)) - 1} line(s))")

    def _export_csv(self, *, issuer: str | None, out: str, **_: object) -> None:
        Path(out).write_text(invoices_csv(issuer_id=_issuer_id(issuer)), encoding="utf-8")
        self.stdout.write(f"CSV written to {out}")

    def _document(self, *, number: str, issuer: str | None, out: str, **_: object) -> None:
        qs = Invoice.objects.filter(number=number, status=Status.ISSUED)
        issuer_id = _issuer_id(issuer)
        if issuer_id:
            qs = qs.filter(issuer_id=issuer_id)
        found = list(qs[:2])
        if not found:
            raise CommandError(f"No issued document numbered {number!r}.")
        if len(found) > 1:
            raise CommandError(f"Several issuers use {number!r}: give --issuer.")
        invoice = found[0]
        stored = InvoiceDocument.objects.filter(invoice=invoice).first()
        pdf = stored.pdf.read() if stored else render_pdf(invoice)
        Path(out).write_bytes(pdf)
        self.stdout.write(f"{invoice.number} written to {out} ({len(pdf)} bytes)")
