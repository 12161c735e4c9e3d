"""Authorization matrix entries of the refunds routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import clock
from comptoir.payments.models import CardIntent, CardRefund

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


ROUTES: dict = {
    "web:card_refunds": (lambda s: [], "get", SELLER_ONLY, None),
    "web:card_refund_retry": (_refund, "post", SELLER_POST, None),
}
PAYLOADS: dict = {}
