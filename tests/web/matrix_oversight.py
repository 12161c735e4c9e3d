"""Authorization matrix entries of the oversight routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The /operator/ pages belong to the platform operator, and none of the matrix actors is one: a
visitor is sent to the login page, every other user gets 404 (the operator's own access is
tested in test_oversight_pages). Reporting a product is for members who can see it (C7).
"""

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")

OPERATOR_ONLY = {**dict.fromkeys(ACTORS, 404), "anonymous": 302}

ROUTES: dict = {
    "web:oversight_audit": (lambda s: [], "get", OPERATOR_ONLY, "order.place"),
    "web:oversight_audit_verify": (lambda s: [], "post", OPERATOR_ONLY, "Audit chain"),
    "web:oversight_payouts": (lambda s: [], "get", OPERATOR_ONLY, None),
    "web:oversight_payouts_export": (lambda s: [], "post", OPERATOR_ONLY, None),
    "web:oversight_payout_report": (
        lambda s: [s.seller.pk],
        "get",
        OPERATOR_ONLY,
        "Commission excl. VAT",
    ),
    "web:oversight_moderation": (lambda s: [], "get", OPERATOR_ONLY, None),
    "web:oversight_moderation_dismiss": (
        lambda s: [s.open_product.pk],
        "post",
        OPERATOR_ONLY,
        None,
    ),
    "web:oversight_moderation_remove": (
        lambda s: [s.open_product.pk],
        "post",
        OPERATOR_ONLY,
        None,
    ),
    # posted empty: the reason is missing, the member is sent back to the product page with the
    # error; the seller may not report its own product (also an error, C7); buyer B does not see
    # the selective product (404), the employee without view_products gets 403
    "web:product_report": (
        lambda s: [s.seller.pk, s.selective_product.pk],
        "post",
        {
            "anonymous": 302,
            "buyer_a": 302,
            "buyer_b": 404,
            "employee_no_rights": 403,
            "seller": 302,
        },
        "Sérum prestige",
    ),
}
PAYLOADS: dict = {}
