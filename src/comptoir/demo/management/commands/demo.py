from django.core.management.base import BaseCommand

from comptoir.demo.builders import build_demo, demo_logins


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run creates nothing) and list the logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins table.")

    def handle(self, *args, **options):
        report = build_demo()
        if options["verbosity"] == 0:
            return
        if report.total:
            created = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"demo: created {created}"))
        else:
            self.stdout.write("demo: already loaded, nothing to create")
        if options["quiet"]:
            return
        rows = [("Role", "E-mail", "Password", "Organization"), *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        rule = "  ".join("-" * w for w in widths)
        self.stdout.write("")
        self.stdout.write("Demo logins")
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if n == 0:
                self.stdout.write(rule)
