"""What Comptoir writes itself on an order (timeline notes, the reason of a lapse, a hold) reads
in the reader's language on the order page, in the API and in the e-mails; the French text stays
stored as the record, and a person's own words are shown as written (notes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir.core import clock
from comptoir.ordering.models import OrderEvent
from comptoir.ordering.notes import TEXTS, Note, both, text_of, words
from comptoir.ordering.notifications import notify
from comptoir.ordering.services import order_refuse, orders_apply_deadlines
from tests.fulfilment.conftest import accepted_order, deliver, ship_all
from tests.ordering.conftest import make_buyer, make_shop, place

pytestmark = pytest.mark.django_db

SAMPLE = {
    "original_sku": "USB-C",
    "original_quantity": 100,
    "sku": "USB-C-PRO",
    "skus": "A-1, B-2",
    "quantity": 100,
    "number": "AV-000001",
    "net_amount": Decimal("510.00"),
    "amount": Decimal("1234.50"),
    "due": Decimal("10.00"),
    "on": date(2026, 12, 24),
    "until": date(2026, 12, 30),
    "due_on": date(2026, 12, 9),
    "sent_at": datetime(2026, 12, 1, 9, 30, tzinfo=clock.PARIS),
    "shipment": "EXP-000001",
    "item": "Palette consignée",
    "days": 90,
    "description": "Sérum 30 ml",
    "unit_price": Decimal("25.00"),
    "deadline": date(2026, 12, 10),
}


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=clock.PARIS)


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_text_reads_in_french_and_in_english(code):
    note = Note.of(code, **SAMPLE)
    fr, en = note.render("fr"), note.render("en")
    assert fr and en and fr != en, code  # a French translation exists
    assert "%(" not in fr and "%(" not in en
    for text in (fr, en):
        assert "2026-" not in text  # dates as people write them


def test_values_are_formatted_in_each_language():
    note = Note.of("withdrawal", skus="A-1", amount=Decimal("1234.50"), due_on=date(2026, 12, 9))
    assert note.render("en") == "Withdrawal (A-1): refund of €1,234.50 due by 09/12/2026 (O17)"
    assert note.render("fr") == (
        "Rétractation (A-1) : remboursement de 1\u202f234,50\u00a0€ dû au plus tard le "
        "09/12/2026 (O17)"
    )
    moment = Note.of("resolved_uncollected", sent_at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    assert "01/12/2026 09:30" in moment.render("en")  # Paris time


def test_parts_join_and_a_persons_words_stay_as_written():
    note = (
        Note.of("manual_handling") + words("  Palette hors gabarit.  ") + both("Bonjour", "Hello")
    )
    assert note.render("fr") == (
        "Commande nécessitant un traitement manuel. — Palette hors gabarit. — Bonjour"
    )
    assert note.render("en") == "Order needing manual handling. — Palette hors gabarit. — Hello"
    assert not words("   ") and not Note()
    assert Note.from_json(note.as_json()) == note
    # nothing stored in parts: the stored text; an unknown code (a later version): skipped
    assert text_of("Texte enregistré", None, "en") == "Texte enregistré"
    assert Note.from_json([{"code": "from_the_future", "values": {}}]).render("en") == ""
    # parts that no longer fit their template: the stored text rather than an error
    assert text_of("Livrée le 24/12/2026", [{"code": "delivered", "values": {}}]) == (
        "Livrée le 24/12/2026"
    )


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def software(db):
    return make_shop("digital-goods", [("LIC-PRO", "99.00", 1, None)], kind="license_key")


def _lapsed(software, buyer):
    with clock.frozen(paris(2026, 11, 2, 11)):
        order = place(software, buyer, [("LIC-PRO", 3)])
    assert orders_apply_deadlines(until=paris(2026, 11, 8, 0, 0)) == 1
    order.refresh_from_db()
    return order


def test_a_lapse_keeps_its_french_record_and_reads_in_english(software, buyer):
    order = _lapsed(software, buyer)
    expected_fr = "Délai d'acceptation expiré sans réponse du vendeur : offre caduque."
    assert order.state == "lapsed" and order.reason == expected_fr  # the record
    event = order.events.get(action="lapse")
    assert event.note == expected_fr
    with translation.override("en"):
        assert order.reason_text == (
            "Acceptance deadline passed with no answer from the seller: the offer has lapsed."
        )
        assert event.note_text == order.reason_text
    with translation.override("fr"):
        assert order.reason_text == expected_fr and event.note_text == expected_fr


def test_the_order_page_and_the_api_speak_the_readers_language(client, software, buyer):
    order = _lapsed(software, buyer)
    client.force_login(buyer.user)
    url = reverse("web:order_detail", args=[order.number])
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "the offer has lapsed" in english and "caduque" not in english
    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "offre caduque" in french and "the offer has lapsed" not in french

    del client.cookies["django_language"]
    answer = client.get(f"/api/orders/{order.number}", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["reason"].endswith("the offer has lapsed.")
    lapse = next(e for e in body["events"] if e["action"] == "lapse")
    assert lapse["note"] == body["reason"]


def test_a_refusal_reason_is_the_sellers_words_in_every_language(software, buyer):
    order = place(software, buyer, [("LIC-PRO", 1)])
    order_refuse(actor=software.seller_user, order_id=order.pk, reason="Hors zone de livraison.")
    order.refresh_from_db()
    assert order.reason == "Hors zone de livraison." and not (order.texts or {}).get("reason")
    event = order.events.get(action="refuse")
    assert "note_parts" not in event.data
    with translation.override("en"):
        assert order.reason_text == "Hors zone de livraison." == event.note_text


def test_a_delivery_note_and_its_email_follow_each_reader(buyer, mailoutbox):
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    order = accepted_order(shop, buyer, [("VASE-1", 2)])
    deliver(shop, ship_all(shop, order))  # on Thursday 24 December 2026
    event = OrderEvent.objects.get(order=order, action="deliver")
    assert event.note.startswith("Livrée le 24/12/2026 ; contestation possible jusqu'au ")
    with translation.override("en"):
        assert event.note_text.startswith("Delivered on 24/12/2026; contestation possible until ")

    buyer.user.language = "en"
    buyer.user.save(update_fields=["language"])
    mailoutbox.clear()
    notify(order.pk, "deliver", event.note, event.data["note_parts"])
    (mail,) = mailoutbox
    assert "\nDelivered on 24/12/2026" in mail.body and "Livrée" not in mail.body
    assert "Reason:" not in mail.body  # a delivery says what happened, not why


def test_an_event_written_before_the_parts_shows_its_stored_note(software, buyer):
    order = _lapsed(software, buyer)
    old = OrderEvent.objects.create(
        order=order, at=clock.now(), action="accept", to_state="lapsed", note="Ancienne note."
    )
    with translation.override("en"):
        assert old.note_text == "Ancienne note."


def test_a_held_order_shows_its_hold_reason_in_the_sellers_inbox_language(client):
    shop = make_shop("marketplace", [("VASE-1", "40.00", 1, 20)])
    buyer = make_buyer()
    order = accepted_order(shop, buyer, [("VASE-1", 1)])
    # a hold reason from the terms engine, as placing writes it (O10)
    hold = both("Impayé sur une commande précédente.", "Unpaid previous order.")
    order.state, order.hold_reason = "held", hold.fr
    order.texts = {"hold_reason": hold.as_json()}
    order.save(update_fields=["state", "hold_reason", "texts"])
    with translation.override("en"):
        assert order.hold_reason_text == "Unpaid previous order."
    client.force_login(shop.seller_user)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("web:inbox")).content.decode()
    assert "Unpaid previous order." in english and "Impayé" not in english
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("web:inbox")).content.decode()
    assert "Impayé sur une commande précédente." in french
