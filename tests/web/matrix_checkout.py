"""Authorization matrix entries of the checkout routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")

# The one-step marketplace checkout (O1, K1): any member with "place orders" sees its own carts
# (none: an empty page); a visitor is sent to log in, an employee without the right gets 403 (P4).
PAGE = {**dict.fromkeys(ACTORS, 200), "anonymous": 302, "employee_no_rights": 403}
# Posted empty: the form is incomplete (field idempotency_key), nothing placed, 400.
CONFIRM_EMPTY = {**dict.fromkeys(ACTORS, 400), "anonymous": 302, "employee_no_rights": 403}

ROUTES: dict = {
    "web:marketplace_checkout": (lambda s: [], "get", PAGE, None),
    "web:marketplace_confirm": (lambda s: [], "post", CONFIRM_EMPTY, None),
}
PAYLOADS: dict = {}
