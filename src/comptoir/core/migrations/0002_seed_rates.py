"""Seed the rate tables with the published values of DOMAIN-NOTES 1.3 (from 2023).

The values are written out here (not imported) so that this migration stays what it was when it
ran. Later rates are added by the operator in the admin, or by a new data migration.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

# ECB main refinancing operations rate: (takes effect, %). The first row is the rate in force on
# 1 January 2023. Held at 2.15 through the 5 Feb 2026 meeting; a June 2026 change is unconfirmed.
ECB_MRO = [
    ("2022-12-21", "2.50", "ECB key interest rates"),
    ("2023-02-08", "3.00", "ECB key interest rates"),
    ("2023-03-22", "3.50", "ECB key interest rates"),
    ("2023-05-10", "3.75", "ECB key interest rates"),
    ("2023-06-21", "4.00", "ECB key interest rates"),
    ("2023-08-02", "4.25", "ECB key interest rates"),
    ("2023-09-20", "4.50", "ECB key interest rates"),
    ("2024-06-12", "4.25", "ECB key interest rates"),
    ("2024-09-18", "3.65", "ECB key interest rates"),
    ("2024-10-23", "3.40", "ECB key interest rates"),
    ("2024-12-18", "3.15", "ECB key interest rates"),
    ("2025-02-05", "2.90", "ECB key interest rates"),
    ("2025-03-12", "2.65", "ECB key interest rates"),
    ("2025-04-23", "2.40", "ECB key interest rates"),
    ("2025-06-11", "2.15", "ECB key interest rates"),
]

# French legal interest rate, creditor a professional: (first day, last day, %, source).
LEGAL_PROFESSIONAL = [
    ("2023-01-01", "2023-06-30", "2.06", "published rate, DOMAIN-NOTES 1.3"),
    ("2023-07-01", "2023-12-31", "4.22", "arrêté 27 June 2023, JO 30 June"),
    ("2024-01-01", "2024-06-30", "5.07", "arrêté 21 December 2023"),
    ("2024-07-01", "2024-12-31", "4.92", "arrêté 26 June 2024"),
    ("2025-01-01", "2025-06-30", "3.71", "arrêté 17 December 2024"),
    ("2025-07-01", "2025-12-31", "2.76", "arrêté ECOT2516925A 19 June 2025, JO 24 June"),
    ("2026-01-01", "2026-06-30", "2.62", "arrêté 15 December 2025, JORF 26 December 2025"),
]


def seed(apps, schema_editor):
    ECBRate = apps.get_model("core", "ECBRate")
    LegalInterestRate = apps.get_model("core", "LegalInterestRate")
    for effective, rate, source in ECB_MRO:
        ECBRate.objects.update_or_create(
            effective_date=date.fromisoformat(effective),
            defaults={"rate": Decimal(rate), "source": source},
        )
    for start, end, rate, source in LEGAL_PROFESSIONAL:
        LegalInterestRate.objects.update_or_create(
            valid_from=date.fromisoformat(start),
            defaults={"valid_to": date.fromisoformat(end), "rate": Decimal(rate), "source": source},
        )


def unseed(apps, schema_editor):
    ECBRate = apps.get_model("core", "ECBRate")
    LegalInterestRate = apps.get_model("core", "LegalInterestRate")
    ECBRate.objects.filter(effective_date__in=[date.fromisoformat(r[0]) for r in ECB_MRO]).delete()
    LegalInterestRate.objects.filter(
        valid_from__in=[date.fromisoformat(r[0]) for r in LEGAL_PROFESSIONAL]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
