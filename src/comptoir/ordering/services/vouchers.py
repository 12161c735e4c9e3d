"""Vouchers of a shop (O15 [004 §14]), created and deactivated by the seller.

A voucher is a free promotional amount valid only in its period and in this shop; the items
listed on it are excluded; it is applied before the order is finalized, one per order, and the
eligible goods must be worth at least the voucher (the engine checks these at checkout,
terms/engine/vouchers.py). Creating one checks what can be checked up front: a code a buyer can
type, unique in the shop; an amount in cents; a period that has not already ended; excluded items
that are the shop's own references. A voucher is transferable (anyone holding the code may use
it), so it names no buyer.

Deactivating ends its period yesterday (the model has no separate flag): from today on the
checkout refuses it as out of period, and the audit log keeps the period it had. A voucher
already used on an order stays on that order (O15: never removed after the order is finalized).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.core.services import audit_record
from comptoir.ordering.models import Voucher
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import require_permission

RULE = "O15"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,39}$")
MAX_AMOUNT = Decimal("99999999.99")  # the column holds 10 digits, 2 after the point
# Vouchers give the seller's money away: managing them needs the right to see prices (P4)
PERMISSION = Permission.MANAGE_CATALOG


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_amount", _("Invalid amount."), "amount", RULE) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise DomainError(
            "invalid_amount",
            _("A voucher has a positive amount."),
            "amount",
            RULE,
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(
            "invalid_amount",
            _("Amount in whole cents."),
            "amount",
            RULE,
        )
    return amount


def _excluded(seller: Organization, skus: Sequence[str]) -> list[str]:
    """The excluded items, as the shop's own references (O15: items listed are excluded)."""
    wanted = sorted({s.strip() for s in skus if s and s.strip()})
    if not wanted:
        return []
    known = set(Product.objects.filter(seller=seller, sku__in=wanted).values_list("sku", flat=True))
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise DomainError(
            "unknown_sku",
            ngettext(
                "Unknown reference in this shop: %(skus)s.",
                "Unknown references in this shop: %(skus)s.",
                len(unknown),
            )
            % {"skus": ", ".join(unknown[:5])},
            "excluded_skus",
            RULE,
            details={"unknown": unknown},
        )
    return wanted


@transaction.atomic
def voucher_create(
    *,
    actor: Any,
    seller: Organization,
    code: str,
    amount: Decimal | str,
    valid_from: date,
    valid_to: date,
    excluded_skus: Sequence[str] = (),
) -> Voucher:
    """A voucher of `amount` euros incl. VAT valid from `valid_from` to `valid_to` (inclusive)
    in the seller's shop, excluding the listed references (O15)."""
    if actor is not None:
        require_permission(actor, seller, PERMISSION)
    if not seller.is_seller:
        raise DomainError("not_a_seller", _("Not a seller."), None, RULE)
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise DomainError(
            "invalid_code",
            _("1 to 40 letters, digits, - or _."),
            "code",
            RULE,
        )
    value = _amount(amount)
    if valid_to < valid_from:
        raise DomainError(
            "invalid_period",
            _("The period ends before it starts."),
            "valid_to",
            RULE,
        )
    if valid_to < clock.today():
        raise DomainError(
            "period_ended",
            _("The period has already ended."),
            "valid_to",
            RULE,
        )
    skus = _excluded(seller, excluded_skus)
    if Voucher.objects.filter(seller=seller, code=code).exists():
        raise DomainError(
            "duplicate_code",
            _("This code already exists in the shop."),
            "code",
            RULE,
        )
    voucher = Voucher.objects.create(
        seller=seller,
        code=code,
        amount=value,
        valid_from=valid_from,
        valid_to=valid_to,
        excluded_skus=skus,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        organization_id=seller.pk,
        action="voucher.create",
        obj_type="ordering.Voucher",
        obj_id=str(voucher.pk),
        data={
            "code": code,
            "amount": str(value),
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
            "excluded_skus": skus,
        },
    )
    return voucher


@transaction.atomic
def voucher_deactivate(*, actor: Any, voucher: Voucher) -> Voucher:
    """End the voucher's period yesterday, so no order may use it from today (O15)."""
    voucher = Voucher.objects.select_for_update().select_related("seller").get(pk=voucher.pk)
    if actor is not None:
        require_permission(actor, voucher.seller, PERMISSION)
    if voucher.redeemed_by_id is not None:
        raise DomainError(
            "voucher_used",
            _("Already used on an order."),
            None,
            RULE,
        )
    yesterday = clock.today() - timedelta(days=1)
    if voucher.valid_to <= yesterday:
        raise DomainError(
            "voucher_ended",
            _("This voucher's period has already ended."),
            None,
            RULE,
        )
    before = {
        "valid_from": voucher.valid_from.isoformat(),
        "valid_to": voucher.valid_to.isoformat(),
    }
    voucher.valid_to = yesterday
    voucher.valid_from = min(voucher.valid_from, yesterday)
    voucher.save(update_fields=["valid_from", "valid_to"])
    audit_record(
        actor=actor,
        organization_id=voucher.seller_id,
        action="voucher.deactivate",
        obj_type="ordering.Voucher",
        obj_id=str(voucher.pk),
        data={"code": voucher.code, "before": before, "valid_to": yesterday.isoformat()},
    )
    return voucher
