"""`comptoir edi import FILE` and `comptoir edi export --seller ORG --out DIR` (O14)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.core.errors import DomainError
from comptoir.edi.services import edi_export, edi_import
from comptoir.parties.models import Organization


def _organization(value: str) -> Organization:
    """An organization given by GLN, SIREN or id."""
    org = (
        Organization.objects.filter(gln=value).first()
        or Organization.objects.filter(siren=value).order_by("pk").first()
    )
    if org is None and value.isdigit():
        org = Organization.objects.filter(pk=int(value)).first()
    if org is None or not org.is_seller:
        raise CommandError(f"No seller with GLN, SIREN or id {value!r}.")
    return org


class Command(BaseCommand):
    help = "EDI: import an interchange of ORDERS, or export a seller's pending messages."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import an EDIFACT interchange of ORDERS")
        imp.add_argument("file", type=Path)
        imp.add_argument("--encoding", default="iso8859-1")
        exp = sub.add_parser("export", help="write the seller's pending ORDRSP/DESADV/INVOIC")
        exp.add_argument("--seller", required=True, help="GLN, SIREN or id")
        exp.add_argument("--out", required=True, type=Path)

    def handle(self, *args, **options) -> None:
        if options["action"] == "import":
            self._import(options["file"], options["encoding"])
        else:
            seller = _organization(options["seller"])
            written = edi_export(actor=None, seller=seller, directory=options["out"])
            for path in written:
                self.stdout.write(str(path))
            self.stdout.write(f"{len(written)} message(s) written.")

    def _import(self, path: Path, encoding: str) -> None:
        try:
            text = path.read_text(encoding=encoding)
        except (OSError, LookupError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = edi_import(actor=None, text=text, channel="cli")
        except DomainError as error:
            raise CommandError(str(error)) from error
        for outcome in result.outcomes:
            message = outcome.message
            state = "duplicate" if outcome.duplicate else message.status
            order = message.order.number if message.order_id and message.order else "-"
            self.stdout.write(
                f"{message.message_ref or '-'} {message.document_number or '-'}: {state} {order}"
            )
            for error in message.errors:
                self.stdout.write("  " + json.dumps(error, ensure_ascii=False))
        if result.refused:
            raise CommandError(f"{result.refused} message(s) refused.")
