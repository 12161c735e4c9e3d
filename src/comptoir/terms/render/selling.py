"""Articles about selling: scope, prices, orders, payment security, delivery, reception."""

from __future__ import annotations

from babel.dates import format_date

from comptoir.terms.render.french import (
    _NTH,
    _UNITS,
    WEEKDAYS,
    Paragraph,
    _list,
    delay,
    money,
    pct,
)
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
            below.append(" ; ".join(f"{z.zone} : {money(z.amount)} HT" for z in s.fees_by_zone))
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
