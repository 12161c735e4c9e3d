"""Who may order what: C2 selective brands and export limits, O10 unpaid orders, PT9 deposit,
PT10 credit exposure, O17 consumers, product kinds, O11 handling fee."""

from __future__ import annotations

from decimal import Decimal

from comptoir.terms.engine.citations import Clause, Explanation
from comptoir.terms.engine.inputs import BuyerContext, Cart
from comptoir.terms.engine.policy import Eligibility
from comptoir.terms.engine.quote import Charge, Finding
from comptoir.terms.engine.support import STANDARD_VAT_RATE, eur_en, eur_fr
from comptoir.terms.schema.zones import ZONES

UNPAID_ACTIONS = {
    "refuse": ("commande refusée", "order refused"),
    "require_prepayment": (
        "paiement intégral exigé à la commande",
        "full prepayment required at order",
    ),
    "hold_for_review": ("commande soumise à examen", "order held for review"),
    "warn": (
        "le vendeur peut refuser la commande ou exiger un paiement intégral",
        "the seller may refuse the order or require full prepayment",
    ),
}
SELECTIVE_CLAUSE = Clause("Catalogue", "marque sélective / selective brand")


def _f(code: str, rule: str, clause: Clause, fr: str, en: str) -> Finding:
    return Finding(code, rule, clause, Explanation(fr=fr, en=en))


FR_ZONES = {"EEA": "EEE", "EU": "UE", "EFTA": "AELE", "UK": "Royaume-Uni"}


def _zones_text(countries: frozenset[str], fr: bool = False) -> str:
    """Allowed countries for a message: named zones when they cover them exactly (EEA, EFTA, UK,
    EU), then the remaining country codes."""
    rest = set(countries)
    names = []
    for name in ("EEA", "EU", "EFTA", "UK"):
        zone = ZONES[name]
        if zone <= countries and zone & rest:
            names.append(FR_ZONES[name] if fr else name)
            rest -= zone
    return ", ".join(names + sorted(rest))


def check_eligibility(
    cart: Cart,
    context: BuyerContext,
    rules: Eligibility,
    order_incl_vat: Decimal,
    goods_excl_vat: Decimal | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """Violations and warnings about the buyer and the destination."""
    violations: list[Finding] = []
    warnings: list[Finding] = []
    for line in cart.lines:
        brand = line.brand
        if (line.selective or brand in rules.selective_brands) and (
            brand not in context.approved_brands
        ):
            clause = rules.selective_clause if rules.selective_clause.article else SELECTIVE_CLAUSE
            violations.append(
                _f(
                    "selective_brand_not_approved",
                    "C2",
                    clause,
                    f"{line.sku} : marque sélective {brand}, point de vente non agréé.",
                    f"{line.sku}: selective brand {brand}, point of sale not approved.",
                )
            )
    allowed = rules.selective_allowed_countries
    if allowed is not None and cart.delivery_country not in allowed:
        skus = [
            line.sku
            for line in cart.lines
            if line.selective or (line.brand is not None and line.brand in rules.selective_brands)
        ]
        if skus:
            listed = ", ".join(skus)
            violations.append(
                _f(
                    "selective_export_not_allowed",
                    "C2",
                    rules.selective_export_clause,
                    f"Produits de marques sélectives ({listed}) : livraison vers "
                    f"{cart.delivery_country} impossible, hors des zones autorisées "
                    f"({_zones_text(allowed, fr=True)}).",
                    f"Selective-brand products ({listed}): delivery to {cart.delivery_country} "
                    f"is not allowed, outside the allowed zones ({_zones_text(allowed)}).",
                )
            )
    if rules.allowed_countries is not None and cart.delivery_country not in rules.allowed_countries:
        violations.append(
            _f(
                "destination_not_allowed",
                "C2",
                rules.export_clause,
                f"Livraison impossible vers {cart.delivery_country}.",
                f"Delivery to {cart.delivery_country} is not allowed.",
            )
        )
    if rules.kinds is not None:
        for line in cart.lines:
            if line.kind not in rules.kinds:
                violations.append(
                    _f(
                        "kind_not_sold",
                        "C1",
                        Clause(),
                        f"{line.sku} : type de produit {line.kind} non vendu.",
                        f"{line.sku}: product kind {line.kind} is not sold.",
                    )
                )
    if context.is_consumer and not rules.consumers_allowed:
        violations.append(
            _f(
                "consumers_not_served",
                "O17",
                rules.consumer_clause,
                "Vente réservée aux professionnels.",
                "Sales to professionals only.",
            )
        )
    if rules.unpaid_mode and (context.unpaid_amount > 0 or context.payment_dispute):
        fr_action, en_action = UNPAID_ACTIONS.get(rules.unpaid_mode, UNPAID_ACTIONS["warn"])
        finding = _f(
            "unpaid_previous_orders",
            "O10",
            rules.unpaid_clause,
            f"Commandes précédentes impayées ({eur_fr(context.unpaid_amount)}) ou litige de "
            f"paiement : {fr_action}.",
            f"Unpaid previous orders ({eur_en(context.unpaid_amount)}) or a payment dispute: "
            f"{en_action}.",
        )
        (violations if rules.unpaid_mode == "refuse" else warnings).append(finding)
    threshold = rules.large_order_threshold
    if threshold is not None and goods_excl_vat is not None and goods_excl_vat > threshold:
        finding = _f(
            "large_order_review",
            "O10",
            rules.large_order_clause,
            f"Commande de {eur_fr(goods_excl_vat)} HT au-delà de {eur_fr(threshold)} HT : "
            "soumise à examen du vendeur.",
            f"Order of {eur_en(goods_excl_vat)} excl. VAT above {eur_en(threshold)}: held for "
            "the seller's review.",
        )
        (violations if rules.large_order_action == "refuse" else warnings).append(finding)

    if rules.deposit is not None and context.unpaid_amount + order_incl_vat > context.deposit:
        warnings.append(
            _f(
                "deposit_exceeded",
                "PT9",
                rules.deposit_clause,
                f"Impayés + commande ({eur_fr(context.unpaid_amount + order_incl_vat)}) au-delà "
                f"du dépôt de garantie ({eur_fr(context.deposit)}) : paiement immédiat exigible.",
                f"Unpaid + order ({eur_en(context.unpaid_amount + order_incl_vat)}) exceed the "
                f"security deposit ({eur_en(context.deposit)}): immediate payment may be required.",
            )
        )
    if rules.hold_when_overdue and context.overdue_amount > 0:
        warnings.append(
            _f(
                "deliveries_suspended",
                "PT11",
                rules.hold_clause,
                f"Échéances dépassées ({eur_fr(context.overdue_amount)}) : livraisons suspendues "
                "jusqu'au paiement.",
                f"Overdue amounts ({eur_en(context.overdue_amount)}): deliveries are suspended "
                "until payment.",
            )
        )
    limit = context.credit_limit if context.credit_limit is not None else rules.credit_limit
    if limit is not None and context.outstanding + order_incl_vat > limit:
        warnings.append(
            _f(
                "credit_limit_exceeded",
                "PT10",
                rules.credit_clause,
                f"Encours + commande au-delà du plafond ({eur_fr(limit)}) : garantie bancaire ou "
                "acompte à la commande.",
                f"Outstanding + order above the credit limit ({eur_en(limit)}): bank guarantee "
                "or a deposit at order.",
            )
        )
    return violations, warnings


def handling_fees(cart: Cart, rules: Eligibility) -> list[Charge]:
    """O11: the manual-handling fee when the terms fix its amount (kept for callers; the engine
    uses ``apply_handling``)."""
    return apply_handling(cart, rules)[0]


def apply_handling(
    cart: Cart, rules: Eligibility, contract_fee: Decimal | None = None
) -> tuple[list[Charge], list[Finding]]:
    """O11 (seed 002 §4.3): an order flagged ``manual_handling`` bears the handling fee the terms
    set, or the buyer's contractual one; without an amount, a warning says a fee may be charged
    (notified at acceptance / set by the buyer's contract)."""
    if not cart.manual_handling:
        return [], []
    amount = rules.handling_fee
    if amount is None and rules.handling_fee_from_contract:
        amount = contract_fee
    if amount:
        charge = Charge(
            "handling_fee",
            amount,
            STANDARD_VAT_RATE,
            "O11",
            rules.handling_clause,
            Explanation(
                fr=f"Frais de traitement manuel : {eur_fr(amount)} HT.",
                en=f"Manual handling fee: {eur_en(amount)} excl. VAT.",
            ),
        )
        return [charge], []
    if not rules.handling_possible or amount is not None:
        return [], []
    if rules.handling_fee_from_contract:
        fr = (
            "Commande à traitement manuel : frais de traitement selon votre contrat (notifiés à "
            "l'acceptation de la commande)."
        )
        en = (
            "Order needing manual handling: handling fee as set in your contract (notified when "
            "the order is accepted)."
        )
    else:
        fr = (
            "Commande à traitement manuel : des frais de traitement peuvent être facturés ; "
            "ils sont notifiés à l'acceptation de la commande."
        )
        en = (
            "Order needing manual handling: a handling fee may be charged; it is notified when "
            "the order is accepted."
        )
    return [], [_f("handling_fee_possible", "O11", rules.handling_clause, fr, en)]
