"""The links of the main navigation, rendered once per kind of reader and kept.

Every page draws the same menu for the same kind of reader: the language, the roles of the acting
organization, whether it has a GLN, the rights of the membership (P4) and whether the reader is an
operator. The links are rendered for each such combination once per process, so a page does not
resolve some thirty URLs and translations again on every request. Nothing user-specific is in
them: the e-mail, the company's name and the forms with their CSRF token stay in the base layout.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString

register = template.Library()


@lru_cache(maxsize=512)
def _links(
    language: str,
    script_prefix: str,
    has_org: bool,
    is_buyer: bool,
    is_seller: bool,
    has_gln: bool,
    perms: frozenset[str],
    operator: bool,
) -> SafeString:
    with translation.override(language):
        return get_template("web/_nav_links.html").render(
            {
                "has_org": has_org,
                "is_buyer": is_buyer,
                "is_seller": is_seller,
                "has_gln": has_gln,
                "perms": perms,
                "operator": operator,
            }
        )


@register.simple_tag(takes_context=True)
def main_nav_links(context: Any) -> SafeString:
    org = context.get("current_org")
    membership = context.get("current_membership")
    user = context.get("user")
    return _links(
        translation.get_language() or "",
        get_script_prefix(),
        org is not None,
        bool(org and org.is_buyer),
        bool(org and org.is_seller),
        bool(org and org.gln),
        membership.effective_permissions if membership is not None else frozenset(),
        bool((org and org.is_operator) or (user is not None and user.is_staff)),
    )
