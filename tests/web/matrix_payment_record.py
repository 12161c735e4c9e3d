"""Authorization matrix entries of the payment a seller records by hand (merged into
test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

Recording a payment is an owner's act, as through the API (P4): the seller's owner gets the form
(200) and, posting it empty, the form again with its errors (400, nothing recorded); buyers'
organizations have no such page (404); the employee without rights gets 403. The flow is tested
in tests/web/test_payment_record_pages.py.
"""

from __future__ import annotations

SELLER_OWNER = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}

ROUTES: dict = {
    "web:payment_new": (lambda s: [], "get", SELLER_OWNER, None),
    "web:payment_record": (lambda s: [], "post", {**SELLER_OWNER, "seller": 400}, None),
}
PAYLOADS: dict = {}
