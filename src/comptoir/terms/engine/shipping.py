"""O3 — free-shipping threshold, otherwise a shipping contribution (flat or by zone)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.minimum import zone_fee
from comptoir.terms.engine.policy import Shipping
from comptoir.terms.engine.quote import Charge
from comptoir.terms.engine.support import eur_en, eur_fr

RULE = "O3"


def apply_shipping(
    goods: Decimal,
    shipping: Shipping | None,
    zone: str | None,
    contract_threshold: Decimal | None = None,
    contract_fee: Decimal | None = None,
) -> list[Charge]:
    if shipping is None:
        return []
    free_from = contract_threshold if shipping.free_from_contract else shipping.free_from
    if free_from is not None and goods >= free_from:
        return []
    default = shipping.fee if shipping.fee is not None else (contract_fee or Decimal("0"))
    fee = zone_fee(default, shipping.fees_by_zone, zone)
    if not fee:
        return []
    shipping = replace(shipping, free_from=free_from)
    if shipping.free_from is not None:
        fr = (
            f"Participation aux frais de port de {eur_fr(fee)} HT : franco à partir de "
            f"{eur_fr(shipping.free_from)} HT (commande de {eur_fr(goods)} HT)."
        )
        en = (
            f"Shipping contribution of {eur_en(fee)} excl. VAT: free shipping from "
            f"{eur_en(shipping.free_from)} excl. VAT (order of {eur_en(goods)} excl. VAT)."
        )
    else:
        fr = f"Frais de port : {eur_fr(fee)} HT."
        en = f"Shipping: {eur_en(fee)} excl. VAT."
    return [
        Charge("shipping", fee, shipping.vat_rate, RULE, shipping.clause, Explanation(fr=fr, en=en))
    ]
