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
) -> tuple[list[Charge], list[Decimal]]:
    """Discount charges (grouped by code and VAT rate) and each line's discount total."""
    per_line = [ZERO] * len(lines)
    if not pricing.tiers and not pricing.promotions and not pricing.tiers_by_profile:
        return [], per_line
    goods = sum(nets, ZERO)
    tiers = pricing.tiers
    for name, profile_tiers in pricing.tiers_by_profile:
        if name == profile:
            tiers = profile_tiers
    tier = select_tier(tiers, goods)
    promos = tuple(p for p in pricing.promotions if not p.profiles or profile in p.profiles)
    groups: dict[tuple[str, Decimal], list] = {}
    for i, line in enumerate(lines):
        net = nets[i]
        promo = best_promotion(promos, line, day) if promos else None
        promo_amount = ZERO
        if promo is not None:
            promo_amount = quantize(net * promo.percent / HUNDRED)
            if promo_amount:
                key = (f"promotion:{promo.code}", line.vat_rate)
                entry = groups.setdefault(key, [ZERO, promo])
                entry[0] += promo_amount
        tier_amount = ZERO
        if tier is not None and tier.percent and (promo is None or promo.stacking == "stack"):
            tier_amount = quantize((net - promo_amount) * tier.percent / HUNDRED)
            if tier_amount:
                entry = groups.setdefault(("tier", line.vat_rate), [ZERO, tier])
                entry[0] += tier_amount
        per_line[i] = promo_amount + tier_amount
    charges: list[Charge] = []
    for (code, rate), (amount, source) in groups.items():
        if code == "tier":
            explanation = Explanation(
                fr=f"Palier de prix net : {pct(source.percent)} pour une commande d'au moins "
                f"{eur_fr(source.threshold)} HT.",
                en=f"Net-price tier: {pct(source.percent)} for an order of at least "
                f"{eur_en(source.threshold)} excl. VAT.",
            )
            charges.append(Charge("tier", amount, rate, RULE, pricing.clause, explanation))
        else:
            explanation = Explanation(
                fr=f"Promotion {source.code} : {pct(source.percent)} "
                f"({'remplace' if source.stacking == 'replace' else 'se cumule avec'} le palier).",
                en=f"Promotion {source.code}: {pct(source.percent)} "
                f"({'replaces' if source.stacking == 'replace' else 'stacks with'} the tier).",
            )
            clause = source.clause if source.clause.article else pricing.clause
            charges.append(Charge("promotion", amount, rate, RULE, clause, explanation))
    return charges, per_line
