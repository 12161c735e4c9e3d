"""The formal notice to collect as a registered letter: its PDF, the copy e-mailed to the buyer
after commit, and who may download it (F7, N1)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.fulfilment.services import collection_notice_send
from comptoir.fulfilment.tasks import mail_collection_notice
from tests.fulfilment.conftest import accepted_order, at, deposited_buyer, ship_all
from tests.ordering.conftest import make_buyer, make_shop

PLACED = at(2026, 4, 27, 10)
SHIPPED = at(2026, 5, 5, 9)
NOTICE = at(2026, 5, 7, 10)


@pytest.fixture
def sent(db):
    intranet = make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])
    buyer = deposited_buyer(intranet)
    order = accepted_order(intranet, buyer, [("MIEL-1", 4)], when=PLACED)
    shipment = ship_all(intranet, order, when=SHIPPED)
    with clock.frozen(NOTICE):
        notice = collection_notice_send(
            actor=intranet.seller_user, shipment_id=shipment.pk, letter_reference="1A 234"
        )
    return intranet, buyer, order, shipment, notice


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_letter_pdf_carries_the_frozen_text_and_the_deadline(sent):
    from comptoir.fulfilment.pdf import collection_notice_pdf

    intranet, buyer, order, shipment, notice = sent
    text = _text(collection_notice_pdf(notice))
    for expected in (
        "Lettre recommandée avec accusé de réception n° 1A 234",
        intranet.seller.legal_name,
        buyer.org.legal_name,
        f"commande {order.number}",
        "quarante-huit heures",
        "9 mai 2026 à 10:00",  # 48 hours after Thu 7 May 10:00 (F7)
        "Art. 8",
    ):
        assert expected in text, expected


def test_a_copy_goes_to_the_buyer_after_commit_with_the_pdf(
    db, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    intranet = make_shop("monthly-intranet", [("MIEL-1", "9.00", 1, 200)])
    buyer = deposited_buyer(intranet)
    order = accepted_order(intranet, buyer, [("MIEL-1", 4)], when=PLACED)
    shipment = ship_all(intranet, order, when=SHIPPED)
    mailoutbox.clear()
    with clock.frozen(NOTICE), django_capture_on_commit_callbacks(execute=True):
        collection_notice_send(actor=intranet.seller_user, shipment_id=shipment.pk)
        assert mailoutbox == []  # nothing leaves before the commit
    mails = [m for m in mailoutbox if "Mise en demeure" in m.subject]
    assert len(mails) == 1
    mail = mails[0]
    assert order.number in mail.subject and shipment.number in mail.subject
    assert buyer.user.email in mail.to
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"mise-en-demeure-{shipment.number}.pdf", "application/pdf")
    assert "quarante-huit heures" in _text(content)


def test_no_copy_without_an_address(sent):
    _, buyer, order, _, notice = sent
    buyer.org.email = ""
    buyer.org.save(update_fields=["email"])
    buyer.user.email = ""
    buyer.user.save(update_fields=["email"])
    assert mail_collection_notice(notice.pk) is False


def test_buyer_and_seller_download_it_nobody_else(sent, client):
    intranet, buyer, order, shipment, _ = sent
    url = reverse("web:collection_notice_pdf", args=[order.number, shipment.number])
    client.force_login(buyer.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(intranet.seller_user)
    assert client.get(url).status_code == 200
    stranger = make_buyer()
    client.force_login(stranger.user)
    assert client.get(url).status_code == 404
    client.force_login(buyer.user)
    other = reverse("web:collection_notice_pdf", args=[order.number, "NOPE-1"])
    assert client.get(other).status_code == 404


def test_resolution_credits_the_invoice_in_full_and_restocks(sent):
    """F7: the sale is undone: its invoice is cancelled by a credit note issued at once (I5) and
    the returned parcel's goods are on hand again; the return transport stays a charge."""
    from decimal import Decimal

    from comptoir.billing.models import Invoice
    from comptoir.catalog.models import StockLevel
    from comptoir.fulfilment.services import (
        collection_notices_expire_due,
        order_resolve_uncollected,
    )
    from comptoir.ordering.models import Order
    from comptoir.ordering.services import order_invoice_issue

    intranet, buyer, order, shipment, notice = sent
    product_id = order.lines.get().product_id
    with clock.frozen(at(2026, 5, 8, 9)):
        order_invoice_issue(Order.objects.get(pk=order.pk), actor=intranet.seller_user)
    invoice = Order.objects.get(pk=order.pk).invoice
    on_hand = StockLevel.objects.get(product_id=product_id).on_hand
    with clock.frozen(at(2026, 5, 11, 9)):
        collection_notices_expire_due(until=clock.now())
        order_resolve_uncollected(
            actor=intranet.seller_user, shipment_id=shipment.pk, return_cost=Decimal("14.90")
        )
    note = Invoice.objects.get(credited_invoice=invoice)
    assert note.kind == "credit_note" and note.status == "issued"
    assert note.total_incl_vat == invoice.total_incl_vat
    assert StockLevel.objects.get(product_id=product_id).on_hand == on_hand + 4
    resolved = Order.objects.get(pk=order.pk)
    assert resolved.events.filter(action="credit", rule="F7").exists()
    # resolving twice is refused; no second credit note
    with clock.frozen(at(2026, 5, 11, 10)), pytest.raises(DomainError):
        order_resolve_uncollected(actor=intranet.seller_user, shipment_id=shipment.pk)
    assert Invoice.objects.filter(credited_invoice=invoice).count() == 1


def test_resolution_without_invoice_issues_no_credit_note(sent):
    from comptoir.billing.models import Invoice
    from comptoir.fulfilment.services import (
        collection_notices_expire_due,
        order_resolve_uncollected,
    )

    intranet, _, order, shipment, _ = sent
    with clock.frozen(at(2026, 5, 11, 9)):
        collection_notices_expire_due(until=clock.now())
        order_resolve_uncollected(actor=intranet.seller_user, shipment_id=shipment.pk)
    assert not Invoice.objects.filter(kind="credit_note").exists()
