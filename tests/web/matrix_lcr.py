"""Authorization matrix entries of the seller's LCR routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import clock
from comptoir.payments.models import LcrRemittance

SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
# the seller's export with nothing to remit: a message, back to the page (PT4)
SELLER_POST = {**SELLER_ONLY, "seller": 302}


def _remittance(shop) -> list[int]:
    """A remittance file of the seller (built directly: the flows are in test_lcr_pages)."""
    made = LcrRemittance.objects.create(
        seller=shop.seller,
        reference="MATRIXLCR01",
        created_at=clock.now(),
        count=1,
        total=Decimal("10.00"),
        content="0360        SECRET-LCR-MATRIX",
    )
    return [made.pk]


ROUTES: dict = {
    "web:lcr": (lambda s: [], "get", SELLER_ONLY, None),
    "web:lcr_export": (lambda s: [], "post", SELLER_POST, None),
    "web:lcr_file": (_remittance, "get", SELLER_ONLY, "SECRET-LCR-MATRIX"),
}
PAYLOADS: dict = {}
