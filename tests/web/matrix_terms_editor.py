"""Authorization matrix entries of the terms_editor routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The seller's terms editor needs the seller role (buyers' organizations: 404) and the P4 right
manage_users (the employee without rights: 403). The matrix's seller already has version 1
published; the builders add a draft (version 2) holding a marker that must never leak.
"""

from __future__ import annotations

from typing import Any

from comptoir.terms.loader import preset_text
from comptoir.terms.services import terms_version_create_draft

SECRET = "Brouillon confidentiel MX-7"

SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# Forms posted empty: the seller is sent back to the page with the error shown.
SELLER_POST = {**SELLER_ONLY, "seller": 302}


def _draft(shop: Any) -> list[int]:
    """A draft of the matrix's seller (the next version number), with the secret in a comment."""
    source = preset_text("selective-beauty") + f"\n# {SECRET}\n"
    return [terms_version_create_draft(seller=shop.seller, source=source).version]


ROUTES: dict = {
    "web:seller_terms": (lambda s: [], "get", SELLER_ONLY, None),
    "web:seller_terms_new": (lambda s: [], "post", SELLER_POST, None),  # no origin: an error
    "web:seller_terms_edit": (_draft, "get", SELLER_ONLY, SECRET),
    "web:seller_terms_check": (_draft, "post", SELLER_ONLY, SECRET),  # empty text: its errors
    "web:seller_terms_preview": (_draft, "get", SELLER_ONLY, SECRET),
    "web:seller_terms_publish": (_draft, "post", SELLER_POST, SECRET),  # no hash: refused
}
PAYLOADS: dict = {}
