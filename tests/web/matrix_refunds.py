"""Authorization matrix entries of the refunds routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import clock
from comptoir.payments.models import CardIntent, CardRefund, Refund

SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# the seller's retry of a refund that had nothing to refund: refused, back to the page (I5)
SELLER_POST = {**SELLER_ONLY, "seller": 302}


def _refund(shop) -> list[int]:
    """A card refund of the seller (built directly: the flows are in test_refunds_pages)."""
    shop.order.refresh_from_db()
    intent = CardIntent.objects.create(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        provider="local",
        provider_reference=f"matrix-{shop.order.number}",
        amount=Decimal("100.00"),
        reference=shop.order.number,
        status=CardIntent.Status.SUCCEEDED,
        created_at=clock.now(),
    )
    refund = CardRefund.objects.create(
        intent=intent,
        seller=shop.seller,
        credit_note=shop.order.invoice,
        credit_note_number="AV-MATRIX-1",
        status=CardRefund.Status.NOTHING,
        created_at=clock.now(),
    )
    return [refund.pk]


def _transfer_refund(shop) -> list[int]:
    """A refund by transfer the seller owes buyer A (built directly: the flows are in
    tests/payments/test_refunds_transfer.py and tests/web/test_transfer_refunds_pages.py)."""
    shop.order.refresh_from_db()
    refund = Refund.objects.create(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        amount=Decimal("12.34"),
        reference=shop.order.number,
        rule="O12",
        reason="SECRET-REFUND-MATRIX",
        source_key=f"O12:{shop.order.number}",
        creditor_name="Acheteur A",
        creditor_iban="FR7630006000011234567890189",
        due_on=clock.today(),
        end_to_end_id="RB9999999999",
        created_at=clock.now(),
    )
    return [refund.pk]


def _held_refund(shop) -> list[int]:
    """The same refund, held back by an export: the buyer's credit no longer covered it (I5)."""
    [pk] = _transfer_refund(shop)
    Refund.objects.filter(pk=pk).update(
        status="held", held_at=clock.now(), held_reason="credit_short", held_credit=Decimal("0")
    )
    return [pk]


def _credit_of_buyer_a(shop) -> list[int]:
    """Buyer A pays the seller more than it owes: a credit the seller may refund (I5)."""
    from comptoir.payments.services import payment_record

    payment_record(
        buyer=shop.approved_buyer,
        seller=shop.seller,
        amount=Decimal("5000.00"),
        method="transfer",
        value_date=clock.today(),
        idempotency_key="matrix-credit",
    )
    return [shop.approved_buyer.pk]


def _with_refund(shop) -> list[int]:
    _transfer_refund(shop)
    return []


def _with_covered_refund(shop) -> list[int]:
    """A refund buyer A's credit covers: the export re-checks the credit (I5) and sends it."""
    _credit_of_buyer_a(shop)
    return _with_refund(shop)


# the API: a visitor without a key gets 401; other companies have no such refund (404)
API_SELLER = {
    "anonymous": 401,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# the list: each company its own refunds (a buyer's company: an empty list)
API_LIST = {**API_SELLER, "buyer_a": 200, "buyer_b": 200}

ROUTES: dict = {
    "web:card_refunds": (lambda s: [], "get", SELLER_ONLY, None),
    "web:card_refund_retry": (_refund, "post", SELLER_POST, None),
    "web:transfer_refunds": (_with_refund, "get", SELLER_ONLY, "SECRET-REFUND-MATRIX"),
    # nothing with an IBAN to export for the seller here? there is one: the file is answered
    "web:transfer_refunds_export": (_with_covered_refund, "post", SELLER_ONLY, None),
    "web:transfer_refund_paid": (_transfer_refund, "post", SELLER_POST, None),
    "api:list_refunds": (_with_refund, "get", API_LIST, None),
    "api:mark_refund_paid": (_transfer_refund, "post", API_SELLER, None),
    # cancelling without a reason: refused, back to the page (O12, O17, I5)
    "web:transfer_refund_cancel": (_transfer_refund, "post", SELLER_POST, None),
    # the seller refunds buyer A's credit from its statement: recorded, back to the statement
    "web:buyer_credit_refund": (_credit_of_buyer_a, "post", SELLER_POST, None),
    # without its Idempotency-Key header: refused before anything else (as api:place_order)
    "api:create_refund": (
        lambda s: [],
        "post",
        {
            **dict.fromkeys(["buyer_a", "buyer_b", "employee_no_rights", "seller"], 422),
            "anonymous": 401,
        },
        None,
    ),
    "api:cancel_refund": (_transfer_refund, "post", API_SELLER, None),
    # a held refund released: due again (I5); the page form answers back to the page
    "web:transfer_refund_release": (_held_refund, "post", SELLER_POST, None),
    "api:release_refund": (_held_refund, "post", API_SELLER, None),
}
PAYLOADS: dict = {
    "api:mark_refund_paid": lambda s: {},
    "api:cancel_refund": lambda s: {"reason": "Le client garde son avoir."},
    "api:create_refund": lambda s: {"buyer_id": s.approved_buyer.pk},
}
