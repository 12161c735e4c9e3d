"""Shared helpers of the catalog services: audit (P8), seller check, numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.numbers import fits_decimal
from comptoir.core.services import audit_record
from comptoir.parties.models import Organization, Permission
from comptoir.parties.permissions import active_membership, is_operator, require_permission

if TYPE_CHECKING:
    from comptoir.parties.models import User


def _audit(
    *,
    actor: Any,
    organization_id: int | None,
    action: str,
    obj_type: str,
    obj_id: Any,
    data: dict[str, Any] | None = None,
) -> None:
    """Record in the audit log (P8), in the caller's transaction."""
    audit_record(
        actor=actor,
        organization_id=organization_id,
        action=action,
        obj_type=obj_type,
        obj_id=str(obj_id) if obj_id is not None else None,
        data=_jsonable(data or {}),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _require_seller_member(
    actor: User | None, seller: Organization, permission: str = Permission.MANAGE_CATALOG
) -> None:
    """A member of the seller organization holding `permission` (by default the right to manage
    the catalog, P4), or the operator."""
    if not seller.is_seller:
        raise DomainError("not_a_seller", _("This organization is not a seller."), "seller", "C1")
    if is_operator(actor):
        return
    if active_membership(actor, seller) is None:
        raise PermissionDenied(_("Seller only."), rule="C1")
    require_permission(actor, seller, permission)


def _decimal(value: Any, field: str, rule: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError("invalid_number", _("Invalid number."), field, rule) from None
    if not result.is_finite():
        raise DomainError("invalid_number", _("Invalid number."), field, rule)
    return result


def _percent(value: Any, field: str, rule: str) -> Decimal:
    percent = _decimal(value, field, rule)
    if not Decimal("0") <= percent <= Decimal("100"):
        raise DomainError("invalid_percent", _("Percent 0–100."), field, rule)
    # every percentage column of the catalog is numeric(5, 2)
    return fits_decimal(percent, digits=5, places=2, field=field, rule=rule)
