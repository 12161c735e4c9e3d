"""Articles about selling: scope, prices, orders (payment security, delivery and reception are in
``delivery.py``)."""

from __future__ import annotations

from babel.dates import format_date

from comptoir.terms.render.french import (
    _NTH,
    WEEKDAYS,
    Paragraph,
    _list,
    delay,
    money,
    pct,
)
from comptoir.terms.render.selective import selective_paragraphs
from comptoir.terms.schema import (
    TermsDocument,
)

# Articles
# -------------------------------------------------------------------------------------------


def _scope(doc: TermsDocument) -> list[Paragraph]:
    s, m = doc.seller, doc.meta
    who = s.name
    if s.legal_form and not s.name.endswith(s.legal_form):
        who += f", {s.legal_form}"
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
        steps = " ; ".join(
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
    out += selective_paragraphs(doc)
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
                text += " : " + " ; ".join(f"{z.zone} {money(z.amount)} HT" for z in m.fees_by_zone)
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
        text += " Les commandes nécessitant un traitement manuel peuvent supporter des frais"
        if ch.manual_handling_fee_defined_in == "buyer_contract":
            text += (
                " de traitement, fixés par les conditions particulières de l'acheteur ou "
                "notifiés à l'acceptation de la commande."
            )
        elif ch.manual_handling_fee_amount is not None:
            text += f" de traitement de {money(ch.manual_handling_fee_amount)} HT par commande."
        else:
            text += "."
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
            + (" ; les livraisons partielles sont possibles." if o.partial_deliveries else "."),
            None,
            "O13",
        )
    )
    if o.tracking_by_number_and_email:
        out.append(
            Paragraph(
                "L'acheteur peut suivre sa commande avec son numéro et son adresse électronique.",
                None,
                "O16",
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
            Paragraph("Bons promotionnels gratuits : " + " ; ".join(rules) + ".", v.clause, "O15")
        )
    return out
