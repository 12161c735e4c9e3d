"""`comptoir catalog import FILE --seller S [--tariff ID] [--dry-run] |
export --seller S --out PATH [--tariff ID]`: a seller's catalog as CSV (see docs/catalog-import.md).

The import shows its progress on stderr (a percentage line per step of 5 %) and lists every problem
of a refused file (nothing is imported then); the exit status is 1 in that case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from comptoir.catalog.services import CatalogImportRefused, catalog_export, catalog_import
from comptoir.catalog.services.importing import tariff_for_import
from comptoir.core.errors import DomainError
from comptoir.core.jobs import NullProgress
from comptoir.parties.models import Organization


def _org(value: str) -> Organization:
    """A seller given by id, SIREN, its e-mail or one of its users' e-mail."""
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


class TerminalProgress(NullProgress):
    """Progress as lines on stderr: "  35 % (3500/10000) Checking the lines"."""

    def __init__(self, out: OutputWrapper, step: int = 5) -> None:
        super().__init__()
        self.out = out
        self.step = step
        self._shown = -step

    def set_total(self, total: int) -> None:
        super().set_total(total)
        self._show(force=True)

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        self._show()

    def note(self, message: str) -> None:
        super().note(message)
        self._show(force=True)

    def _show(self, *, force: bool = False) -> None:
        percent = self.done * 100 // self.total if self.total else 0
        finished = self.done == self.total and percent > self._shown
        if force or finished or percent >= self._shown + self.step:
            self._shown = percent
            self.out.write(f"{percent:>4} % ({self.done}/{self.total}) {self.message}")
            self.out.flush()


class Command(BaseCommand):
    help = "A seller's catalog as CSV: import (all lines or none) and export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import", help="create or update products by SKU from a CSV file")
        p.add_argument("file")
        p.add_argument("--seller", required=True, help="id, SIREN or e-mail")
        p.add_argument("--tariff", type=int, help="tariff id for the prices (default: in force)")
        p.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
        p = sub.add_parser("export", help="write the seller's catalog as CSV")
        p.add_argument("--seller", required=True, help="id, SIREN or e-mail")
        p.add_argument("--out", required=True, help="file to write ('-' for standard output)")
        p.add_argument("--tariff", type=int, help="tariff id for the prices (default: in force)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, "_" + action)(**options)
        except CatalogImportRefused as exc:
            for problem in exc.details["errors"]:
                where = f"line {problem['line']}" if problem.get("line") else "file"
                column = f", {problem['column']}" if problem.get("column") else ""
                value = f" «{problem['value']}»" if problem.get("value") else ""
                self.stderr.write(
                    f"{where}{column}{value}: {problem['message']} "
                    f"[{problem['code']}, {problem['rule']}]"
                )
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(
                f"{exc.code}: {exc.message}" + (f" ({exc.rule})" if exc.rule else "")
            ) from exc

    def _import(
        self, file: str, seller: str, tariff: int | None = None, dry_run: bool = False, **_: Any
    ) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        org = _org(seller)
        report = catalog_import(
            actor=None,
            seller=org,
            data=path.read_bytes(),
            tariff=tariff_for_import(org, tariff) if tariff else None,
            progress=TerminalProgress(self.stderr),
            dry_run=dry_run,
        )
        prefix = "Dry run, nothing changed: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{report.lines} line(s): {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; {report.brands_created} brand(s) created, "
            f"{report.prices_set} price(s) set"
            + (f" in tariff «{report.tariff}»" if report.tariff else "")
            + f", {report.stock_set} stock count(s) set."
        )
        if report.price_rises_over_5_percent:
            self.stdout.write(
                "Price rises over 5 % (C3, a buyer under a framework agreement may terminate): "
                + ", ".join(report.price_rises_over_5_percent[:50])
            )

    def _export(self, seller: str, out: str, tariff: int | None = None, **_: Any) -> None:
        org = _org(seller)
        text = catalog_export(
            actor=None, seller=org, tariff=tariff_for_import(org, tariff) if tariff else None
        )
        if out == "-":
            self.stdout.write(text, ending="")
            return
        Path(out).write_text(text, encoding="utf-8", newline="")
        lines = text.count("\r\n") - 1
        self.stderr.write(f"{out}: {lines} product(s).")
