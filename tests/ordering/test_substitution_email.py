"""C6: the replacement proposal's e-mail gives its reason in the recipient's language, from the
parts the timeline stores (notes); the timeline keeps its French note as the record."""

from __future__ import annotations

from datetime import datetime

import pytest

from comptoir.core import clock
from comptoir.ordering.notifications import notify
from comptoir.ordering.services import order_accept, order_substitution_propose
from tests.ordering.conftest import make_shop, place

NOW = datetime(2026, 11, 19, 15, tzinfo=clock.PARIS)


@pytest.fixture
def electronics(db):
    return make_shop(
        "electronics-wholesale",
        [("USB-C", "4.20", 1, 500), ("USB-C-PRO", "5.10", 1, 100)],
    )


def _proposed(shop, buyer):
    with clock.frozen(NOW):
        order = place(shop, buyer, [("USB-C", 100)])
        order_accept(actor=shop.seller_user, order_id=order.pk)
        proposal = order_substitution_propose(
            actor=shop.seller_user,
            order_id=order.pk,
            line_id=order.lines.get(sku="USB-C").pk,
            product_id=shop.products["USB-C-PRO"].pk,
            quantity=100,
            note="Rupture fabricant jusqu'en janvier.",
        )
    event = order.events.get(action="propose_substitution")
    return order, proposal, event


@pytest.mark.parametrize(
    ("language", "subject", "reason"),
    [
        (
            "en",
            "Order {n}: replacement proposed",
            "Reason: USB-C × 100 unavailable: replacement proposed: USB-C-PRO × 100 "
            "(€510.00 excl. VAT) — Rupture fabricant jusqu'en janvier.",
        ),
        (
            "fr",
            "Commande {n} : produit de remplacement proposé",
            "Motif : USB-C × 100 indisponible : remplacement proposé par USB-C-PRO × 100 "
            "(510,00\u00a0€ HT) — Rupture fabricant jusqu'en janvier.",
        ),
    ],
)
def test_the_proposal_email_speaks_the_buyers_language(
    electronics, buyer, mailoutbox, language, subject, reason
):
    buyer.user.language = language
    buyer.user.save(update_fields=["language"])
    order, proposal, event = _proposed(electronics, buyer)
    # the timeline's note stays the French one, whatever the buyer reads
    assert event.note.startswith("USB-C × 100 indisponible")
    assert event.note.endswith("— Rupture fabricant jusqu'en janvier.")

    notify(order.pk, "propose_substitution", event.note, event.data["note_parts"])

    (mail,) = mailoutbox
    assert mail.to == [buyer.user.email]
    assert mail.subject == subject.format(n=order.number)
    assert reason in mail.body
    if language == "en":
        assert "indisponible" not in mail.body and "Motif" not in mail.body
        # the whole body in English: the heading and the state's label, not its code
        assert "Commande" not in mail.body
        assert f"Order {order.number} — " in mail.body
        assert "State: Accepted" in mail.body
    else:
        assert "Statut : Acceptée" in mail.body


def test_a_note_without_parts_is_sent_as_it_is(electronics, buyer, mailoutbox):
    buyer.user.language = "en"
    buyer.user.save(update_fields=["language"])
    order, _proposal, _event = _proposed(electronics, buyer)
    notify(order.pk, "propose_substitution", "Texte libre")
    (mail,) = mailoutbox
    assert "Reason: Texte libre" in mail.body


@pytest.mark.parametrize(("action", "headed"), [("refuse", True), ("deliver", False)])
def test_only_a_step_that_says_why_heads_its_note_reason(
    electronics, buyer, mailoutbox, action, headed
):
    buyer.user.language = "en"
    buyer.user.save(update_fields=["language"])
    order, _proposal, _event = _proposed(electronics, buyer)
    notify(order.pk, action, "Some words")
    (mail,) = mailoutbox
    assert ("Reason: Some words" in mail.body) is headed
    assert "\nSome words\n" in mail.body or headed
