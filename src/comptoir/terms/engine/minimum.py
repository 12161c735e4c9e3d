"""O2 — minimum order amount excl. VAT: refusal or logistics fees (by zone)."""

from __future__ import annotations

from decimal import Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.policy import MinimumOrder
from comptoir.terms.engine.quote import Charge, Finding
from comptoir.terms.engine.support import eur_en, eur_fr

RULE = "O2"


def zone_fee(
    default: Decimal, by_zone: tuple[tuple[str, Decimal], ...], zone: str | None
) -> Decimal:
    for name, fee in by_zone:
        if name == zone:
            return fee
    return default


def apply_minimum(
    goods: Decimal,
    minimum: MinimumOrder | None,
    zone: str | None,
    contract_minimum: Decimal | None = None,
    contract_fee: Decimal | None = None,
) -> tuple[list[Charge], list[Finding], list[Finding]]:
    """Fees, violations and warnings of the minimum-order rule (amount from the terms, or from
    the buyer's contract when the terms leave it there)."""
    if minimum is None:
        return [], [], []
    amount = minimum.amount if minimum.amount is not None else contract_minimum
    if amount is None or goods >= amount:
        return [], [], []
    if minimum.mode == "fee":
        default = contract_fee if minimum.fee_from_contract and contract_fee else minimum.fee
        fee = zone_fee(default, minimum.fees_by_zone, zone)
        if not fee:
            return (
                [],
                [],
                [
                    Finding(
                        "logistics_fee_per_contract",
                        RULE,
                        minimum.clause,
                        Explanation(
                            fr=f"Commande de {eur_fr(goods)} HT sous le minimum de "
                            f"{eur_fr(amount)} HT : frais de logistique selon votre contrat.",
                            en=f"Order of {eur_en(goods)} excl. VAT below the "
                            f"{eur_en(amount)} minimum: logistics fees as set in your contract.",
                        ),
                    )
                ],
            )
        return (
            [
                Charge(
                    "logistics_fee",
                    fee,
                    minimum.vat_rate,
                    RULE,
                    minimum.clause,
                    Explanation(
                        fr=f"Commande de {eur_fr(goods)} HT sous le minimum de "
                        f"{eur_fr(amount)} HT : frais de logistique et de livraison "
                        f"({zone or 'zone par défaut'}).",
                        en=f"Order of {eur_en(goods)} excl. VAT below the {eur_en(amount)} "
                        f"minimum: logistics and delivery fees ({zone or 'default zone'}).",
                    ),
                )
            ],
            [],
            [],
        )
    return (
        [],
        [
            Finding(
                "below_minimum_order",
                RULE,
                minimum.clause,
                Explanation(
                    fr=f"Commande refusée : {eur_fr(goods)} HT, minimum {eur_fr(amount)} HT.",
                    en=f"Order refused: {eur_en(goods)} excl. VAT, minimum "
                    f"{eur_en(amount)} excl. VAT.",
                ),
            )
        ],
        [],
    )
