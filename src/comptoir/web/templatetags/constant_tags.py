"""`{% translate %}`, `{% url %}` and `{% static %}` that keep what they render when it cannot
change.

A `{% translate "Orders" %}` renders the same text for every request in the same language, and a
`{% url 'web:orders' %}` the same address under the same URL prefix; Django works each out again
at every render (a translation some 8 µs, a URL some 28 µs; the order page has about forty and
ten of them; a static file's address some 12 µs). Loaded after `i18n` and `static`
(`{% load i18n static constant_tags %}`), these tags replace Django's:

- a translation of a literal text (no variable, no filter; with or without a literal context, or
  `as`) is kept per language and autoescaping;
- a URL whose name and arguments are literals is kept per URL prefix, URL configuration,
  current application and autoescaping;
- a static file's address, for a literal path, is kept per `STATIC_URL` and static files
  storage.

Anything else — a variable to translate, a URL built from an order's number — renders as
Django renders it, every time. The tags parse and extract as Django's do (`makemessages` reads
`{% translate %}` wherever it comes from). What they output is Django's own output, kept.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import FilterExpression, Parser, Token, Variable
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.templatetags.i18n import TranslateNode
from django.templatetags.i18n import do_translate as django_translate
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.functional import Promise

register = template.Library()


def _literal(expression: FilterExpression | None) -> bool:
    """A text or number written in the template, without filters. Django keeps an argument's
    literal as its value, a translated text's as a `Variable` holding it; a `_("…")` argument
    is a lazy translation, which is not kept."""
    if expression is None or expression.filters:
        return False
    value = expression.var
    if isinstance(value, Variable):
        return value.literal is not None and not value.translate
    return not isinstance(value, Promise)


class _Kept:
    """A Django tag node's output, kept per `_key(context)` when its arguments are literals; with
    `as`, the value it sets is kept and set again. A render that raises keeps nothing."""

    constant: bool
    asvar: str | None
    rendered: dict[tuple[Any, ...], Any]

    def _key(self, context: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    def render(self, context: Any) -> Any:
        if not self.constant:
            return super().render(context)  # type: ignore[misc]
        key = self._key(context)
        try:
            value = self.rendered[key]
        except KeyError:
            value = super().render(context)  # type: ignore[misc]
            if self.asvar:
                value = context[self.asvar]
            self.rendered[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class ConstantTranslateNode(_Kept, TranslateNode):
    def __init__(self, node: TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.constant = _literal(self.filter_expression) and (
            self.message_context is None or _literal(self.message_context)
        )
        self.rendered = {}

    def _key(self, context: Any) -> tuple[Any, ...]:
        return (translation.get_language(), context.autoescape)


class ConstantURLNode(_Kept, URLNode):
    def __init__(self, node: URLNode) -> None:
        super().__init__(node.view_name, node.args, node.kwargs, node.asvar)
        self.constant = _literal(self.view_name) and all(
            _literal(e) for e in [*self.args, *self.kwargs.values()]
        )
        self.rendered = {}

    def _key(self, context: Any) -> tuple[Any, ...]:
        return (get_script_prefix(), get_urlconf(), _current_app(context), context.autoescape)


class ConstantStaticNode(StaticNode):
    def __init__(self, varname: str | None = None, path: FilterExpression | None = None) -> None:
        super().__init__(varname, path)
        self.constant = _literal(self.path)
        self.addresses: dict[tuple[str, Any], str] = {}

    def url(self, context: Any) -> str:
        if not self.constant:
            return super().url(context)  # type: ignore[no-any-return]
        key = (settings.STATIC_URL, repr(settings.STORAGES.get("staticfiles")))
        if key not in self.addresses:
            self.addresses[key] = super().url(context)
        return self.addresses[key]


def _current_app(context: Any) -> Any:
    """The application namespace Django's `{% url %}` reverses in (its own lookup)."""
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> ConstantTranslateNode:
    return ConstantTranslateNode(django_translate(parser, token))


@register.tag("url")
def url(parser: Parser, token: Token) -> ConstantURLNode:
    return ConstantURLNode(django_url(parser, token))


@register.tag("static")
def do_static(parser: Parser, token: Token) -> StaticNode:
    return ConstantStaticNode.handle_token(parser, token)  # type: ignore[no-any-return]
