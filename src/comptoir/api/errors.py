"""One error shape for the whole API: {"code", "message", "field", "rule"}."""

from __future__ import annotations

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from comptoir.api.validation_messages import message_for
from comptoir.core.errors import DomainError, NotFound, PermissionDenied


class InvalidApiKey(AuthenticationError):
    """An `Authorization: Bearer` key that is malformed, unknown or revoked."""


def _body(code: str, message: str, field: str | None = None, rule: str | None = None) -> dict:
    return {"code": code, "message": message, "field": field, "rule": rule}


def _http_message(exc: HttpError) -> str:
    """The message of an HttpError, in the request's language for those django-ninja raises
    itself (its texts are English only); any other as it was raised."""
    text = str(exc)
    if text.startswith("Cannot parse request body"):
        return _("Cannot parse the request body.")
    if text.startswith("CSRF check"):
        return _("CSRF check failed.")
    if text == "Too many requests.":
        return _("Too many requests.")
    return text


def field_path(loc) -> str | None:
    """("body", "payload", "lines", 0, "quantity") → "lines[0].quantity": the place in the input,
    without the source and, for a body, without the name of the view's parameter."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = (
            404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 422
        )
        return api.create_response(request, exc.as_dict(), status=status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": field_path(e.get("loc", ())), "message": message_for(e)} for e in exc.errors
        ]
        first = errors[0] if errors else {"field": None, "message": _("Invalid input.")}
        body = _body("invalid_input", first["message"], first["field"])
        body["errors"] = errors
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if isinstance(exc, InvalidApiKey):
            body = _body("invalid_api_key", _("Unknown or revoked API key."))
        else:
            body = _body("unauthenticated", _("Authentication required."))
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "malformed_body" if exc.status_code == 400 else f"http_{exc.status_code}"
        return api.create_response(request, _body(code, _http_message(exc)), status=exc.status_code)

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # a value the database refuses, e.g. a NUL character in a text on PostgreSQL: the use
        # case's transaction has rolled back, nothing was stored
        body = _body(
            "invalid_value", _("A value cannot be stored (a text may not contain a NUL character).")
        )
        return api.create_response(request, body, status=422)
