"""The skeleton the back-office views share once the `page` decorator has loaded the acting
organization and checked its right (P4): bind a form, call one service, show a refusal
(`DomainError`) beside the field it names with its rule, or say it is done and redirect.

- `submit` for a form page: an invalid form or a refusal answers the page again with a 400;
- `act` for a button (POST without a form): a refusal becomes an error message, and both
  outcomes redirect;
- `confirm` for a deletion: GET shows what will be deleted and a POST button, POST deletes.

Views keep what differs (which service, which page, which message); the helpers hold no business
rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.core.errors import DomainError

#: Where to go when done: a URL or a URL name without arguments, or a function of the result.
Target = str | Callable[[Any], str]
#: What to say when done: a sentence, or a function of the result.
Message = str | Callable[[Any], str]


def error_text(error: DomainError) -> str:
    """A refusal as people read it, with the rule it comes from: "… (C3)"."""
    return f"{error.message} ({error.rule})" if error.rule else error.message


def form_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error_text(error))


def invalid(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page again with its errors: bad input is a 400, never a server error."""
    return render(request, template, context, status=400)


def _done(request: HttpRequest, result: Any, message: Message, to: Target) -> HttpResponse:
    messages.success(request, message(result) if callable(message) else message)
    return redirect(to(result) if callable(to) else to)


def submit(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    done: Message,
    to: Target,
    page: Callable[[forms.Form], HttpResponse],
) -> HttpResponse:
    """Validate the bound `form`, then `call(cleaned_data)` (the service). Success: message and
    redirect; a parse error or a refusal: `page(form)` with the errors shown."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            return _done(request, result, done, to)
    return page(form)


def act(
    request: HttpRequest, call: Callable[[], Any], *, done: Message, to: Target
) -> HttpResponse:
    """Run a service behind a button; a refusal becomes an error message. Redirects either way."""
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect(to(None) if callable(to) else to)
    return _done(request, result, done, to)


def confirm(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    done: Message,
    to: Target,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A deletion: GET shows the confirmation page (`template` with `context`), POST deletes."""
    if request.method != "POST":
        return render(request, template, context)
    return act(request, call, done=done, to=to)
