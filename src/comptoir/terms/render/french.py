"""French wording for the rendered terms: amounts, percentages, delays, due dates, lists; and the
``Article`` / ``Paragraph`` the sections produce."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal

from comptoir.terms.schema import (
    Clause,
    Delay,
    DueRule,
)

LOCALE = "fr_FR"


@dataclass(frozen=True)
class Paragraph:
    text: str
    clause: Clause | None = None
    rule: str = ""
    """The RULES.md ID the paragraph configures."""


@dataclass
class Article:
    number: int
    title: str
    key: str
    paragraphs: list[Paragraph] = field(default_factory=list)


# -------------------------------------------------------------------------------------------
# French formatting
# -------------------------------------------------------------------------------------------


def money(amount: Decimal) -> str:
    return f"{format_decimal(amount, format='#,##0.00', locale=LOCALE)} €"


def number(value: Decimal | int) -> str:
    return format_decimal(value, format="#,##0.####", locale=LOCALE)


def pct(value: Decimal) -> str:
    return f"{number(value)} %"


_UNITS = {
    "calendar_days": ("jour calendaire", "jours calendaires"),
    "business_days": ("jour ouvré", "jours ouvrés"),
    "working_days": ("jour ouvrable", "jours ouvrables"),
    "days_from_next_day": ("jour", "jours"),
    "business_hours": ("heure ouvrée", "heures ouvrées"),
    "hours": ("heure", "heures"),
    "weeks": ("semaine", "semaines"),
    "months": ("mois", "mois"),
}


def delay(d: Delay) -> str:
    singular, plural = _UNITS[d.unit]
    text = f"{d.amount} {singular if d.amount == 1 else plural}"
    if d.unit == "days_from_next_day":
        text += " (à compter du lendemain, jusqu'à la fin du dernier jour)"
    return text


_BASIS = {
    "invoice": "de la date d'émission de la facture",
    "order": "de la commande",
    "validation": "de la date de validation de la commande",
    "receipt": "de la réception de la facture",
    "issue": "de l'émission de l'ordre de prélèvement",
}
_BASIS_AT = {
    "invoice": "à l'émission de la facture",
    "order": "à la commande",
    "validation": "à la validation de la commande",
    "receipt": "à réception de la facture",
    "issue": "à l'émission de l'ordre de prélèvement",
}
METHODS = {
    "card": "carte bancaire",
    "sepa_debit": "prélèvement SEPA",
    "transfer": "virement bancaire",
    "lcr": "lettre de change relevé (LCR)",
    "pay_by_invoice": "paiement sur facture",
    "paypal": "PayPal",
    "financing_partner": "paiement différé ou fractionné par un partenaire de financement",
    "tip": "titre interbancaire de paiement (TIP)",
}
_BASES = {
    "excl_vat_incl_shipping": "le montant hors taxes, frais de port et frais accessoires compris",
    "excl_vat": "le montant hors taxes",
    "incl_vat": "le montant toutes taxes comprises",
    "incl_vat_incl_shipping": "le montant toutes taxes comprises, frais de port inclus",
}
WEEKDAYS = {
    "monday": "lundi",
    "tuesday": "mardi",
    "wednesday": "mercredi",
    "thursday": "jeudi",
    "friday": "vendredi",
    "saturday": "samedi",
    "sunday": "dimanche",
}
_NTH = {1: "premier", 2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", -1: "dernier"}


def due(rule: DueRule) -> str:
    if rule.convention == "immediate":
        return f"comptant, {_BASIS_AT[rule.basis]}"
    if rule.convention == "calendar":
        return f"{rule.days} jours calendaires à compter {_BASIS[rule.basis]}"
    if rule.convention == "days_then_end_of_month":
        return (
            f"{rule.days} jours fin de mois à compter {_BASIS[rule.basis]} "
            f"(date + {rule.days} jours, puis fin du mois)"
        )
    return (
        f"{rule.days} jours fin de mois à compter {_BASIS[rule.basis]} "
        f"(fin du mois, puis + {rule.days} jours)"
    )


def _list(values: Iterable[str], conjunction: str = "et") -> str:
    items = list(values)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
