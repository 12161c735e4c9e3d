"""E-mails at each step a person waits for (order received, accepted, modified, refused, lapsed,
cancelled, invoiced), in the recipient's language, sent after the transaction commits."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from comptoir.core import events
from comptoir.core.money import format_money
from comptoir.ordering.models import Order
from comptoir.ordering.notes import text_of

logger = logging.getLogger("comptoir.ordering")

SUBJECTS = {
    "place": ("Commande {n} reçue", "Order {n} received"),
    "accept": ("Commande {n} acceptée", "Order {n} accepted"),
    "auto_accept": ("Commande {n} acceptée", "Order {n} accepted"),
    "modify": (
        "Commande {n} modifiée par le vendeur : à confirmer",
        "Order {n} modified: please confirm",
    ),
    "refuse": ("Commande {n} refusée", "Order {n} refused"),
    "lapse": ("Commande {n} caduque", "Order {n} lapsed"),
    "cancel": ("Commande {n} annulée", "Order {n} cancelled"),
    "ship": ("Commande {n} expédiée", "Order {n} shipped"),
    "deliver": ("Commande {n} livrée : à valider", "Order {n} delivered: please validate"),
    "freeze": ("Commande {n} définitive", "Order {n} frozen"),
    "invoice": ("Facture de la commande {n}", "Invoice for order {n}"),
    "change": ("Commande {n} modifiée avec votre accord", "Order {n} changed with consent"),
    "mark_manual_handling": (
        "Commande {n} : traitement manuel",
        "Order {n}: manual handling",
    ),
    "propose_substitution": (
        "Commande {n} : produit de remplacement proposé",
        "Order {n}: replacement proposed",
    ),
    "answer_substitution": (
        "Commande {n} : réponse au remplacement",
        "Order {n}: replacement answered",
    ),
    "withdraw": ("Commande {n} : rétractation", "Order {n}: withdrawal"),
    "resolve": ("Commande {n} résolue", "Order {n} resolved"),
    "credit": ("Avoir de la commande {n}", "Credit note for order {n}"),
}
BUYERS_OWN = {"confirm_modification", "answer_substitution"}
"""The buyer's own answers: the seller is told, the buyer is not."""
TO_SELLER = {
    "place",
    "confirm_modification",
    "decline_modification",
    "cancel",
    "answer_substitution",
    "withdraw",
}
WITH_REASON = {
    "modify",
    "refuse",
    "lapse",
    "cancel",
    "decline_modification",
    "mark_manual_handling",
    "propose_substitution",
    "withdraw",
    "resolve",
}
"""Steps whose note says why: headed "Reason:". Other steps' notes (a delivery and its
contestation deadline, an acceptance on the seller's silence) read as a line of their own."""


def _body(order: Order, action: str, lang: str, note: str) -> str:
    fr = lang == "fr"
    with translation.override(lang):  # the state's label, not its code, in either language
        state = order.get_state_display()
    lines = [
        (
            f"Commande {order.number} — {order.seller.legal_name} → {order.buyer.legal_name}"
            if fr
            else f"Order {order.number} — {order.seller.legal_name} → {order.buyer.legal_name}"
        ),
        (f"Statut : {state}" if fr else f"State: {state}"),
        (
            f"Montant TTC : {format_money(order.total_incl_vat)}"
            if fr
            else f"Total incl. VAT: {format_money(order.total_incl_vat, 'en')}"
        ),
    ]
    if note and action in WITH_REASON:
        lines.append(("Motif : " if fr else "Reason: ") + note)
    elif note:
        lines.append(note)
    lines.append(
        "Le détail et les prochaines échéances sont dans votre espace Comptoir."
        if fr
        else "Details and next deadlines are in your Comptoir account."
    )
    return "\n".join(lines)


ORDER_EVENTS = {
    "place": "order.placed",
    "accept": "order.accepted",
    "auto_accept": "order.accepted",
    "modify": "order.modified",
    "refuse": "order.refused",
    "confirm_modification": "order.modification_confirmed",
    "lapse": "order.lapsed",
    "cancel": "order.cancelled",
    "decline_modification": "order.cancelled",
    "freeze": "order.frozen",
}
"""The actions outside systems follow (webhooks)."""


def publish(order: Order, action: str) -> None:
    """Publish the webhook event of `action`, if any, when the transaction commits."""
    events.emit(
        ORDER_EVENTS.get(action),
        [order.buyer_id, order.seller_id],
        {
            "order": order.number,
            "state": order.state,
            "buyer_id": order.buyer_id,
            "seller_id": order.seller_id,
            "total_incl_vat": order.total_incl_vat,
            "channel": order.channel,  # O14: lets listeners (EDI) skip other channels' orders
        },
    )


def notify(
    order_id: int, action: str, note: str = "", parts: list[dict[str, Any]] | None = None
) -> None:
    """Send the e-mail of `action` to whoever waits for it (buyer's user, seller's address),
    its reason in each recipient's language when the note has parts (`notes`). Run by a
    background task enqueued on commit, so a slow mail server never holds a checkout."""
    order = Order.objects.select_related("placed_by", "buyer", "seller").filter(pk=order_id).first()
    if order is None:
        return
    recipients: list[tuple[str, str]] = []
    if action in SUBJECTS and order.placed_by is not None and action not in BUYERS_OWN:
        recipients.append((order.placed_by.email, order.placed_by.language))
    if action in TO_SELLER and order.seller.email:
        recipients.append((order.seller.email, "fr"))
    for email, lang in recipients:
        fr_subject, en_subject = SUBJECTS.get(action, ("Commande {n}", "Order {n}"))
        subject = (fr_subject if lang == "fr" else en_subject).format(n=order.number)
        reason = text_of(note, parts, lang)
        try:
            send_mail(
                subject, _body(order, action, lang, reason), settings.DEFAULT_FROM_EMAIL, [email]
            )
        except OSError:  # the mail server is down: the order stands, the log says so
            logger.exception("could not send %s of order %s to %s", action, order.number, email)
