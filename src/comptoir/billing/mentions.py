"""Legal mentions of an invoice from plain facts (I2, I3, PT3, PT15; DOMAIN-NOTES 1.5, 2.1-2.5).

`mentions_for(draft, facts)` decides which mentions appear from the facts of the sale, never from a
template per seller. Each mention carries a code and, when it maps to an EN 16931 invoice note
(BG-1), its subject code: PMT (recovery indemnity), PMD (late penalties), AAB (cash discount);
the French CTC schematron requires those three notes (BR-FR-05) on B2B invoices. A consumer's
invoice (`draft.consumer`, O17) has neither the penalty rate nor the 40 € indemnity: both apply
between professionals only (C. com. L441-10; DOMAIN-NOTES 1.1), and B2C sales are e-reported, not
e-invoiced (DOMAIN-NOTES 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comptoir.billing.rules import NATURE_GOODS, NATURE_MIXED, NATURE_SERVICES, DocumentDraft

NO_CASH_DISCOUNT = "Pas d'escompte pour paiement anticipé."
NATURE_TEXT = {
    NATURE_GOODS: "Nature des opérations : livraison de biens.",
    NATURE_SERVICES: "Nature des opérations : prestation de services.",
    NATURE_MIXED: "Nature des opérations : livraison de biens et prestation de services.",
}


@dataclass(frozen=True)
class TermsFacts:
    """What the seller's terms and the sale say, as plain facts (built by the caller from terms)."""

    late_penalty_rate_text: str = "taux de la BCE majoré de 10 points"
    cash_discount_text: str = ""  # e.g. "1 % du montant HT pour paiement sous 8 jours"
    recovery_indemnity: Decimal = Decimal("40")
    financing_partner: str = ""  # PT3: the invoice is assigned to this partner
    retention_of_title: bool = False  # PT15
    mandate_operator: str = ""  # I2: the operator issuing in the name of the seller
    mandate_operator_siren: str = ""
    vat_on_debits: bool = False  # "Option pour le paiement de la taxe d'après les débits"


@dataclass(frozen=True)
class Mention:
    code: str
    text: str
    note_subject: str = ""  # EN 16931 BT-21 subject code when it is a BG-1 note

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "note_subject": self.note_subject}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Mention:
        return cls(**data)


def _euros(amount: Decimal) -> str:
    text = f"{amount:.2f}".replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def mentions_for(draft: DocumentDraft, facts: TermsFacts) -> list[Mention]:
    """The mentions the document must print, in print order."""
    out: list[Mention] = []
    if facts.mandate_operator:
        who = facts.mandate_operator
        if facts.mandate_operator_siren:
            who = f"{who} (SIREN {facts.mandate_operator_siren})"
        out.append(
            Mention(
                "billing_mandate",
                f"Facture émise par {who} au nom et pour le compte de {draft.issuer.name}.",
            )
        )
    if facts.financing_partner:
        out.append(
            Mention(
                "assigned",
                f"Facture cédée à {facts.financing_partner} : seul un paiement à "
                f"{facts.financing_partner} est libératoire.",
            )
        )
    if facts.cash_discount_text:
        out.append(Mention("cash_discount", f"Escompte : {facts.cash_discount_text}.", "AAB"))
    else:
        out.append(Mention("cash_discount", NO_CASH_DISCOUNT, "AAB"))
    if not draft.consumer:
        # C. com. L441-9 / L441-10: between professionals only; not for consumers (DOMAIN-NOTES
        # 1.1: "must be printed on invoices and in CGV (not for consumers)"; O17)
        out.append(
            Mention(
                "late_penalties",
                "Pénalités de retard exigibles dès le lendemain de la date d'échéance : "
                f"{facts.late_penalty_rate_text}.",
                "PMD",
            )
        )
        out.append(
            Mention(
                "recovery_indemnity",
                "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
                f"{_euros(facts.recovery_indemnity)} € (C. com. art. L441-10 et D441-5) ; une "
                "indemnisation complémentaire peut être demandée, sur justification, lorsque les "
                "frais de recouvrement exposés sont supérieurs à ce montant.",
                "PMT",
            )
        )
    if facts.retention_of_title:
        out.append(
            Mention(
                "retention_of_title",
                "Clause de réserve de propriété : les marchandises restent la propriété du "
                "vendeur jusqu'au paiement intégral du prix, des intérêts et accessoires.",
            )
        )
    # The four mentions of the e-invoicing reform (DOMAIN-NOTES 2.3).
    if draft.recipient.siren:
        out.append(Mention("buyer_siren", f"SIREN du client : {draft.recipient.siren}."))
    if draft.delivery_address and not draft.delivery_address.same_place(draft.recipient.address):
        a = draft.delivery_address
        where = ", ".join(p for p in (a.name, a.line1, a.line2, f"{a.postcode} {a.city}") if p)
        out.append(Mention("delivery_address", f"Adresse de livraison : {where}."))
    out.append(Mention("nature", NATURE_TEXT[draft.nature]))
    if facts.vat_on_debits:
        out.append(
            Mention("vat_on_debits", "Option pour le paiement de la taxe d'après les débits.")
        )
    out.extend(Mention("extra", text) for text in draft.mentions)
    return out
