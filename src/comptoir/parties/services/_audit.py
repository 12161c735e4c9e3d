"""The parties context's door to the audit log (P8): `comptoir.core.services.audit_record` with
the details made JSON-friendly (floats such as name-similarity ratios become strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from comptoir.core.services import audit_record


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


def _audit(
    *,
    actor: Any,
    organization_id: int | None,
    action: str,
    obj_type: str,
    obj_id: Any,
    data: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        organization_id=organization_id,
        action=action,
        obj_type=obj_type,
        obj_id=str(obj_id) if obj_id is not None else None,
        data=_jsonable(data or {}),
    )


def _audit_organization(
    actor: Any, organization: Any, action: str, data: dict[str, Any] | None = None
) -> None:
    """Audit a change of an organization itself (state, identity, validation…)."""
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action=action,
        obj_type="parties.Organization",
        obj_id=organization.pk,
        data=data,
    )
