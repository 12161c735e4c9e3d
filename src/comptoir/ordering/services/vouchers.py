"""Vouchers of a shop (O15), created by the seller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ordering.models import Voucher
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission


@transaction.atomic
def voucher_create(
    *,
    actor: Any,
    seller: Organization,
    code: str,
    amount: Decimal,
    valid_from: date,
    valid_to: date,
    excluded_skus: Sequence[str] = (),
) -> Voucher:
    if actor is not None:
        require_permission(actor, seller, Permission.PLACE_ORDERS)
    code = code.strip().upper()
    if not code or len(code) > 40:
        raise DomainError("invalid_code", "A code of 1 to 40 characters.", field="code")
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError("invalid_amount", "A positive amount in cents.", field="amount")
    if valid_to < valid_from:
        raise DomainError("invalid_period", "The period ends before it starts.", field="valid_to")
    if Voucher.objects.filter(seller=seller, code=code).exists():
        raise DomainError("duplicate_code", "This code already exists.", field="code", rule="O15")
    voucher = Voucher.objects.create(
        seller=seller,
        code=code,
        amount=amount,
        valid_from=valid_from,
        valid_to=valid_to,
        excluded_skus=sorted(set(excluded_skus)),
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="voucher.create",
        obj_type="ordering.Voucher",
        obj_id=str(voucher.pk),
        data={"code": code, "amount": str(amount)},
    )
    return voucher
