"""O15 — free promotional vouchers: period, exclusions, one per order, eligible goods ≥ voucher."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.inputs import CartLine, VoucherInput
from comptoir.terms.engine.policy import Vouchers
from comptoir.terms.engine.quote import Charge, Finding
from comptoir.terms.engine.support import ZERO, allocate, eur_en, eur_fr, quantize

RULE = "O15"


def _warning(code: str, vouchers: Vouchers, fr: str, en: str) -> Finding:
    return Finding(code, RULE, vouchers.clause, Explanation(fr=fr, en=en))


def apply_voucher(
    voucher: VoucherInput | None,
    vouchers: Vouchers,
    lines: Sequence[CartLine],
    remaining: Sequence[Decimal],
    day: date,
) -> tuple[list[Charge], list[Finding]]:
    """Voucher discount charges per VAT rate, or a warning saying why it is not applied."""
    if voucher is None:
        return [], []
    code = voucher.code
    if not vouchers.enabled:
        return [], [
            _warning(
                "voucher_not_accepted",
                vouchers,
                f"Ce vendeur n'accepte pas de bon d'achat ({code}).",
                f"This seller does not accept vouchers ({code}).",
            )
        ]
    if (voucher.valid_from and day < voucher.valid_from) or (
        voucher.valid_to and day > voucher.valid_to
    ):
        return [], [
            _warning(
                "voucher_out_of_period",
                vouchers,
                f"Le bon {code} n'est pas valable à cette date.",
                f"Voucher {code} is not valid on this date.",
            )
        ]
    eligible = [
        (line.vat_rate, amount)
        for line, amount in zip(lines, remaining, strict=True)
        if line.sku not in voucher.excluded_skus
    ]
    value = sum((a for _, a in eligible), ZERO)
    if value < voucher.amount and vouchers.value_at_least_voucher:
        return [], [
            _warning(
                "voucher_below_value",
                vouchers,
                f"Les articles éligibles ({eur_fr(value)}) valent moins que le bon "
                f"({eur_fr(voucher.amount)}) : bon non appliqué.",
                f"Eligible goods ({eur_en(value)}) are worth less than the voucher "
                f"({eur_en(voucher.amount)}): voucher not applied.",
            )
        ]
    by_rate: dict[Decimal, Decimal] = {}
    for rate, amount in eligible:
        by_rate[rate] = by_rate.get(rate, ZERO) + amount
    rates = sorted(by_rate)
    applied = quantize(min(voucher.amount, value))
    if applied <= 0:
        return [], []
    shares = allocate(applied, [by_rate[r] for r in rates])
    explanation = Explanation(
        fr=f"Bon d'achat {code} : {eur_fr(voucher.amount)} déduits avant validation.",
        en=f"Voucher {code}: {eur_en(voucher.amount)} deducted before confirmation.",
    )
    return [
        Charge("voucher", share, rate, RULE, vouchers.clause, explanation)
        for rate, share in zip(rates, shares, strict=True)
        if share
    ], []
