"""Articles after the sale: after-sales, digital goods, consumers, final provisions."""

from __future__ import annotations

from comptoir.terms.render.french import (
    Paragraph,
    _list,
    delay,
    money,
    pct,
)
from comptoir.terms.schema import (
    WITHDRAWAL_EXCEPTIONS,
    TermsDocument,
)


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
            text = "Garantie — " + " ; ".join(parts) + "." if parts else "Garantie contractuelle."
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
            f"{_list([events[e] for e in d.withdrawal_ends_on], 'ou')}"
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
                "Le droit de rétractation ne s'applique pas : " + " ; ".join(items) + ".",
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
            Paragraph("Pénalités contractuelles : " + " ; ".join(parts) + ".", cp.clause, "N5")
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
