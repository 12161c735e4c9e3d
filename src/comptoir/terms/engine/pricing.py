"""C4 — net-price tiers on the order amount, and time-limited promotions (replace or stack)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.inputs import CartLine
from comptoir.terms.engine.policy import Pricing, Promotion, Tier
from comptoir.terms.engine.quote import Charge
from comptoir.terms.engine.support import HUNDRED, ZERO, eur_en, eur_fr, pct, quantize

ONE = Decimal(1)

RULE = "C4"


def select_tier(tiers: Sequence[Tier], amount: Decimal) -> Tier | None:
    best: Tier | None = None
    for tier in tiers:
        if amount >= tier.threshold and (best is None or tier.threshold >= best.threshold):
            best = tier
    return best


def _active(promo: Promotion, day: date) -> bool:
    return (promo.starts is None or promo.starts <= day) and (
        promo.ends is None or day <= promo.ends
    )


def _matches(promo: Promotion, line: CartLine) -> bool:
    if not (promo.skus or promo.brands or promo.tags):
        return True
    return (
        line.sku in promo.skus
        or (line.brand is not None and line.brand in promo.brands)
        or bool(promo.tags & line.tags)
    )


def best_promotion(promos: Sequence[Promotion], line: CartLine, day: date) -> Promotion | None:
    best: Promotion | None = None
    for promo in promos:
        if (
            _active(promo, day)
            and _matches(promo, line)
            and (best is None or promo.percent > best.percent)
        ):
            best = promo
    return best


def apply_pricing(
    lines: Sequence[CartLine],
    nets: Sequence[Decimal],
    pricing: Pricing,
    day: date,
    profile: str = "default",
) -> tuple[list[Charge], list[Decimal] | None]:
    """Discount charges and each line's price factor (``None`` when nothing applies).

    Each promotion and the tier are computed per VAT rate on the summed bases and rounded once
    (document-level allowances, DOMAIN-NOTES 7.2); a line's factor (e.g. 0.98 for a 2 % tier)
    gives its informational net unit price and its remaining value for a voucher.
    """
    if not pricing.tiers and not pricing.promotions and not pricing.tiers_by_profile:
        return [], None
    tiers = pricing.tiers
    for name, profile_tiers in pricing.tiers_by_profile:
        if name == profile:
            tiers = profile_tiers
    tier = select_tier(tiers, sum(nets, ZERO)) if tiers else None
    if tier is not None and not tier.percent:
        tier = None
    promos = [
        p
        for p in pricing.promotions
        if (not p.profiles or profile in p.profiles) and _active(p, day)
    ]
    if tier is None and not promos:
        return [], None
    tier_factor = (HUNDRED - tier.percent) / HUNDRED if tier is not None else ONE
    factors = [ONE] * len(lines)
    promo_bases: dict[tuple[str, Decimal], list] = {}
    tier_bases: dict[Decimal, Decimal] = {}
    for i, line in enumerate(lines):
        net = nets[i]
        promo = best_promotion(promos, line, day) if promos else None
        factor = ONE
        if promo is not None and promo.percent:
            entry = promo_bases.setdefault((promo.code, line.vat_rate), [ZERO, promo])
            entry[0] += net
            factor = (HUNDRED - promo.percent) / HUNDRED
        if tier is not None and (promo is None or promo.stacking == "stack"):
            tier_bases[line.vat_rate] = tier_bases.get(line.vat_rate, ZERO) + net * factor
            factor *= tier_factor
        factors[i] = factor
    charges: list[Charge] = []
    for (_code, rate), (base, promo) in promo_bases.items():
        amount = quantize(base * promo.percent / HUNDRED)
        if not amount:
            continue
        explanation = Explanation(
            fr=f"Promotion {promo.code} : {pct(promo.percent)} "
            f"({'remplace' if promo.stacking == 'replace' else 'se cumule avec'} le palier).",
            en=f"Promotion {promo.code}: {pct(promo.percent)} "
            f"({'replaces' if promo.stacking == 'replace' else 'stacks with'} the tier).",
        )
        clause = promo.clause if promo.clause.article else pricing.clause
        charges.append(Charge("promotion", amount, rate, RULE, clause, explanation))
    if tier is not None:
        explanation = Explanation(
            fr=f"Palier de prix net : {pct(tier.percent)} pour une commande d'au moins "
            f"{eur_fr(tier.threshold)} HT.",
            en=f"Net-price tier: {pct(tier.percent)} for an order of at least "
            f"{eur_en(tier.threshold)} excl. VAT.",
        )
        for rate, base in tier_bases.items():
            amount = quantize(base * tier.percent / HUNDRED)
            if amount:
                charges.append(Charge("tier", amount, rate, RULE, pricing.clause, explanation))
    return charges, factors
