"""Authorization matrix entries of a buyer's deposit and rebates page (merged into
test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The page is buyer A's, seen by its seller: a buyer's organization has no seller page (404), the
employee without the "credit and invoices" right gets 403 (P4), a visitor the login page. The
forms posted empty answer the page again with each field's problem, status 400, and record
nothing. The flows are tested in tests/web/test_receivables_more_pages.py.
"""

from __future__ import annotations

BUYER_A_OF_THE_SELLER = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
FORM_POSTED_EMPTY = {**BUYER_A_OF_THE_SELLER, "seller": 400}


def _buyer_a(shop) -> list:
    return [shop.approved_buyer.pk]


ROUTES: dict = {
    "web:receivables_more_buyer": (_buyer_a, "get", BUYER_A_OF_THE_SELLER, None),
    "web:receivables_more_deposit": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
    "web:receivables_more_deposit_return": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
    "web:receivables_more_rebates": (_buyer_a, "post", FORM_POSTED_EMPTY, None),
}
PAYLOADS: dict = {}
