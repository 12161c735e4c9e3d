"""Authorization matrix entries of the seller's LCR routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

Recording an LCR returned unpaid is the seller's, under view_invoices (P4): posted empty, the
seller is sent back to the page with the error (a reason is needed); through the API with a
reason it is recorded (200). Buyers' organizations get 404, never the LCR.
"""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import clock
from comptoir.ledger.models import OpenItem
from comptoir.payments.models import LcrRemittance, ScheduledPayment

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


API_SELLER = {
    "anonymous": 401,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}


def _remitted_lcr(shop) -> list[int]:
    """An LCR of the seller's invoice, remitted to the bank (built directly)."""
    [remittance_id] = _remittance(shop)
    shop.order.refresh_from_db()
    item = OpenItem.objects.get(reference=shop.order.invoice.number, kind="invoice")
    lcr = ScheduledPayment.objects.create(
        invoice_item=item,
        buyer=shop.approved_buyer,
        seller=shop.seller,
        method="lcr",
        number=9,
        due_date=item.due_date or clock.today(),
        amount=item.amount,
        lcr_remittance_id=remittance_id,
    )
    return [lcr.pk]


ROUTES: dict = {
    "web:lcr": (lambda s: [], "get", SELLER_ONLY, None),
    "web:lcr_export": (lambda s: [], "post", SELLER_POST, None),
    "web:lcr_file": (_remittance, "get", SELLER_ONLY, "SECRET-LCR-MATRIX"),
    "web:lcr_return": (_remitted_lcr, "post", SELLER_POST, None),
    "api:return_lcr": (_remitted_lcr, "post", API_SELLER, None),
}
PAYLOADS: dict = {"api:return_lcr": lambda s: {"reason": "insufficient_funds"}}
