"""Card at order (PT1, PT2 [000 §7.7]), refunds (O12), and the PSP adapter over HTTP."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from decimal import Decimal as D
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.services import shipment_create
from comptoir.ledger import queries as ledger
from comptoir.ordering.services import order_accept, order_refuse
from comptoir.ordering.services.invoicing import order_invoice_issue
from comptoir.payments.models import CardIntent, Payout
from comptoir.payments.providers import HttpProvider
from comptoir.payments.services.card import card_payment_confirm, card_payment_start
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 10, tzinfo=clock.PARIS)


@pytest.fixture
def shop():
    return make_shop("marketplace", [("VASE", "100.00", 1, 50)])


def test_card_at_order_is_a_credit_that_settles_the_invoice(shop) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 3)], payment_method="card")
        intent = CardIntent.objects.get(reference=order.number)
        assert intent.status == "succeeded" and intent.amount == order.total_incl_vat
        assert ledger.balance(buyer.org, shop.seller) == -order.total_incl_vat  # paid in advance
        assert Payout.objects.get().gross == order.total_incl_vat  # PT14: held for the seller
        order_invoice_issue(order)
    assert ledger.balance(buyer.org, shop.seller) == 0


def test_refusal_after_card_payment_refunds_in_full(shop) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 2)], payment_method="card")
        order_refuse(actor=shop.seller_user, order_id=order.pk, reason="Rupture chez le fabricant.")
    intent = CardIntent.objects.get(reference=order.number)
    assert intent.status == "refunded" and intent.refunded == order.total_incl_vat
    assert ledger.balance(buyer.org, shop.seller) == 0
    debit, credit = ledger.journal_totals()
    assert debit == credit


def test_no_shipment_before_the_card_payment(shop, settings) -> None:
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 1)], payment_method="card")
        CardIntent.objects.filter(reference=order.number).update(status="failed", payment=None)
        order_accept(actor=shop.seller_user, order_id=order.pk)
        with pytest.raises(DomainError) as err:
            shipment_create(
                actor=shop.seller_user,
                order_id=order.pk,
                lines={line.pk: line.quantity for line in order.lines.all()},
                carrier="Colissimo",
                parcels=["6A000000001FR"],
            )
    assert err.value.code == "prepayment_required" and err.value.rule == "PT2"


class _Psp(BaseHTTPRequestHandler):
    """A stand-in for the operator's PSP: payments start pending, then succeed."""

    payments: dict[str, dict] = {}

    def _send(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        assert self.headers["Authorization"] == "Bearer sk_test"
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path.endswith("/refunds"):
            self._send({"id": "re_1", "amount": body["amount"]})
            return
        pid = f"pay_{len(self.payments) + 1}"
        self.payments[pid] = {"id": pid, "status": "pending", "amount": body["amount"]}
        self._send(self.payments[pid] | {"redirect_url": f"https://psp.example/3ds/{pid}"})

    def do_GET(self) -> None:  # noqa: N802
        pid = self.path.rsplit("/", 1)[-1]
        self._send(self.payments[pid] | {"status": "succeeded"})

    def log_message(self, *args: object) -> None:
        return


def test_psp_adapter_pending_then_confirmed(shop, settings) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Psp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.COMPTOIR_PAYMENT_PROVIDER = "psp"
        settings.COMPTOIR_PSP_URL = f"http://127.0.0.1:{server.server_port}"
        settings.COMPTOIR_PSP_KEY = "sk_test"
        buyer = make_buyer()
        with clock.frozen(NOW):
            intent = card_payment_start(
                buyer=buyer.org, seller=shop.seller, amount=D("120.00"), reference="CO-TEST-1"
            )
            assert intent.status == "pending" and intent.provider == "psp"
            assert _Psp.payments[intent.provider_reference]["amount"] == 12000  # cents
            done = card_payment_confirm(provider_reference=intent.provider_reference)
            again = card_payment_confirm(provider_reference=intent.provider_reference)
        assert done.status == "succeeded" and done.payment is not None
        assert again.payment_id == done.payment_id
    finally:
        server.shutdown()


def test_psp_down_is_a_clear_error(settings) -> None:
    provider = HttpProvider("http://127.0.0.1:9", "k", timeout=1)
    with pytest.raises(DomainError) as err:
        provider.create(amount=D("1.00"), reference="X", return_url="")
    assert err.value.code == "provider_unavailable"


def test_financing_partner_pays_at_once_and_invoice_says_assigned(shop, settings) -> None:
    """PT3/PT14: the partner pays 2 % less; the commission comes out of what it paid."""
    from comptoir.payments.models import FinancingPlan

    settings.COMPTOIR_FINANCING_FEE_PERCENT = "2"
    buyer = make_buyer()
    with clock.frozen(NOW):
        order = place(shop, buyer, [("VASE", 5)], payment_method="financing_partner")
        order = order_invoice_issue(order)
    assert order.invoice is not None
    assert any(m["code"] == "assigned" for m in order.invoice.mentions)
    plan = FinancingPlan.objects.get()
    total = order.invoice.total_incl_vat
    assert plan.amount == total and plan.partner_fee == (total * 2 / 100).quantize(D("0.01"))
    assert plan.schedule[0]["due"] == "2026-12-31"  # 30 days, the first deferral
    assert ledger.balance(buyer.org, shop.seller) == 0
    payout = Payout.objects.get()
    assert payout.gross == total - plan.partner_fee
    assert payout.net == payout.gross - payout.commission
    debit, credit = ledger.journal_totals()
    assert debit == credit
