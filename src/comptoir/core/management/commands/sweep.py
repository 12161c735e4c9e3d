from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from comptoir.core import clock, sweeps


class Command(BaseCommand):
    help = "Run every sweep (deadlines, lapses, batches, collection) up to an instant."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until",
            help="ISO date or datetime (Paris time when naive); default: now. "
            "Moves the clock there, so a demo or a test can be fast-forwarded.",
        )

    def handle(self, *args, until=None, **options):
        if until:
            try:
                at = datetime.fromisoformat(until)
            except ValueError as exc:
                raise CommandError(f"--until: not an ISO date or datetime: {until!r}") from exc
            if len(until) == 10:  # a bare date means the end of that day
                at = at.replace(hour=23, minute=59, second=59)
            clock.freeze(at)
        at = clock.now()
        results = sweeps.run_all(until=at)
        self.stdout.write(f"Sweeps run up to {at.isoformat()}")
        if not results:
            self.stdout.write("  (no sweep registered)")
        for name, changed in results.items():
            self.stdout.write(f"  {name}: {changed} change(s)")
