"""Load a terms document from TOML: parse, validate, report errors with dotted locations.

``load_terms(path_or_text)`` returns a ``TermsDocument`` or raises ``TermsInvalid``, a
``DomainError`` whose ``errors`` list holds one ``SchemaError`` per problem, each with its dotted
location (``payment.options[1].due.days: Input should be greater than or equal to 0``).
Pure: no Django.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from comptoir.core.errors import DomainError
from comptoir.terms.schema import TermsDocument

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
PRESET_NAMES = (
    "marketplace",
    "monthly-intranet",
    "electronics-wholesale",
    "selective-beauty",
    "digital-goods",
)


def _(message: str) -> str:
    """``gettext``, imported when a message is built: the loader itself imports no Django
    (`test_pure_modules_do_not_import_django`); untranslated when Django is not configured."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext

    return gettext(message)


@dataclass(frozen=True)
class SchemaError:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def as_dict(self) -> dict[str, str]:
        return {"location": self.location, "message": self.message}


class TermsInvalid(DomainError):
    """The document does not parse or does not match the schema."""

    def __init__(self, errors: list[SchemaError], source: str = "") -> None:
        first = errors[0] if errors else SchemaError("", _("invalid terms document"))
        super().__init__(
            code="terms_invalid",
            message="; ".join(str(e) for e in errors) or _("invalid terms document"),
            field=first.location or None,
            rule="N3",
            details={"errors": [e.as_dict() for e in errors], "source": source},
        )
        self.errors = errors


def dotted(loc: tuple[int | str, ...]) -> str:
    """``("payment", "options", 1, "due", "days")`` → ``payment.options[1].due.days``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("function-") or part in ("", "[]"):
            continue
        else:
            out += f".{part}" if out else part
    return out


def errors_from_validation(exc: ValidationError) -> list[SchemaError]:
    errors = []
    for err in exc.errors(include_url=False):
        message = err["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        errors.append(SchemaError(dotted(tuple(err["loc"])), message))
    return errors


def parse_toml(text: str, source: str = "") -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TermsInvalid(
            [SchemaError("", _("TOML syntax error: %(error)s") % {"error": exc})], source
        ) from None


def validate_terms(data: dict[str, Any], source: str = "") -> TermsDocument:
    try:
        return TermsDocument.model_validate(data)
    except ValidationError as exc:
        raise TermsInvalid(errors_from_validation(exc), source) from None


def read_source(path_or_text: str | Path) -> tuple[str, str]:
    """(text, source label). A ``Path``, or a str that names an existing ``.toml`` file, is read;
    any other str is the TOML text itself."""
    if isinstance(path_or_text, Path):
        path = path_or_text
    elif "\n" not in path_or_text and path_or_text.endswith(".toml"):
        path = Path(path_or_text)
    else:
        return path_or_text, "<text>"
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise TermsInvalid([SchemaError("", f"file not found: {path}")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TermsInvalid([SchemaError("", f"cannot read {path}: {exc}")], str(path)) from None


def load_terms(path_or_text: str | Path) -> TermsDocument:
    """Parse and validate a terms document (a path, or the TOML text)."""
    text, source = read_source(path_or_text)
    return validate_terms(parse_toml(text, source), source)


def preset_path(name: str) -> Path:
    if name not in PRESET_NAMES:
        raise DomainError(
            code="unknown_preset",
            message=_("unknown preset '%(name)s'") % {"name": name},
            field="preset",
        )
    return PRESETS_DIR / f"{name}.toml"


def load_preset(name: str) -> TermsDocument:
    return load_terms(preset_path(name))


def preset_text(name: str) -> str:
    return preset_path(name).read_text(encoding="utf-8")


def content_hash(text: str) -> str:
    """SHA-256 of the TOML source, normalised to LF line endings."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
