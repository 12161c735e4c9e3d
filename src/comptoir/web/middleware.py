"""Request checks that hold for every page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


def _has_nul(request: HttpRequest) -> bool:
    data = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for query in data
        for key, values in query.lists()
    )


class RefuseNulCharacters:
    """A NUL character in a query or form value is refused with 400 before any view runs.

    No text Comptoir stores may hold one, PostgreSQL refuses it, and Django's form fields already
    reject it; this covers the views that read a value or two without a form. The API answers in
    its own error shape (`api.errors`), so its paths are left to it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and _has_nul(request):
            return HttpResponseBadRequest(
                _("A text may not contain a NUL character."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
