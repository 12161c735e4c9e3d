"""Render a terms document as readable French terms of sale (HTML, PDF).

What is published is what is enforced: every sentence is generated from the document's values,
followed by the seller's own clause (its article and quote) when there is one. Nothing is typed
twice. ``build_articles(doc)`` is pure (numbered ``Article`` objects with their paragraphs);
``render_html`` fills the template ``terms/terms.html``; ``render_pdf`` prints that HTML with
WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from comptoir.terms.schema import (
    WITHDRAWAL_EXCEPTIONS,
    Clause,
    Delay,
    DueRule,
    TermsDocument,
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


def _contract(what: str) -> str:
    return f"{what} est fixé(e) par le contrat propre à chaque acheteur"


# -------------------------------------------------------------------------------------------
# Articles
# -------------------------------------------------------------------------------------------


def _scope(doc: TermsDocument) -> list[Paragraph]:
    s, m = doc.seller, doc.meta
    who = s.name + (f", {s.legal_form}" if s.legal_form else "")
    if s.share_capital is not None:
        who += f" au capital de {money(s.share_capital)}"
    if s.rcs:
        who += f", {s.rcs}"
    if s.address:
        who += f", dont le siège est situé {s.address}"
    buyers = (
        "aux acheteurs professionnels et aux consommateurs"
        if m.buyers == "business_and_consumers"
        else "aux seuls acheteurs professionnels"
    )
    out = [
        Paragraph(
            f"Les présentes conditions générales de vente régissent les ventes conclues par {who} "
            f"(le « Vendeur ») {buyers}, par l'intermédiaire de la plateforme Comptoir."
        )
    ]
    if doc.marketplace is not None:
        out.append(
            Paragraph(
                f"Les ventes sont conclues sur la place de marché exploitée par "
                f"{doc.marketplace.operator}, qui agit en intermédiaire et n'est jamais "
                "propriétaire des produits.",
                doc.marketplace.clause,
                "K1",
            )
        )
        if (p := doc.marketplace.platform_conditions_prevail) and p.enabled:
            out.append(
                Paragraph(
                    "Les conditions de livraison, de validation et de paiement de la plateforme "
                    "prévalent sur celles du Vendeur.",
                    p.clause,
                    "K1",
                )
            )
    return out


def _pricing(doc: TermsDocument) -> list[Paragraph]:
    p = doc.pricing
    vat = (
        "Les prix sont indiqués toutes taxes comprises."
        if p.prices_include_vat
        else "Les prix sont indiqués hors taxes ; la TVA est ajoutée au taux en vigueur à la date "
        "de la facture."
    )
    out = [
        Paragraph(
            f"{vat} Toute commande est facturée au tarif en vigueur à la date de la commande.",
            p.clause,
            "C1",
        )
    ]
    if not p.visible_to_visitors:
        out.append(Paragraph("Les prix sont réservés aux professionnels connectés.", None, "P5"))
    if p.tariff_change is not None:
        out.append(
            Paragraph(
                f"Le tarif peut être modifié moyennant un préavis de "
                f"{delay(p.tariff_change.notice)}.",
                p.tariff_change.clause,
                "C3",
            )
        )
    if (r := p.price_increase_termination) is not None:
        unless = " qui ne résulte pas de circonstances imprévues" if r.unless_unforeseen else ""
        out.append(
            Paragraph(
                f"Dans le cadre d'un accord-cadre, une hausse de plus de {pct(r.threshold_percent)}"
                f"{unless} ouvre à l'acheteur le droit de résilier l'accord.",
                r.clause,
                "C3",
            )
        )
    for tiers in p.price_tiers:
        steps = "; ".join(
            f"à partir de {money(s.min_amount)} HT : remise de {pct(s.discount_percent)}"
            for s in tiers.steps
        )
        out.append(
            Paragraph(
                f"Paliers de prix nets (profil « {tiers.profile} »), déterminés par le montant "
                f"total de la commande (une expédition, une facture, une livraison) : {steps}.",
                tiers.clause,
                "C4",
            )
        )
    for promo in p.promotions:
        how = "se substitue à" if promo.stacking == "replace" else "se cumule avec"
        out.append(
            Paragraph(
                f"Promotion « {promo.label or promo.code} » du "
                f"{format_date(promo.starts_on, 'd MMMM y', locale='fr')} au "
                f"{format_date(promo.ends_on, 'd MMMM y', locale='fr')} : remise de "
                f"{pct(promo.discount_percent)}, qui {how} la remise du palier.",
                promo.clause,
                "C4",
            )
        )
    if p.customer_conditions_override:
        out.append(
            Paragraph(
                "Les conditions particulières convenues avec un acheteur prévalent, pour cet "
                "acheteur seulement, sur le tarif général.",
                None,
                "C5",
            )
        )
    return out


def _ordering(doc: TermsDocument) -> list[Paragraph]:
    o = doc.ordering
    channels = {
        "web": "le site",
        "api": "l'API",
        "edi": "l'EDI",
        "intranet": "l'intranet",
        "phone": "le téléphone",
        "sales_rep": "les représentants commerciaux",
    }
    out = [
        Paragraph(
            f"Les commandes sont passées par {_list([channels[c] for c in o.channels])}. La "
            "validation d'une commande vaut signature électronique ; la version des présentes "
            "conditions acceptée est conservée avec la commande.",
            o.clause,
            "O9",
        )
    ]
    a = o.acceptance
    if a.mode == "auto":
        text = "La commande est acceptée dès sa validation par l'acheteur."
    else:
        text = "Le Vendeur accepte, modifie ou refuse chaque commande"
        if a.deadline is not None:
            text += (
                f" dans un délai de {delay(a.deadline)}"
                + (" (engagement de moyens)" if a.best_effort else "")
                + "."
            )
        else:
            text += " dans le délai indiqué pour chaque commande."
        ways = {
            "explicit": "d'une confirmation écrite",
            "delivery": "de la livraison des produits",
            "payment_request": "d'une demande de paiement",
        }
        text += f" L'acceptation résulte {_list([ways[w] for w in a.acceptance_by], 'ou')}."
        silence = {
            "lapse": " Sans acceptation dans ce délai, l'offre est réputée rejetée et l'acheteur "
            "n'est plus lié.",
            "auto_accept": " Sans réponse dans ce délai, la commande est réputée acceptée.",
            "pending": " Sans réponse, la commande reste en attente.",
        }
        text += silence[a.on_silence]
        if a.acknowledgement_is_not_acceptance:
            text += " L'accusé de réception d'une commande ne vaut pas acceptation."
        if a.buyer_order_irrevocable:
            text += " La commande de l'acheteur est irrévocable."
        if a.modification_returns_to_buyer:
            text += " Une commande modifiée par le Vendeur est soumise à l'accord de l'acheteur."
    out.append(Paragraph(text, a.clause, "O8"))

    pr = o.processing
    if pr.mode == "monthly" and pr.weekday and pr.nth:
        text = (
            f"Les commandes sont traitées une fois par mois, le {_NTH[pr.nth]} "
            f"{WEEKDAYS[pr.weekday]} du mois."
        )
    elif pr.mode == "daily":
        text = "Les commandes sont traitées chaque jour."
    else:
        text = "Les commandes sont enregistrées au jour le jour, dès leur réception."
    text += {
        "never": " Une commande en cours ne peut pas être modifiée.",
        "processing": " L'acheteur peut modifier la composition et le volume de sa commande "
        "jusqu'à la date de traitement.",
        "acceptance": " L'acheteur peut modifier sa commande jusqu'à son acceptation.",
    }[pr.edit_until]
    if pr.after_cutoff == "seller_consent_before_production":
        text += (
            " Ensuite, toute modification requiert l'accord écrit préalable du Vendeur, avant le "
            "lancement de la production."
        )
    out.append(Paragraph(text, pr.clause, "O6"))

    if (m := o.minimum_order) is not None:
        what = (
            f"un montant minimum de {money(m.amount)} HT"
            if m.amount is not None
            else "un montant minimum fixé par le contrat propre à chaque acheteur"
        )
        if m.policy == "refuse":
            text = f"Toute commande doit atteindre {what} ; en deçà, elle est refusée."
        else:
            text = f"Toute commande doit atteindre {what} ; en deçà, des frais sont facturés"
            if m.fee is not None:
                text += f" : {money(m.fee)} HT"
            if m.fees_by_zone:
                text += " : " + "; ".join(f"{z.zone} {money(z.amount)} HT" for z in m.fees_by_zone)
            if m.fees_defined_in == "buyer_contract":
                text += ", selon la zone géographique et le contrat de l'acheteur"
            text += "."
        out.append(Paragraph(text, m.clause, "O2"))

    if (c := o.case_multiples) is not None:
        size = (
            f"par multiple de {c.case_size}"
            if c.case_size
            else "selon les standards de conditionnement indiqués au tarif"
        )
        text = f"Les quantités sont commandées {size}."
        if c.policy == "refuse":
            text += " Une quantité non conforme est refusée."
        elif c.policy == "round_to_nearest_standard":
            text += (
                " Une quantité qui ne correspond pas à un standard est arrondie au standard le "
                "plus proche et facturée comme telle."
            )
        else:
            per = "par commande" if c.surcharge_per == "order" else "par ligne"
            amount = (
                f"de {money(c.surcharge)} HT {per}"
                if c.surcharge is not None
                else "fixés par le contrat de l'acheteur"
            )
            text += f" À défaut, des frais supplémentaires sont facturés, {amount}."
        if c.show_adjusted_quantity:
            text += " L'acheteur voit la quantité ajustée avant de confirmer."
        out.append(Paragraph(text, c.clause, "O4"))

    if (f := o.frequency) is not None:
        if f.policy == "refuse":
            text = f"L'acheteur ne peut passer plus de {f.max_orders} commande(s) par mois civil."
        else:
            assert f.fee_per_bracket is not None and f.bracket is not None
            may = " peut être" if f.at_seller_discretion else " est"
            tranche = "entamée " if f.bracket_rounding == "started" else ""
            text = (
                f"Au-delà de {f.free_orders} commandes dans un mois civil, une participation aux "
                f"frais logistiques de {money(f.fee_per_bracket)} HT par tranche {tranche}de "
                f"{money(f.bracket)} HT de commande{may} facturée."
            )
        out.append(Paragraph(text, f.clause, "O5"))

    ch = o.changes
    text = {
        "seller_written_consent": "Après acceptation, toute modification ou annulation requiert "
        "l'accord écrit du Vendeur",
        "forbidden": "Après acceptation, une commande ne peut plus être modifiée",
        "free": "L'acheteur peut modifier sa commande après acceptation",
    }[ch.after_acceptance]
    if ch.extra_fees_possible:
        text += ", qui peut la subordonner à des frais supplémentaires et à un nouveau délai"
    text += "."
    if ch.manual_handling_fee:
        text += " Les commandes nécessitant un traitement manuel peuvent supporter des frais."
    out.append(Paragraph(text, ch.clause, "O11"))

    if (s := o.substitution) is not None and s.enabled:
        out.append(
            Paragraph(
                "Si un produit ne peut être fourni, le Vendeur peut proposer un produit de "
                "remplacement, que l'acheteur accepte ou refuse ligne par ligne.",
                s.clause,
                "C6",
            )
        )
    out.append(
        Paragraph(
            "En cas de pénurie, les commandes sont servies dans l'ordre d'arrivée, dans la limite "
            "des stocks"
            + ("; les livraisons partielles sont possibles." if o.partial_deliveries else "."),
            None,
            "O13",
        )
    )
    if not o.forward_orders_allowed:
        out.append(Paragraph("Aucune commande à livrer à terme n'est admise.", None, "O13"))
    if (v := o.vouchers) is not None and v.enabled:
        rules = [
            "valables uniquement dans la période indiquée"
            + (" et dans cette boutique" if v.shop_only else ""),
        ]
        if v.apply_before_finalisation_only:
            rules.append("appliqués avant la finalisation de la commande, jamais après")
        if v.one_per_order:
            rules.append("un seul bon par commande")
        if v.goods_value_at_least_voucher:
            rules.append("la valeur des produits doit être au moins égale à celle du bon")
        if not v.remainder_refunded:
            rules.append("aucun solde n'est remboursé")
        if not v.cash_or_interest:
            rules.append("ni espèces ni intérêts")
        if v.transferable:
            rules.append("bons transférables")
        if not v.refunded_on_withdrawal:
            rules.append("bon non remboursé en cas de rétractation")
        out.append(
            Paragraph("Bons promotionnels gratuits : " + "; ".join(rules) + ".", v.clause, "O15")
        )
    return out


def _credit(doc: TermsDocument) -> list[Paragraph]:
    c = doc.credit
    out: list[Paragraph] = []
    actions = {
        "refuse": "refuser la commande",
        "require_prepayment": "exiger le paiement intégral à la commande",
        "hold_for_review": "suspendre la commande jusqu'à régularisation",
    }
    if c.on_unpaid is not None:
        chosen = [actions[c.on_unpaid]] + [actions[a] for a in c.on_unpaid_alternatives]
        out.append(
            Paragraph(
                "Lorsque l'acheteur a des impayés ou un litige de paiement en cours, le Vendeur "
                f"peut {' ou '.join(chosen)}. Tout refus est motivé.",
                c.on_unpaid_clause,
                "O10",
            )
        )
    if (r := c.large_order_review) is not None:
        what = (
            f"dont le montant dépasse {money(r.threshold)} HT"
            if r.threshold is not None
            else "anormalement importantes ou disproportionnées"
        )
        action = "refusées" if r.action == "refuse" else "soumises à examen"
        out.append(Paragraph(f"Les commandes {what} peuvent être {action}.", r.clause, "O10"))
    if (d := c.security_deposit) is not None:
        text = f"L'acheteur verse un dépôt de garantie de {money(d.amount)}"
        text += ", non productif d'intérêts" if not d.interest_bearing else ""
        if d.refund_within is not None:
            text += (
                f", restitué dans un délai de {delay(d.refund_within)} après la fin du contrat, "
                "déduction faite des sommes dues"
            )
        text += "."
        if d.immediate_payment_when_exceeded:
            text += (
                " Lorsque les impayés et la nouvelle commande excèdent ce dépôt, le Vendeur peut "
                "exiger un règlement immédiat."
            )
        out.append(Paragraph(text, d.clause, "PT9"))
    if (cl := c.credit_limit) is not None:
        cap = (
            f"plafonné à {money(cl.amount)}"
            if cl.amount is not None
            else "plafonné selon le contrat de chaque acheteur"
        )
        above = {
            "bank_guarantee_or_deposit": "l'acheteur fournit une garantie bancaire ou verse un "
            "acompte à la commande et le solde à la livraison",
            "require_prepayment": "le Vendeur peut exiger un paiement à la commande",
            "refuse": "les nouvelles commandes sont refusées",
        }[cl.above]
        out.append(
            Paragraph(
                f"L'encours de chaque acheteur est {cap} ; au-delà, {above}.", cl.clause, "PT10"
            )
        )
    if (od := c.on_deterioration) is not None:
        term = "au comptant" if od.max_days == 0 else f"à {od.max_days} jours ou au comptant"
        out.append(
            Paragraph(
                f"En cas de détérioration du crédit de l'acheteur, le paiement peut être exigé "
                f"{term}.",
                od.clause,
                "PT10",
            )
        )
    if c.pay_by_invoice_limit is not None:
        out.append(
            Paragraph(
                "Le paiement sur facture est limité aux commandes de "
                f"{money(c.pay_by_invoice_limit)}"
                " au plus.",
                None,
                "PT10",
            )
        )
    elif c.clause is not None:
        out.append(
            Paragraph(
                "Certains modes de paiement peuvent être limités selon le volume de la commande.",
                c.clause,
                "PT10",
            )
        )
    return out


def _delivery(doc: TermsDocument) -> list[Paragraph]:
    f, o = doc.fulfilment, doc.ordering
    out: list[Paragraph] = []
    if (s := o.shipping) is not None:
        if s.free_threshold is not None:
            area = f" en {s.area}" if s.area else ""
            text = f"La livraison est franco de port{area} à partir de {money(s.free_threshold)} HT"
        elif s.threshold_defined_in == "buyer_contract":
            text = (
                "La livraison est franco de port pour les commandes respectant le volume "
                "minimal fixé par le contrat de l'acheteur"
            )
        else:
            text = "Les frais de port sont facturés"
        below = []
        if s.fee is not None:
            below.append(f"une participation de {money(s.fee)} HT")
        if s.fees_by_zone:
            below.append("; ".join(f"{z.zone} : {money(z.amount)} HT" for z in s.fees_by_zone))
        if s.fees_defined_in == "buyer_contract":
            below.append("des frais de logistique et de livraison selon la zone géographique")
        if below:
            text += " ; en deçà, sont facturés : " + " ou ".join(below)
        out.append(Paragraph(text + ".", s.clause, "O3"))
    if (lt := f.lead_time) is not None:
        start = {
            "order_receipt": "à compter de la réception de la commande",
            "order": "à compter de la commande",
            "processing": "après le traitement de la commande",
            "acceptance": "après l'acceptation de la commande",
            "payment": "après le paiement",
        }[lt.from_]
        text = (
            f"Le délai de livraison est {'indicativement ' if lt.indicative else ''}de "
            f"{lt.amount} {_UNITS[lt.unit][1 if lt.amount != 1 else 0]} {start}."
        )
        if not lt.delay_allows_cancellation:
            text += " Un retard ne permet ni annulation ni pénalité."
        out.append(Paragraph(text, lt.clause, "F1"))
    elif f.clause is not None:
        out.append(
            Paragraph(
                "Les délais de livraison sont indicatifs ; un retard ne permet ni annulation ni "
                "pénalité.",
                f.clause,
                "F1",
            )
        )
    if (i := f.incoterms) is not None:
        parts = []
        if i.inside_eu:
            parts.append(f"{i.inside_eu} (Incoterms 2020) dans l'Union européenne")
        if i.outside_eu:
            parts.append(f"{i.outside_eu} hors de l'Union européenne")
        risk = {
            "delivery": "à la livraison",
            "dispatch": "dès l'expédition : les produits voyagent aux risques de l'acheteur",
            "handover_to_buyer_carrier": "à la remise au transporteur de l'acheteur",
        }[i.risk_passes_at]
        text = (
            f"Livraisons {_list(parts)}. " if parts else ""
        ) + f"Les risques sont transférés {risk}."
        out.append(Paragraph(text, i.clause, "F9"))
    if (a := f.delivery_address_change) is not None and a.enabled:
        out.append(
            Paragraph(
                "La livraison à une autre adresse que celle enregistrée requiert une demande "
                "écrite "
                "approuvée par le Vendeur.",
                a.clause,
                "F6",
            )
        )
    if (h := f.hold_when_behind) is not None and h.enabled:
        out.append(
            Paragraph(
                "Les livraisons sont suspendues tant que l'acheteur n'est pas à jour de ses "
                "obligations.",
                h.clause,
                "F8",
            )
        )
    return out


def _reception(doc: TermsDocument) -> list[Paragraph]:
    f = doc.fulfilment
    out: list[Paragraph] = []
    if (c := f.contestation) is not None:
        start = {
            "delivery": "de la livraison",
            "arrival": "de l'arrivée des marchandises",
            "receipt": "de la réception",
        }[c.from_]
        excluded = " (jour exclu)" if c.from_excluded else ""
        if c.mode == "validate_or_silence":
            text = (
                f"L'acheteur valide la conformité de la commande sur la plateforme avant la fin "
                f"d'un délai de {delay(c.deadline)} à compter {start}{excluded} ; "
            )
            text += (
                "à défaut de contestation dans ce délai, la commande est réputée conforme."
                if c.on_silence == "conform"
                else "passé ce délai, aucune réclamation n'est admise."
            )
        else:
            where = {
                "delivery_note": "sur le bon de livraison",
                "waybill": "sur la lettre de voiture",
                "platform": "sur la plateforme",
                None: "",
            }[c.reserves_on]
            text = (
                "Les réclamations sont adressées par écrit dans un délai de "
                f"{delay(c.deadline)} à compter {start}{excluded}"
            )
            if c.mode == "reserves_then_confirm":
                text = (
                    f"L'acheteur porte ses réserves {where} et les notifie dans un délai de "
                    f"{delay(c.deadline)} à compter {start}{excluded}"
                ).replace("  ", " ")
            text += " ; passé ce délai, aucune réclamation n'est admise."
        if c.confirm_reserves_within is not None:
            text += f" Les réserves sont confirmées dans les {delay(c.confirm_reserves_within)}."
        if c.carrier_protest_within is not None:
            text += (
                " En cas d'avarie ou de perte partielle, la protestation motivée au "
                f"transporteur est notifiée dans les {delay(c.carrier_protest_within)}."
            )
        if c.wrong_goods_return_within is not None:
            text += (
                " Les produits erronés ou en excédent sont retournés dans les "
                f"{delay(c.wrong_goods_return_within)} ou payés au prix habituel."
            )
        if c.freezes_invoice:
            text += (
                " À la date de validation, ou à l'expiration du délai, la facture est figée "
                "et vaut ordre de paiement irrévocable."
            )
        out.append(Paragraph(text, c.clause, "F4"))
    if (r := f.refused_delivery) is not None:
        text = (
            "Une livraison refusée sans motif valable reste due"
            if r.remains_due
            else "Une livraison refusée sans motif valable"
        )
        if r.fee is not None:
            text += f", majorée de frais de dossier de {money(r.fee)} HT"
        if r.transport_charged:
            text += ", ainsi que les frais de transport"
        text += "."
        if r.uncollected_returned_at_buyer_cost:
            text += " Les produits non retirés sont retournés aux frais de l'acheteur."
        if r.resolution_after_formal_notice is not None:
            text += (
                f" {delay(r.resolution_after_formal_notice).capitalize()} après une mise en "
                "demeure restée sans effet, le Vendeur peut résoudre la commande."
            )
        out.append(Paragraph(text, r.clause, "F7"))
    if (d := f.returnable_deposits) is not None:
        items = _list(
            [
                f"{i.name.lower()} ({money(i.deposit)} par {i.unit})"
                if i.deposit is not None
                else f"{i.name.lower()} (montant au tarif)"
                for i in d.items
            ]
        )
        text = f"Une consigne est facturée sur : {items}."
        if d.pickup == "monthly":
            text += " Les emballages vides sont enlevés une fois par mois."
        if d.refund_condition == "all_returned_clean":
            text += (
                " La consigne est remboursée lorsque tous les emballages sont restitués "
                "propres et désétiquetés"
            )
        else:
            text += " La consigne est remboursée pour chaque emballage restitué"
        text += (
            " ; le remboursement prend la forme d'un avoir déduit de la facture suivante."
            if d.refund_as == "credit_note_on_next_invoice"
            else ", par virement."
        )
        out.append(Paragraph(text, d.clause, "F10"))
    return out


def _invoicing(doc: TermsDocument) -> list[Paragraph]:
    inv = doc.invoicing
    moment = {
        "at_order_end": "à l'issue de chaque commande, avant la livraison",
        "at_freeze": "à la date de validation de la commande ou à l'expiration du délai de "
        "contestation",
        "at_shipment": "à l'expédition",
    }[inv.moment]
    text = (
        f"Une facture est établie {'pour chaque commande, ' if inv.one_per_order else ''}{moment}."
    )
    if inv.electronic:
        text += " Les factures sont dématérialisées."
    out = [Paragraph(text, inv.clause, "I1")]
    if (m := inv.billing_mandate) is not None:
        out.append(
            Paragraph(
                f"Les factures sont émises par {m.issuer} au nom et pour le compte du Vendeur, en "
                "vertu d'un mandat de facturation.",
                m.clause,
                "I2",
            )
        )
    if (w := inv.contest_window) is not None:
        text = {
            "before_due_date": "Une facture ne peut être contestée qu'avant sa date d'échéance.",
            "days_from_invoice": f"Une facture ne peut être contestée que dans les {w.days} jours "
            "suivant sa date.",
            "until_freeze": "Une facture ne peut plus être contestée une fois figée.",
        }[w.kind]
        out.append(Paragraph(text, w.clause, "I6"))
    for mention in inv.mentions:
        out.append(Paragraph(f"Mention portée sur les factures : « {mention} »", None, "I3"))
    return out


def _payment(doc: TermsDocument) -> list[Paragraph]:
    p = doc.payment
    out: list[Paragraph] = []
    for option in p.options:
        text = (
            f"{(option.label or METHODS[option.method]).rstrip('.')} "
            f"({METHODS[option.method]}) : {due(option.due)}"
        )
        if option.collection is not None:
            text += (
                f" ; le prélèvement est effectué {due(option.collection).replace('comptant, ', '')}"
            )
        if option.pre_notification_days is not None:
            text += f", après une pré-notification de {option.pre_notification_days} jours"
        if option.deferrals:
            text += f" ; paiement différé à {_list([str(d) for d in option.deferrals])} jours"
        if option.instalments:
            text += f" ; paiement en {_list([str(n) for n in option.instalments])} fois"
        if option.partner:
            text += f", par l'intermédiaire de {option.partner}"
        if option.invoice_assigned:
            text += f" ; la facture porte la mention « Facture cédée à {option.partner} »"
        if option.requires_agreement:
            text += " (sur accord écrit)"
        if option.max_order_amount is not None:
            text += f" ; jusqu'à {money(option.max_order_amount)} par commande"
        out.append(Paragraph(text + ".", option.clause, "PT1"))
    if (d := p.cash_discount) is not None:
        methods = (
            f", en cas de paiement par {_list([METHODS[m] for m in d.methods])}"
            if d.methods
            else ""
        )
        out.append(
            Paragraph(
                f"Escompte pour paiement comptant sous {d.within_days} jours à compter "
                f"{_BASIS[d.basis]}{methods} : {pct(d.percent)} sur {_BASES[d.base]}.",
                d.clause,
                "PT2",
            )
        )
    else:
        out.append(Paragraph("Pas d'escompte pour paiement anticipé.", None, "PT6"))
    if (f := p.financial_fees) is not None:
        exempt = (
            f", sauf paiement par {_list([METHODS[m] for m in f.exempt_methods])}"
            if f.exempt_methods
            else ""
        )
        gran = ""
        if f.granularity_days:
            part = f.percent * f.granularity_days / f.per_days
            gran = f", soit {pct(part)} par période de {f.granularity_days} jours"
        out.append(
            Paragraph(
                f"Au-delà de {due(f.beyond)}{exempt}, des frais financiers de {pct(f.percent)} "
                f"par {f.per_days} jours{gran} sont perçus.",
                f.clause,
                "PT2",
            )
        )
    if (k := p.method_kept_all_year) is not None and k.enabled:
        out.append(
            Paragraph(
                "L'acheteur conserve le mode de paiement choisi pour toute l'année civile, sauf "
                "accord du Vendeur.",
                k.clause,
                "PT5",
            )
        )
    c = p.counts_as_paid
    text = (
        "Le paiement est réputé réalisé à la date à laquelle les fonds sont mis à la disposition "
        "du Vendeur."
        if c.rule == "funds_available"
        else "Le paiement est réputé réalisé à la date de son émission."
    )
    if c.lcr_received_days_before_due is not None:
        text += f" Une LCR doit parvenir {c.lcr_received_days_before_due} jours avant l'échéance."
    if c.transfer_hours_before_due is not None:
        text += (
            f" Un virement doit être effectué {c.transfer_hours_before_due} heures avant "
            "l'échéance."
        )
    if c.tip_received_days_before_due is not None:
        text += f" Un TIP doit parvenir {c.tip_received_days_before_due} jours avant l'échéance."
    out.append(Paragraph(text, c.clause, "PT4"))
    if p.deferral_needs_consent:
        out.append(
            Paragraph(
                "L'acheteur ne peut différer une échéance sans l'accord du Vendeur.", None, "PT2"
            )
        )
    if (a := p.allocation) is not None:
        text = {
            "interest_and_costs_first": "Les paiements partiels s'imputent d'abord sur les "
            "intérêts et frais échus, puis sur le principal.",
            "oldest_debt_first": "Les paiements partiels s'imputent sur les dettes dont "
            "l'exigibilité est la plus ancienne.",
        }[a.order]
        out.append(Paragraph(text, a.clause, "PT7"))
    s = p.set_off
    text = (
        "L'acheteur ne peut opérer aucune compensation ni déduction sans l'accord écrit préalable "
        "du Vendeur"
        if not s.buyer_may_set_off
        else "L'acheteur peut opérer une compensation dans les conditions légales"
    )
    if s.unagreed_deduction_is_incident and not s.buyer_may_set_off:
        text += " ; une déduction non convenue constitue un incident de paiement"
    text += "."
    if s.seller_may_set_off:
        text += " Le Vendeur peut compenser ses créances avec celles de l'acheteur."
    out.append(Paragraph(text, s.clause, "PT8"))
    if (fd := p.failed_debit) is not None:
        text = (
            "Un prélèvement rejeté du fait de l'acheteur lui est refacturé pour les frais "
            "bancaires engagés."
            if fd.charge == "bank_fees"
            else "Un prélèvement rejeté du fait de l'acheteur entraîne des frais de "
            f"{money(fd.amount or Decimal(0))}."
        )
        out.append(Paragraph(text, fd.clause, "PT12"))
    return out


def interest_text(doc: TermsDocument) -> str:
    i = doc.late_payment.interest
    base = "toutes taxes comprises" if i.base == "incl_vat" else "hors taxes"
    if i.kind == "legal_rate_multiple":
        at = (
            "en vigueur à la date de la facture"
            if i.rate_date == "invoice_date"
            else "en vigueur pour chaque semestre de retard"
        )
        rate = f"{number(i.multiplier or Decimal(0))} fois le taux de l'intérêt légal {at}"
    elif i.kind == "fixed_annual":
        rate = f"{pct(i.rate or Decimal(0))} par an"
    elif i.kind == "monthly":
        rate = f"{pct(i.rate or Decimal(0))} par mois"
    else:
        rate = (
            f"le taux de refinancement de la BCE majoré de {number(i.points or Decimal(0))} points"
        )
    return f"des pénalités de retard au taux de {rate}, calculées sur le montant {base} restant dû"


def _late_payment(doc: TermsDocument) -> list[Paragraph]:
    lp = doc.late_payment
    start = "sans qu'un rappel soit nécessaire, " if lp.without_reminder else ""
    out = [
        Paragraph(
            f"Tout retard de paiement entraîne de plein droit, {start}dès le jour suivant la date "
            f"d'échéance et jusqu'au paiement intégral, {interest_text(doc)}.",
            lp.interest.clause,
            "PT11",
        )
    ]
    if (fi := lp.fixed_indemnity) is not None:
        text = (
            f"Une indemnité forfaitaire pour frais de recouvrement de {money(fi.amount)} est "
            "due pour chaque facture payée en retard."
        )
        if fi.more_on_proof:
            text += (
                " Une indemnisation complémentaire peut être demandée, sur justificatif, "
                "lorsque les frais exposés sont supérieurs."
            )
        out.append(Paragraph(text, fi.clause, "PT11"))
    if (cc := lp.collection_costs) is not None:
        minimum = f", avec un minimum de {money(cc.minimum)} HT" if cc.minimum is not None else ""
        out.append(
            Paragraph(
                f"Les frais de recouvrement extrajudiciaires s'élèvent à {pct(cc.percent)} du "
                f"principal{minimum}.",
                cc.clause,
                "PT11",
            )
        )
    if (lit := lp.litigation_penalty) is not None:
        base = "TTC" if lit.base == "incl_vat" else "HT"
        out.append(
            Paragraph(
                "Toute facture recouvrée par voie contentieuse est majorée, à titre de clause "
                f"pénale, de {pct(lit.percent)} de son montant {base}.",
                lit.clause,
                "PT11",
            )
        )
    if (rf := lp.reminder_fee) is not None:
        exempt = " (non applicable aux consommateurs)" if rf.consumers_exempt else ""
        out.append(
            Paragraph(
                f"Chaque relance entraîne des frais de {money(rf.amount)}{exempt}.",
                rf.clause,
                "PT11",
            )
        )
    if (ac := lp.acceleration) is not None and ac.enabled:
        out.append(
            Paragraph(
                "Tout retard rend immédiatement exigibles toutes les sommes dues, même non échues.",
                ac.clause,
                "PT11",
            )
        )
    if (su := lp.suspension) is not None and su.enabled:
        out.append(
            Paragraph(
                "Le Vendeur peut suspendre les commandes et livraisons en cours.", su.clause, "PT11"
            )
        )
    if (tc := lp.terms_cut) is not None:
        term = (
            "au comptant"
            if tc.max_days == 0
            else f"à {tc.max_days} jours" + (" ou au comptant" if tc.cash_possible else "")
        )
        months = f" pour une durée minimale de {tc.min_months} mois" if tc.min_months else ""
        out.append(
            Paragraph(f"Le délai de paiement peut être ramené {term}{months}.", tc.clause, "PT11")
        )
    if (r := lp.resolution) is not None:
        text = (
            f"{delay(r.after_formal_notice).capitalize()} après une mise en demeure restée "
            "sans effet, le Vendeur peut résoudre la vente"
        )
        if r.goods_taken_back:
            text += " et reprendre les produits"
        if r.deposit_deduction:
            text += ", ou déduire les sommes dues du dépôt de garantie"
        text += "."
        if r.indemnity_percent is not None:
            text += (
                f" Une indemnité forfaitaire de {pct(r.indemnity_percent)} des sommes "
                "restant dues est alors exigible."
            )
        out.append(Paragraph(text, r.clause, "PT11"))
    if (o := lp.interest_offsets_rebates) is not None and o.enabled:
        out.append(
            Paragraph(
                "Les intérêts et pénalités de retard s'imputent de plein droit sur les remises et "
                "ristournes dues par le Vendeur.",
                o.clause,
                "PT11",
            )
        )
    return out


def _rebates(doc: TermsDocument) -> list[Paragraph]:
    r = doc.rebates
    assert r is not None
    period = {"quarter": "trimestre civil", "half_year": "semestre", "year": "année civile"}[
        r.period
    ]
    text = (
        f"Les ristournes sont fixées au début de chaque {period} et calculées sur le chiffre "
        "d'affaires ristournable (facturé et encaissé hors taxes, remises, reprises et avoirs "
        "déduits"
    )
    text += (
        ", ventes en France soumises à la TVA uniquement)." if r.domestic_vat_sales_only else ")."
    )
    if r.condition == "all_invoices_paid_on_time":
        text += (
            f" Elles ne sont acquises que si toutes les factures du {period} ont été payées "
            "à l'échéance."
        )
    if r.tiers:
        text += (
            " Barème : "
            + "; ".join(f"à partir de {money(t.threshold)} : {pct(t.percent)}" for t in r.tiers)
            + "."
        )
    text += f" Elles sont versées par {METHODS[r.paid_by]}."
    if r.advances_clawed_back:
        text += " Les acomptes versés sont repris si les conditions ne sont pas remplies."
    return [Paragraph(text, r.clause, "PT13")]


def _retention(doc: TermsDocument) -> list[Paragraph]:
    r = doc.retention_of_title
    assert r is not None
    text = "Les produits restent la propriété du Vendeur jusqu'au paiement intégral du prix"
    text += ", en principal, intérêts et accessoires." if r.includes_interest_and_costs else "."
    if r.stock_presumed_unpaid:
        text += " Les produits en stock chez l'acheteur sont réputés être les produits impayés."
    if r.resale_allowed:
        text += " L'acheteur peut les revendre dans le cadre normal de son activité."
    return [Paragraph(text, r.clause, "PT15")]


def _marketplace(doc: TermsDocument) -> list[Paragraph]:
    m = doc.marketplace
    assert m is not None
    c = m.commission
    vat = " ; elle s'entend hors taxes, TVA en sus" if c.vat_on_commission else ""
    out = [
        Paragraph(
            f"{m.operator} perçoit une commission de {pct(c.percent)} sur {_BASES[c.base]} de "
            f"chaque commande{vat}. Elle est prélevée au paiement"
            + (" et n'est jamais remboursable." if not c.refundable else "."),
            c.clause,
            "PT14",
        )
    ]
    if m.funds_on_regulated_account:
        out.append(
            Paragraph(
                "Le Vendeur reçoit le montant TTC de la facture, déduction faite de la commission "
                "; "
                "les fonds sont détenus sur un compte réglementé avant leur versement.",
                m.clause,
                "PT14",
            )
        )
    if (cap := m.liability_cap) is not None:
        out.append(
            Paragraph(
                f"La responsabilité de {m.operator} est limitée au plus élevé des montants entre "
                f"les commissions versées au cours des {cap.months} derniers mois et "
                f"{money(cap.floor_amount)} TTC.",
                cap.clause,
                "K3",
            )
        )
    return out


def _after_sales(doc: TermsDocument) -> list[Paragraph]:
    a = doc.after_sales
    out: list[Paragraph] = []
    if (r := a.rma) is not None:
        text = (
            "Les retours ne sont possibles "
            + ("qu'en cas de défaut technique, " if r.technical_only else "")
            + "sur demande de retour (RMA) ; le numéro de RMA est valable "
            + delay(r.validity)
            + " et seuls les colis portant un numéro valable sont acceptés."
        )
        if r.inspection_within is not None:
            text += (
                f" Le produit est contrôlé dans les {delay(r.inspection_within)} suivant sa "
                "réception."
            )
        text += {
            "written_agreement_only": " Aucun retour commercial sans accord écrit.",
            "allowed": "",
            "forbidden": " Aucun retour commercial n'est accepté.",
        }[r.commercial_returns]
        out.append(Paragraph(text, r.clause, "A1"))
    if (w := a.warranty) is not None:
        if not w.provided:
            out.append(Paragraph("Aucune garantie contractuelle n'est consentie.", w.clause, "A2"))
        else:
            parts = []
            if (g := w.own_brand) is not None:
                t = f"produits de la marque du Vendeur : {g.months} mois"
                if g.start == "resale" and g.resale_window_months:
                    t += (
                        " à compter de la revente si elle intervient dans les "
                        f"{g.resale_window_months} mois de la livraison"
                    )
                if g.max_months_after_delivery:
                    t += f", au plus tard {g.max_months_after_delivery} mois après la livraison"
                parts.append(t)
            if (g := w.professional_use) is not None:
                t = f"usage professionnel : {g.months} mois"
                if g.max_months_after_delivery:
                    t += f", au plus {g.max_months_after_delivery} mois après la livraison"
                parts.append(t)
            if (cw := w.consumables) is not None:
                t = f"consommables : {cw.months} mois à compter de la livraison"
                crit = []
                if cw.max_life_months:
                    crit.append(f"durée de vie de {cw.max_life_months} mois au plus")
                if cw.max_unit_price is not None:
                    crit.append(f"prix unitaire de {money(cw.max_unit_price)} au plus")
                if crit:
                    t += f" ({' ou '.join(crit)})"
                parts.append(t)
            if w.business_months:
                parts.append(
                    f"acheteurs professionnels : {w.business_months} mois à compter du transfert "
                    "des risques"
                )
            if w.other_brands == "manufacturer" and (w.own_brand or w.professional_use):
                parts.append("autres marques : garantie du fabricant")
            text = "Garantie — " + "; ".join(parts) + "." if parts else "Garantie contractuelle."
            if w.claim_within is not None:
                start = (
                    "de la découverte du défaut"
                    if w.claim_from == "discovery"
                    else "de la livraison"
                )
                text += f" Réclamation dans les {delay(w.claim_within)} {start}" + (
                    ", via une demande de RMA." if w.claim_via_rma else "."
                )
            if w.remedies:
                names = {"repair": "réparer", "replace": "remplacer", "refund": "rembourser"}
                text += (
                    f" Le Vendeur choisit de {_list((names[x] for x in w.remedies), 'ou')} "
                    "le produit"
                )
                text += (
                    " ; un remplacement ne fait pas courir une nouvelle garantie."
                    if not w.replacement_restarts_period
                    else "."
                )
            if w.no_fault_fee_minimum is not None:
                text += (
                    " Si aucun défaut n'est constaté, des frais de recherche d'au moins "
                    f"{money(w.no_fault_fee_minimum)} sont facturés."
                )
            if w.exclusions:
                text += (
                    " Exclusions : réparation non autorisée, mauvais usage, usure normale, "
                    "échantillons et prototypes, selon la clause."
                    if "samples_and_prototypes" in w.exclusions
                    else " Exclusions : mauvais usage, environnement non conforme, intervention "
                    "de tiers, usure normale."
                )
            out.append(Paragraph(text, w.clause, "A2"))
    if (t := a.take_back) is not None and t.allowed:
        text = (
            "Les reprises de produits "
            + (
                "ne sont possibles qu'après accord écrit préalable du Vendeur"
                if t.prior_written_agreement
                else "sont possibles"
            )
            + (", aux frais de l'acheteur." if t.at_buyer_cost else ".")
        )
        if not t.stale_goods_credited:
            text += " Les produits défraîchis, périmés ou altérés sont repris mais non crédités."
        if t.abatement_percent is not None:
            ref = (
                "du tarif en vigueur au 1er janvier de l'année précédente"
                if t.tariff_reference == "january_1_previous_year"
                else "du tarif en vigueur"
            )
            text += (
                f" L'avoir applique un abattement minimum de {pct(t.abatement_percent)} "
                f"{ref}, majoré des avantages consentis à la facturation."
            )
        out.append(Paragraph(text, t.clause, "A3"))
    if (rc := a.recalls) is not None and rc.enabled:
        out.append(
            Paragraph(
                "En cas de rappel de produits, l'acheteur suit les instructions du Vendeur ; les "
                "coûts engagés requièrent son accord préalable.",
                rc.clause,
                "A4",
            )
        )
    return out


def _digital(doc: TermsDocument) -> list[Paragraph]:
    d = doc.digital
    assert d is not None
    out: list[Paragraph] = []
    if (lp := d.license_purchase) is not None:
        text = "Achat de logiciel : licence perpétuelle"
        text += ", limitée au nombre d'utilisateurs simultanés acheté" if lp.seats_enforced else ""
        text += " ; copie de sauvegarde autorisée" if lp.backup_copy_allowed else ""
        if lp.transferable:
            text += " ; cession définitive à un tiers possible" + (
                ", qui met fin à l'utilisation par l'acheteur" if lp.transfer_ends_own_use else ""
            )
        text += (
            " ; les paquets acquis en volume ne peuvent être fractionnés."
            if not lp.volume_packs_splittable
            else "."
        )
        out.append(Paragraph(text, lp.clause, "D1"))
    if (r := d.rental) is not None:
        text = (
            "Location de logiciel : licence limitée à la durée du contrat"
            + (", non transférable" if not r.transferable else "")
            + (" ; elle prend fin au terme ou en cas de manquement." if r.ends_on_breach else ".")
        )
        out.append(Paragraph(text, r.clause, "D2"))
    dl = d.delivery
    what = _list(
        (["les clés de produit"] if dl.keys else [])
        + (["les liens de téléchargement"] if dl.download_links else [])
    )
    text = (
        f"{what[0].upper() + what[1:] if what else 'Les contenus'} sont envoyés par courrier "
        "électronique."
    )
    if d.use_requires_full_payment:
        text += " L'utilisation est subordonnée au paiement intégral" + (
            " ; une utilisation provisoire peut être autorisée."
            if d.provisional_use_allowed
            else "."
        )
    out.append(Paragraph(text, dl.clause or d.clause, "D3"))
    if d.withdrawal_ends_on:
        events = {
            "activation": "l'activation de la licence",
            "download": "le téléchargement du logiciel",
            "service_start": "le début d'exécution du service",
        }
        text = (
            "Pour les consommateurs, le droit de rétractation prend fin avec "
            f"{_list([events[e] for e in d.withdrawal_ends_on])}"
        )
        text += (
            ", après leur accord préalable exprès et leur renoncement exprès, qui sont enregistrés."
            if d.express_waiver_required
            else "."
        )
        out.append(Paragraph(text, None, "D4"))
    return out


def _consumers(doc: TermsDocument) -> list[Paragraph]:
    c = doc.consumers
    w = c.withdrawal
    out = [Paragraph("Le Vendeur vend également aux consommateurs.", c.clause, "O17")]
    if w is None:
        return out
    start = (
        "de la réception du bien (du dernier bien ou lot en cas de livraisons échelonnées)"
        if w.from_ == "receipt_of_last_lot"
        else "de la conclusion du contrat"
    )
    text = (
        f"Le consommateur dispose d'un délai de {w.days} jours à compter {start} pour exercer son "
        "droit de rétractation, sans motif. Le jour de la réception n'est pas compté ; le délai "
        "expire à la fin du dernier jour ; s'il expire un samedi, un dimanche ou un jour férié, il "
        f"est prorogé au premier jour ouvrable suivant. Le remboursement intervient dans les "
        f"{w.refund_within_days} jours, par le même moyen de paiement."
    )
    text += (
        " Les frais de renvoi sont à la charge du consommateur."
        if w.return_costs == "buyer"
        else " Les frais de renvoi sont à la charge du Vendeur."
    )
    out.append(Paragraph(text, w.clause, "O17"))
    if w.exceptions:
        labels = {
            "services_fully_performed": "services pleinement exécutés avec l'accord exprès du "
            "consommateur",
            "financial_market_prices": "biens dont le prix dépend des marchés financiers",
            "custom_goods": "biens confectionnés selon les spécifications du consommateur",
            "perishable_goods": "biens susceptibles de se détériorer rapidement",
            "hygiene_goods_unsealed": "biens descellés ne pouvant être renvoyés pour des raisons "
            "d'hygiène",
            "goods_mixed_inseparably": "biens mélangés de manière indissociable",
            "alcohol_market_value": "boissons alcoolisées à valeur fluctuante",
            "urgent_repairs": "travaux urgents au domicile",
            "sealed_media_or_software_unsealed": "enregistrements ou logiciels descellés après la "
            "livraison",
            "newspapers": "journaux et périodiques",
            "public_auction": "enchères publiques",
            "dated_leisure_services": "prestations de loisirs datées",
            "digital_content_started_with_waiver": "contenus numériques dont l'exécution a "
            "commencé avec l'accord exprès et le renoncement du consommateur",
        }
        items = [f"{labels.get(e, e)} ({WITHDRAWAL_EXCEPTIONS.get(e, '?')})" for e in w.exceptions]
        out.append(
            Paragraph(
                "Le droit de rétractation ne s'applique pas : " + "; ".join(items) + ".",
                None,
                "O17",
            )
        )
    if w.form_provided:
        out.append(
            Paragraph(
                "Un formulaire de rétractation est mis à la disposition du consommateur.",
                None,
                "O17",
            )
        )
    return out


def _final(doc: TermsDocument) -> list[Paragraph]:
    out: list[Paragraph] = []
    if (fm := doc.force_majeure) is not None:
        verbs = {"adapt": "adapter", "terminate": "résilier"}
        then = _list((verbs[t] for t in fm.then), "ou")
        text = (
            "En cas de force majeure, le Vendeur peut suspendre l'exécution pendant "
            f"{delay(fm.suspend_up_to)} au plus"
        )
        text += f", puis {then} le contrat" if then else ""
        text += " sans indemnité." if not fm.compensation else "."
        out.append(Paragraph(text, fm.clause, "N4"))
    if (cp := doc.contract_penalties) is not None:
        parts = []
        if cp.per_breach_percent is not None:
            parts.append(
                f"{pct(cp.per_breach_percent)} de la facture de la commande par manquement"
            )
        if cp.per_day_percent is not None:
            parts.append(f"{pct(cp.per_day_percent)} par jour de manquement persistant")
        if cp.repossession_non_cooperation_percent_per_day is not None:
            parts.append(
                f"{pct(cp.repossession_non_cooperation_percent_per_day)} du montant dû par jour "
                "de non-coopération à une reprise"
            )
        out.append(
            Paragraph("Pénalités contractuelles : " + "; ".join(parts) + ".", cp.clause, "N5")
        )
    tc = doc.terms_changes
    if tc.effective == "after_notice" and tc.notice is not None:
        text = (
            "Une nouvelle version des présentes conditions s'applique à l'expiration d'un "
            f"préavis de {delay(tc.notice)} après sa publication."
        )
    else:
        text = (
            "Une nouvelle version des présentes conditions s'applique le lendemain de sa "
            "publication."
        )
    text += " Chaque commande est régie par la version en vigueur à sa date, conservée avec elle."
    out.append(Paragraph(text, tc.clause, "N3"))
    if doc.seller.court:
        out.append(
            Paragraph(
                "Les présentes conditions sont soumises au droit français. Tout litige relève de "
                f"la compétence du {doc.seller.court}.",
                None,
                "",
            )
        )
    return out


_SECTIONS: tuple[
    tuple[str, str, Callable[[TermsDocument], bool], Callable[[TermsDocument], list[Paragraph]]],
    ...,
] = (
    ("scope", "Objet et champ d'application", lambda d: True, _scope),
    ("pricing", "Prix", lambda d: True, _pricing),
    ("ordering", "Commandes", lambda d: True, _ordering),
    ("credit", "Garanties de paiement et encours", lambda d: bool(_credit(d)), _credit),
    ("delivery", "Livraison", lambda d: bool(_delivery(d)), _delivery),
    (
        "reception",
        "Réception, réclamations et consignes",
        lambda d: bool(_reception(d)),
        _reception,
    ),
    ("invoicing", "Facturation", lambda d: True, _invoicing),
    ("payment", "Conditions de paiement", lambda d: True, _payment),
    ("late_payment", "Retard de paiement", lambda d: True, _late_payment),
    ("rebates", "Ristournes", lambda d: d.rebates is not None, _rebates),
    (
        "marketplace",
        "Commission et règlement des ventes",
        lambda d: d.marketplace is not None,
        _marketplace,
    ),
    (
        "retention_of_title",
        "Réserve de propriété",
        lambda d: d.retention_of_title is not None and d.retention_of_title.enabled,
        _retention,
    ),
    ("after_sales", "Retours, garantie et reprises", lambda d: bool(_after_sales(d)), _after_sales),
    ("digital", "Produits numériques", lambda d: d.digital is not None, _digital),
    (
        "consumers",
        "Consommateurs et droit de rétractation",
        lambda d: d.consumers.allowed,
        _consumers,
    ),
    ("final", "Dispositions finales", lambda d: True, _final),
)


def build_articles(doc: TermsDocument) -> list[Article]:
    """The numbered articles of the document, generated from its values."""
    articles: list[Article] = []
    for key, title, present, build in _SECTIONS:
        if not present(doc):
            continue
        paragraphs = build(doc)
        if paragraphs:
            articles.append(Article(len(articles) + 1, title, key, paragraphs))
    return articles


def render_text(doc: TermsDocument) -> str:
    """Plain text (for the CLI and tests)."""
    lines = [doc.meta.title, doc.seller.name, ""]
    for article in build_articles(doc):
        lines.append(f"Article {article.number} — {article.title}")
        for p in article.paragraphs:
            lines.append(p.text)
            if p.clause is not None:
                lines.append(f"  [{p.clause.article}] « {p.clause.text} »")
        lines.append("")
    return "\n".join(lines)


def render_html(doc: TermsDocument) -> str:
    """A complete HTML page (template ``terms/terms.html``)."""
    from django.template.loader import render_to_string

    return render_to_string(
        "terms/terms.html",
        {"doc": doc, "articles": build_articles(doc)},
    )


def render_pdf(doc: TermsDocument) -> bytes:
    """The HTML printed to PDF by WeasyPrint."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(doc)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
