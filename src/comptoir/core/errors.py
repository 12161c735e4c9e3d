"""One domain error type: a code, a message for people, the field and the rule it comes from."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass
class DomainError(Exception):
    """A use case refused: `code` for programs, `message` for people.

    `field` names the input at fault (dotted path for nested input) and `rule` the RULES.md ID
    (e.g. "P3") or the legal article that motivates the refusal.
    """

    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        why = f" ({self.rule})" if self.rule else ""
        return f"{self.code}{where}: {self.message}{why}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "rule": self.rule,
            **({"details": self.details} if self.details else {}),
        }


class NotFound(DomainError):
    """Missing or not visible to the acting party: the two look the same from outside."""

    def __init__(self, what: str, field: str | None = None) -> None:
        # `what` is a noun the caller translated: _("Order") gives « Commande introuvable. »
        # (imported here: the pure terms modules import this one without Django set up)
        from django.utils.translation import gettext as _

        message = _("%(what)s not found.") % {"what": what}
        super().__init__(code="not_found", message=message, field=field)


class PermissionDenied(DomainError):
    def __init__(self, message: str, rule: str | None = "P4") -> None:
        super().__init__(code="permission_denied", message=message, rule=rule)
