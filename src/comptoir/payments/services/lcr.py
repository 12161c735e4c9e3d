"""The seller's LCR handed to its bank (PT1, PT4): the open LCR due by a day, not remitted yet,
written as one CFONB 160 "remise de LCR" file. Each LCR remembers the file that carried it, so a
second export never carries it again."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.parties.models import Organization
from comptoir.payments.formats.lcr import (
    Bill,
    Drawer,
    LcrFormatError,
    remittance_file,
    rib_from_iban,
)
from comptoir.payments.models import LcrRemittance, Mandate, ScheduledPayment
from comptoir.payments.services.schedule import lcr_to_present


@dataclass
class LcrExport:
    """What an export made: the remittance, and the invoices whose LCR went without the
    drawee's bank details (no French IBAN known for the buyer: the bank asks the drawee's)."""

    remittance: LcrRemittance
    without_bank_details: list[str] = field(default_factory=list)


def _drawee_ibans(seller: Organization, buyer_ids: set[int]) -> dict[int, str]:
    """The account each buyer pays from: its own IBAN, else its active mandate with the seller."""
    ibans = dict(
        Organization.objects.filter(pk__in=buyer_ids).exclude(iban="").values_list("pk", "iban")
    )
    for buyer_id, iban in Mandate.objects.filter(
        seller=seller, buyer_id__in=buyer_ids - set(ibans), status=Mandate.Status.ACTIVE
    ).values_list("buyer_id", "iban"):
        ibans[buyer_id] = iban
    return ibans


def _drawer(seller: Organization) -> Drawer:
    if rib_from_iban(seller.iban) is None:
        raise DomainError(
            code="seller_iban_not_french",
            message=_(
                "LCR are remitted to a French bank: the seller's IBAN must be a French IBAN "
                "with a valid RIB key."
            ),
            field="seller.iban",
            rule="PT4",
        )
    return Drawer(seller.legal_name, seller.iban, bank_name=seller.bic)


@transaction.atomic
def lcr_export(*, seller: Organization, until: date, actor: Any = None) -> LcrExport | None:
    """The seller's open LCR due by `until` that no file carried yet, as one CFONB 160
    remittance (PT4: the LCR must reach the bank 12 days before its due date — `present_by`).
    Returns None when there is none; exporting again changes nothing. The LCR rows are locked,
    so two exports at once never carry the same LCR."""
    drawer = _drawer(seller)
    locked = set(
        ScheduledPayment.objects.select_for_update(of=("self",))
        .filter(
            seller=seller,
            method="lcr",
            due_date__lte=until,
            lcr_remittance__isnull=True,
            invoice_item__open_amount__gt=0,
        )
        .values_list("pk", flat=True)
    )
    rows = [
        r
        for r in lcr_to_present(seller=seller, until=until, not_exported=True)
        if r.schedule_id in locked and r.amount > 0
    ]
    if not rows:
        return None
    ibans = _drawee_ibans(seller, {r.buyer_id for r in rows})
    bills = [
        Bill(
            reference=r.reference,
            drawee_name=r.buyer,
            drawee_iban=ibans.get(r.buyer_id, ""),
            amount=r.amount,
            due_date=r.due_date,
        )
        for r in rows
    ]
    today = clock.today()
    remittance = LcrRemittance.objects.create(
        seller=seller,
        reference=f"~{secrets.token_hex(5)}",  # replaced by the numbered one just below
        created_at=clock.now(),
        count=len(bills),
        total=sum((b.amount for b in bills), Decimal("0.00")),
        content="",
    )
    remittance.reference = f"LCR{remittance.pk:08d}"
    try:
        remittance.content = remittance_file(
            drawer, bills, reference=remittance.reference, created_on=today
        )
    except LcrFormatError as exc:
        raise DomainError(code="lcr_invalid", message=str(exc), field="lcr", rule="PT4") from exc
    remittance.save(update_fields=["reference", "content"])
    ScheduledPayment.objects.filter(pk__in=[r.schedule_id for r in rows]).update(
        lcr_remittance=remittance
    )
    missing = [b.reference for b in bills if rib_from_iban(b.drawee_iban) is None]
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="payments.lcr_exported",
        obj_type="payments.lcrremittance",
        obj_id=remittance.pk,
        data={
            "reference": remittance.reference,
            "count": remittance.count,
            "total": remittance.total,
            "until": until,
            "without_bank_details": missing,
            "rule": "PT4",
        },
    )
    return LcrExport(remittance, missing)
