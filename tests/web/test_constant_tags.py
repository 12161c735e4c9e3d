"""Tags that keep what they render when it cannot change (web/templatetags/constant_tags.py):
their output is Django's own, in each language, URL prefix and escaping, the first time and
every time after; what depends on the context is never kept."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, clear_script_prefix, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.web.templatetags.constant_tags import (
    ConstantStaticNode,
    ConstantTranslateNode,
    ConstantURLNode,
)

# each body rendered with Django's tags and with the kept ones
BODIES = [
    '{% translate "Orders" %}',
    '{% translate "Orders" context "navigation" %}',
    '{% translate "Orders" noop %}',
    '{% translate "Orders" as label %}[{{ label }}]',
    "{% translate word %}",
    '{% translate "Orders"|upper %}',
    '{% translate "Tom & Jerry <b>" %}',
    '{% translate "100%% sure" %}',
    "{% url 'web:orders' %}",
    "{% url 'web:seller_products' 7 %}",
    "{% url 'web:seller_products' seller %}",
    "{% url 'web:orders' as where %}[{{ where }}]",
    "{% url 'web:no_such_page' as where %}[{{ where }}]",
    "{% static 'web/comptoir.css' %}",
    "{% static path %}",
    "{% static 'web/comptoir.css' as css %}[{{ css }}]",
]
CONTEXT = {"word": "Orders", "seller": 42, "path": "web/comptoir.js"}


def _pair(body: str) -> tuple[Template, Template]:
    django = Template("{% load i18n static %}" + body)
    kept = Template("{% load i18n static constant_tags %}" + body)
    return django, kept


def _render(template: Template, autoescape: bool = True) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()  # what the context processors read
    context = RequestContext(request, CONTEXT, autoescape=autoescape)
    return template.render(context)


@pytest.mark.parametrize("body", BODIES)
def test_the_kept_tags_render_what_django_renders(body: str) -> None:
    django, kept = _pair(body)
    for language in ("fr", "en", "fr"):  # back to French: each language is kept apart
        with translation.override(language):
            for autoescape in (True, False, True):
                expected = _render(django, autoescape)
                assert _render(kept, autoescape) == expected
                assert _render(kept, autoescape) == expected  # now from what was kept


def test_a_translation_follows_the_language_of_each_render() -> None:
    template = Template('{% load i18n constant_tags %}{% translate "Orders" %}')
    seen = []
    for language in ("fr", "en", "fr", "en"):
        with translation.override(language):
            seen.append(template.render(Context()))
    assert seen == ["Commandes", "Orders", "Commandes", "Orders"]


def test_a_url_follows_the_url_prefix() -> None:
    template = Template("{% load constant_tags %}{% url 'web:orders' %}")
    assert template.render(Context()) == "/orders/"
    set_script_prefix("/shop/")
    try:
        assert template.render(Context()) == "/shop/orders/"
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert template.render(Context()) == "/orders/"


def test_an_unknown_url_still_fails_every_time() -> None:
    template = Template("{% load constant_tags %}{% url 'web:no_such_page' %}")
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            template.render(Context())


def test_only_literal_arguments_are_kept() -> None:
    def node(body: str) -> object:
        return Template("{% load i18n static constant_tags %}" + body).nodelist[-1]

    assert node('{% translate "Orders" %}').constant  # type: ignore[attr-defined]
    assert node('{% translate "Orders" context "menu" %}').constant  # type: ignore[attr-defined]
    assert not node("{% translate word %}").constant  # type: ignore[attr-defined]
    assert not node('{% translate "Orders"|upper %}').constant  # type: ignore[attr-defined]
    assert not node('{% translate "Orders" context menu %}').constant  # type: ignore[attr-defined]
    assert node("{% url 'web:seller_products' 7 %}").constant  # type: ignore[attr-defined]
    assert not node("{% url 'web:seller_products' seller.pk %}").constant  # type: ignore[attr-defined]
    assert node("{% static 'web/comptoir.css' %}").constant  # type: ignore[attr-defined]
    assert not node("{% static path %}").constant  # type: ignore[attr-defined]
    kinds = {type(node(b)) for b in ('{% translate "a" %}', "{% url 'web:orders' %}")}
    assert kinds == {ConstantTranslateNode, ConstantURLNode}
    assert type(node("{% static 'web/comptoir.css' %}")) is ConstantStaticNode


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"{}%\\'),
        max_size=40,
    )
)
def test_any_literal_text_renders_as_django_renders_it(text: str) -> None:
    django, kept = _pair(f'{{% translate "{text}" %}}')
    for language in ("fr", "en"):
        with translation.override(language):
            assert _render(kept) == _render(django)
            assert _render(kept, autoescape=False) == _render(django, autoescape=False)


def test_the_busiest_pages_load_the_kept_tags() -> None:
    """After `i18n` and `static`, and not followed by another load of them."""
    from django.template import Engine

    for name in (
        "web/base.html",
        "web/product_list.html",
        "web/order_detail.html",
        "web/address_changes/_panel.html",
        "web/order_changes/_panel.html",
        "web/withdrawals/_panel.html",
        "web/prepayment/_panel.html",
        "substitutions/_panel.html",
    ):
        loads = re.findall(r"{% load ([^%]*)%}", Engine.get_default().get_template(name).source)
        kept = [i for i, names in enumerate(loads) if "constant_tags" in names.split()]
        assert kept, name
        later = " ".join(loads[kept[0] :]).split()
        assert later.index("constant_tags") > max(
            (i for i, n in enumerate(later) if n in ("i18n", "static")), default=-1
        ), name
