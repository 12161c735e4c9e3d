"""`comptoir fulfilment delivery-note SHIPMENT_NUMBER --out FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.fulfilment.models import Shipment
from comptoir.fulfilment.pdf import delivery_note_pdf


class Command(BaseCommand):
    help = "Fulfilment documents: write the delivery note (PDF) of a shipment."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p_note = sub.add_parser("delivery-note", help="the delivery note PDF of a shipment")
        p_note.add_argument("number", help="shipment number, e.g. CO-2026-000012-E1")
        p_note.add_argument("--out", required=True)

    def handle(self, *args: object, action: str, **options: object) -> None:
        if action == "delivery-note":
            self._delivery_note(str(options["number"]), str(options["out"]))

    def _delivery_note(self, number: str, out: str) -> None:
        shipment = Shipment.objects.select_related("order").filter(number=number).first()
        if shipment is None:
            raise CommandError(f"No shipment numbered {number!r}.")
        data = delivery_note_pdf(shipment)
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {len(data)} bytes, delivery note {shipment.number}")
