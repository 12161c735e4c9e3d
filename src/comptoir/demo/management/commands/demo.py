from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def handle(self, *args, **options):
        self.stdout.write("demo: nothing to load yet")
