"""`comptoir audit verify`: check the audit log's hash chain (rule P8)."""

from django.core.management.base import BaseCommand, CommandError

from comptoir.core.queries import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `verify`: recompute the hash chain; exit 1 at the first broken entry."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser("verify", help="check every entry of the hash chain")
        verify.add_argument(
            "--chunk-size", type=int, default=1000, help="entries read per query (default 1000)"
        )

    def handle(self, *args, subcommand=None, chunk_size=1000, **options):
        if subcommand == "verify":
            result = audit_verify(chunk_size=chunk_size)
            if not result.ok:
                raise CommandError(result.message(), returncode=1)
            self.stdout.write(self.style.SUCCESS(result.message()))
