"""Articles about payment security and delivery: credit (O10, PT9, PT10), delivery (F1, F6–F10)
and reception (F4, F5). Split from ``selling.py``."""

from __future__ import annotations

from comptoir.terms.render.french import (
    _UNITS,
    Paragraph,
    _list,
    delay,
    money,
)
from comptoir.terms.schema import (
    TermsDocument,
)


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
