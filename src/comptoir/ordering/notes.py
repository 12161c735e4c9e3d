"""What Comptoir writes itself on an order: the timeline's notes and the order's reasons (offer
lapsed, accepted on the seller's silence, delivered, withdrawn …).

Each is kept as a code with its values, so every reader gets it in their own language, on the
pages, in the API and in the e-mails; the French text is stored beside it as the record
(`OrderEvent.note`, `Order.reason`). A person's own words (a refusal's reason, a consent) are
kept as written, and the terms engine's explanations with the two languages they come in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_noop

from comptoir.core.calendar import PARIS
from comptoir.core.i18n import active_lang
from comptoir.core.money import format_money


@dataclass(frozen=True)
class Template:
    msgid: str
    dates: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    moments: tuple[str, ...] = ()


TEXTS: dict[str, Template] = {
    # O6, O8: the seller's answer and the deadlines
    "monthly_processing": Template(gettext_noop("Monthly processing.")),
    "accepted_automatically": Template(gettext_noop("Accepted automatically, as the terms say.")),
    "accepted_on_silence": Template(
        gettext_noop("The seller did not answer: accepted, as the terms say.")
    ),
    "offer_lapsed": Template(
        gettext_noop(
            "Acceptance deadline passed with no answer from the seller: the offer has lapsed."
        )
    ),
    "answer_overdue": Template(
        gettext_noop(
            "The seller's answer deadline has passed; the order keeps waiting, as the terms say."
        )
    ),
    "modification_declined": Template(gettext_noop("Modification declined by the buyer.")),
    # N4
    "force_majeure_ended": Template(
        gettext_noop("The force-majeure suspension reached its end: terminated.")
    ),
    # C6: replacements
    "substitution_proposed": Template(
        gettext_noop(
            "%(original_sku)s × %(original_quantity)s unavailable: replacement proposed: "
            "%(sku)s × %(quantity)s (%(net_amount)s excl. VAT)"
        ),
        money=("net_amount",),
    ),
    "substitution_accepted": Template(
        gettext_noop("Replacement accepted: %(original_sku)s → %(sku)s × %(quantity)s")
    ),
    "substitution_declined_line_removed": Template(
        gettext_noop("Replacement declined: line %(sku)s is removed from the order")
    ),
    "substitution_declined_last_line": Template(
        gettext_noop("Replacement declined: %(sku)s was the last line")
    ),
    "substitutions_lapsed": Template(
        gettext_noop("Replacement proposal lapsed, the line no longer being supplied: %(skus)s")
    ),
    "nothing_to_supply": Template(
        gettext_noop("No item can be supplied: replacement declined by the buyer.")
    ),
    # O11: manual handling and changes after acceptance
    "manual_handling": Template(gettext_noop("Order needing manual handling.")),
    "handling_fee": Template(
        gettext_noop("handling fee %(amount)s excl. VAT (O11)"), money=("amount",)
    ),
    "change_fee": Template(gettext_noop("fee %(amount)s excl. VAT (O11)"), money=("amount",)),
    "new_delivery_date": Template(gettext_noop("new delivery date %(on)s"), dates=("on",)),
    # O17: a consumer's withdrawal
    "withdrawal": Template(
        gettext_noop("Withdrawal (%(skus)s): refund of %(amount)s due by %(due_on)s (O17)"),
        money=("amount",),
        dates=("due_on",),
    ),
    "withdrawal_credit_note": Template(
        gettext_noop("credit note %(number)s issued for the withdrawn lines")
    ),
    "withdrawal_card_refund": Template(
        gettext_noop("refunded by card: %(amount)s"), money=("amount",)
    ),
    "withdrawal_transfer_refund": Template(
        gettext_noop("refund transfer of %(amount)s to make"), money=("amount",)
    ),
    "consumer_withdrawal": Template(gettext_noop("Consumer's withdrawal (O17).")),
    # O10, PT9
    "prepayment_waived": Template(
        gettext_noop("The seller does not require payment now: the order follows its terms.")
    ),
    "prepayment_received_statement": Template(
        gettext_noop("Prepayment received: %(amount)s (bank statement), %(due)s still due."),
        money=("amount", "due"),
    ),
    "prepayment_received_queue": Template(
        gettext_noop("Prepayment received: %(amount)s (reconciliation queue), %(due)s still due."),
        money=("amount", "due"),
    ),
    # F1–F7: delivery, contestation, uncollected goods
    "delivered": Template(gettext_noop("Delivered on %(on)s"), dates=("on",)),
    "delivered_contestable": Template(
        gettext_noop("Delivered on %(on)s; contestation possible until %(until)s inclusive"),
        dates=("on", "until"),
    ),
    "withdrawal_possible_until": Template(
        gettext_noop("withdrawal possible until %(until)s inclusive (O17)"), dates=("until",)
    ),
    "conformity_validated": Template(gettext_noop("Conformity validated by the buyer.")),
    "contestation_settled": Template(gettext_noop("Contestation settled.")),
    "contestation_lapsed_conform": Template(
        gettext_noop(
            "Contestation deadline passed on %(on)s with no contestation: the delivery is conform."
        ),
        dates=("on",),
    ),
    "contestation_lapsed_closed": Template(
        gettext_noop(
            "Contestation deadline passed on %(on)s with no contestation: no claim can be "
            "received any more."
        ),
        dates=("on",),
    ),
    "resolved_uncollected": Template(
        gettext_noop(
            "Order resolved at the buyer's sole fault: goods not collected, formal notice of "
            "%(sent_at)s unanswered; parcel returned at the buyer's cost."
        ),
        moments=("sent_at",),
    ),
    # F4, F7, F10: what fulfilment charges, and the packaging returned
    "refused_delivery_fee": Template(
        gettext_noop(
            "Delivery %(shipment)s refused without a valid reason: handling fee of %(amount)s "
            "excl. VAT."
        ),
        money=("amount",),
    ),
    "refused_delivery_transport_extra": Template(
        gettext_noop("Transport both ways charged on top.")
    ),
    "refused_delivery_transport": Template(
        gettext_noop(
            "Delivery %(shipment)s refused without a valid reason: transport both ways "
            "%(amount)s excl. VAT."
        ),
        money=("amount",),
    ),
    "uncollected_return_transport": Template(
        gettext_noop(
            "Parcel %(shipment)s not collected, returned to the sender at the buyer's cost: "
            "%(amount)s excl. VAT."
        ),
        money=("amount",),
    ),
    "wrong_goods_kept_wrong": Template(
        gettext_noop(
            "%(description)s (wrong product, %(quantity)s × %(unit_price)s excl. VAT) not "
            "returned by the deadline of %(deadline)s: paid at the usual price."
        ),
        money=("unit_price",),
        dates=("deadline",),
    ),
    "wrong_goods_kept_excess": Template(
        gettext_noop(
            "%(description)s (excess quantity, %(quantity)s × %(unit_price)s excl. VAT) not "
            "returned by the deadline of %(deadline)s: paid at the usual price."
        ),
        money=("unit_price",),
        dates=("deadline",),
    ),
    "packaging_kept": Template(
        gettext_noop(
            "Sale of deposit packaging not returned: %(quantity)s × %(item)s at the deposit amount"
        )
    ),
    "packaging_not_returned": Template(
        gettext_noop(
            "%(quantity)s × %(item)s not returned %(days)s days after the deposit: packaging "
            "sold, VAT due on the deposit (F10)."
        )
    ),
    "packaging_returned_dirty": Template(
        gettext_noop("Packaging returned dirty or labelled: deposit not refunded.")
    ),
    "packaging_refund_due": Template(
        gettext_noop("Deposit to refund: %(amount)s (credit on the next invoice)."),
        money=("amount",),
    ),
    "packaging_refund_later": Template(
        gettext_noop("Deposit refunded once all the packaging is returned clean.")
    ),
}

SEPARATOR = " — "


@dataclass(frozen=True)
class Note:
    """A text of the order in parts: `{"code", "values"}` (one of TEXTS), `{"text"}` (a person's
    words, as written) or `{"fr", "en"}` (a text that comes in both languages)."""

    parts: tuple[Mapping[str, Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __add__(self, other: Note) -> Note:
        return Note(self.parts + other.parts)

    def render(self, lang: str | None = None) -> str:
        """The text in `lang` (default: the active language)."""
        lang = lang or active_lang()
        return SEPARATOR.join(filter(None, (_part(p, lang) for p in self.parts)))

    @property
    def fr(self) -> str:
        return self.render("fr")

    def as_json(self) -> list[dict[str, Any]]:
        return [dict(p) for p in self.parts]

    @classmethod
    def of(cls, code: str, **values: Any) -> Note:
        """One of TEXTS with its values (dates, amounts and moments as the template says)."""
        if code not in TEXTS:
            raise KeyError(code)
        return cls(({"code": code, "values": {k: _stored(v) for k, v in values.items()}},))

    @classmethod
    def from_json(cls, parts: Iterable[Mapping[str, Any]] | None) -> Note:
        return cls(tuple(p for p in parts or () if isinstance(p, Mapping)))

    @property
    def translatable(self) -> bool:
        """Whether it reads differently by language (not only a person's words)."""
        return any("text" not in p for p in self.parts)


def words(text: str) -> Note:
    """A person's own words, shown as written in every language; nothing when blank."""
    text = (text or "").strip()
    return Note(({"text": text},)) if text else Note()


def both(fr: str, en: str) -> Note:
    """A text that comes in its two languages (the terms engine's explanations)."""
    return Note(({"fr": fr, "en": en},)) if fr or en else Note()


def as_note(value: str | Note) -> Note:
    """A note as given: a string is a person's words (or a text already written)."""
    return value if isinstance(value, Note) else words(value)


def explained(note: Note) -> dict[str, Any]:
    """The fields of a stored explanation (fulfilment's charges and packaging returns): the
    French record and, when it reads differently by language, its parts."""
    return {
        "explanation": note.fr,
        "explanation_parts": note.as_json() if note.translatable else None,
    }


def text_of(stored: str, parts: Iterable[Mapping[str, Any]] | None, lang: str | None = None) -> str:
    """What a reader sees: the parts in their language, or the stored text when there are none
    (written before the parts were kept, or a person's words)."""
    if not parts:
        return stored
    try:
        return Note.from_json(parts).render(lang)
    except (KeyError, TypeError, ValueError, ArithmeticError):  # parts of another version
        return stored


def _stored(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _part(part: Mapping[str, Any], lang: str) -> str:
    if "code" in part:
        template = TEXTS.get(part["code"])
        if template is None:  # a code from a later version: nothing better than silence
            return ""
        values = _shown(template, part.get("values") or {}, lang)
        with translation.override(lang):
            text = translation.gettext(template.msgid)
        return text % values  # a value missing: KeyError (text_of then shows the stored text)
    if "text" in part:
        return str(part["text"])
    return str(part.get(lang) or part.get("fr") or part.get("en") or "")


def _shown(template: Template, values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    shown = dict(values)
    for key in template.dates:
        if shown.get(key):
            shown[key] = f"{date.fromisoformat(str(shown[key])[:10]):%d/%m/%Y}"
    for key in template.moments:
        if shown.get(key):
            at = datetime.fromisoformat(str(shown[key])).astimezone(PARIS)
            shown[key] = f"{at:%d/%m/%Y %H:%M}"
    for key in template.money:
        if shown.get(key) is not None:
            shown[key] = format_money(Decimal(str(shown[key])), lang)
    return shown


__all__ = ["TEXTS", "Note", "as_note", "both", "explained", "text_of", "words"]
