"""The audit entry of each billing use case, written in the use case's transaction (P8)."""

from __future__ import annotations

from typing import Any

from comptoir.billing.models import Invoice
from comptoir.core.services import audit_record


def audit(*, actor: Any, invoice: Invoice, action: str) -> None:
    """Record who did what to which document."""
    audit_record(
        actor=actor,
        organization_id=invoice.issuer_id,
        action=action,
        obj_type="billing.invoice",
        obj_id=invoice.pk,
        data={
            "number": invoice.number,
            "kind": invoice.kind,
            "status": invoice.status,
            "total_incl_vat": str(invoice.total_incl_vat),
        },
    )
