import signal
import time

from django.core.management.base import BaseCommand

from comptoir.core.tasks import run_due_sweeps


class Command(BaseCommand):
    help = "Enqueue the due sweeps every minute (the `clock` process of the Procfile)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between ticks")
        parser.add_argument("--once", action="store_true", help="enqueue one tick and exit")

    def handle(self, *args, interval=60.0, once=False, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"comptoir clock: enqueuing sweeps every {interval:g} s")
        while running:
            result = run_due_sweeps.enqueue()
            self.stdout.write(f"  enqueued {result.id}")
            if once:
                break
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(0.5)
