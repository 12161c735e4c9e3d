"""One error shape for the whole API: {"code", "message", "field", "rule"}."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from comptoir.core.errors import DomainError, NotFound, PermissionDenied


def _body(code: str, message: str, field: str | None = None, rule: str | None = None) -> dict:
    return {"code": code, "message": message, "field": field, "rule": rule}


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = (
            404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 422
        )
        return api.create_response(request, exc.as_dict(), status=status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        loc = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
        body = _body("invalid_input", first.get("msg", "Invalid input."), loc)
        body["errors"] = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg")}
            for e in exc.errors
        ]
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, _body("unauthenticated", "Authentication required."), status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, _body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
        )
