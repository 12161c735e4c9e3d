"""O5 — order frequency: a monthly cap (refusal) or a logistics fee per started bracket."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.policy import Frequency
from comptoir.terms.engine.quote import Charge, Finding
from comptoir.terms.engine.support import eur_en, eur_fr

RULE = "O5"


def brackets(amount: Decimal, bracket: Decimal, started: bool = True) -> int:
    """Number of brackets ("par tranche de 1 000 € HT"): started ones (2,500 → 3) or complete
    ones (2,500 → 2)."""
    if amount <= 0:
        return 0
    return int(
        (amount / bracket).to_integral_value(rounding=ROUND_CEILING if started else ROUND_FLOOR)
    )


def apply_frequency(
    goods: Decimal, orders_this_month: int, frequency: Frequency | None
) -> tuple[list[Charge], list[Finding], list[Finding]]:
    if frequency is None:
        return [], [], []
    rank = orders_this_month + 1  # this order's number in the calendar month
    fees: list[Charge] = []
    violations: list[Finding] = []
    warnings: list[Finding] = []
    cap = frequency.max_orders_per_month
    if cap is not None and rank > cap:
        finding = Finding(
            "too_many_orders_this_month",
            RULE,
            frequency.clause,
            Explanation(
                fr=f"Commande n° {rank} du mois : au plus {cap} commande(s) par mois.",
                en=f"Order no. {rank} this month: at most {cap} order(s) a month.",
            ),
        )
        (violations if frequency.max_mode == "refuse" else warnings).append(finding)
    if frequency.fee_after is not None and rank > frequency.fee_after:
        n = brackets(goods, frequency.bracket, frequency.started_brackets)
        amount = frequency.fee_per_bracket * n
        if amount:
            fees.append(
                Charge(
                    "frequency_fee",
                    amount,
                    frequency.vat_rate,
                    RULE,
                    frequency.clause,
                    Explanation(
                        fr=("Le vendeur peut demander : " if frequency.discretionary else "")
                        + f"Commande n° {rank} du mois (au-delà de {frequency.fee_after}) : "
                        f"{eur_fr(frequency.fee_per_bracket)} HT × {n} tranche(s) de "
                        f"{eur_fr(frequency.bracket)} HT.",
                        en=("The seller may charge: " if frequency.discretionary else "")
                        + f"Order no. {rank} this month (more than {frequency.fee_after}): "
                        f"{eur_en(frequency.fee_per_bracket)} excl. VAT × {n} started "
                        f"bracket(s) of {eur_en(frequency.bracket)} excl. VAT.",
                    ),
                )
            )
    return fees, violations, warnings
