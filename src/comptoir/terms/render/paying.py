"""Articles about money: invoicing, payment, late payment, rebates, commission, retention
of title."""

from __future__ import annotations

from decimal import Decimal

from comptoir.terms.render.french import (
    _BASES,
    _BASIS,
    _BASIS_AT,
    METHODS,
    Paragraph,
    _list,
    delay,
    due,
    money,
    number,
    pct,
)
from comptoir.terms.schema import (
    TermsDocument,
)


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
        label = (option.label or METHODS[option.method]).rstrip(".")
        method = METHODS[option.method]
        if method.split(" (")[0].lower() not in label.lower():
            label += f" ({method})"
        when = due(option.due)
        if option.method == "financing_partner" and option.due.convention == "immediate":
            when = f"le partenaire règle le Vendeur {_BASIS_AT[option.due.basis]}"
        text = f"{label} : {when}"
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
            if option.instalment_spacing_days != 30:
                text += f" (échéances espacées de {option.instalment_spacing_days} jours)"
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
        rate = f"égales à {number(i.multiplier or Decimal(0))} fois le taux de l'intérêt légal {at}"
    elif i.kind == "fixed_annual":
        rate = f"au taux de {pct(i.rate or Decimal(0))} par an"
    elif i.kind == "monthly":
        rate = f"au taux de {pct(i.rate or Decimal(0))} par mois"
    else:
        points = number(i.points or Decimal(0))
        rate = f"au taux de refinancement de la BCE majoré de {points} points"
    return f"des pénalités de retard {rate}, calculées sur le montant {base} restant dû"


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
            + " ; ".join(f"à partir de {money(t.threshold)} : {pct(t.percent)}" for t in r.tiers)
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
                "Le Vendeur reçoit le montant TTC de la facture, déduction faite de la "
                "commission ; les fonds sont détenus sur un compte réglementé avant leur "
                "versement.",
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
