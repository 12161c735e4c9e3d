"""O4 — case multiples: round to the packaging standard, surcharge or refuse."""

from __future__ import annotations

from decimal import Decimal

from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.inputs import CartLine
from comptoir.terms.engine.policy import Packaging
from comptoir.terms.engine.quote import Charge, Finding

RULE = "O4"


def case_size(line: CartLine, packaging: Packaging) -> int:
    return packaging.case_size or line.pack_size or 1


def nearest_multiple(quantity: int, size: int) -> int:
    """Nearest multiple of ``size`` (halves round up), never below one case for a positive qty."""
    if size <= 1 or quantity <= 0:
        return quantity
    cases = (2 * quantity + size) // (2 * size)
    return max(cases, 1) * size


def round_up_multiple(quantity: int, size: int) -> int:
    if size <= 1 or quantity <= 0:
        return quantity
    return -(-quantity // size) * size


def apply_packaging(
    lines: tuple[CartLine, ...], packaging: Packaging | None, contract_fee: Decimal | None = None
) -> tuple[list[int], list[Charge], list[Finding], list[Finding]]:
    """Adjusted quantities, fees, violations and warnings for the packaging rule."""
    quantities = [line.quantity for line in lines]
    if packaging is None or packaging.mode == "none":
        return quantities, [], [], []
    fees: list[Charge] = []
    violations: list[Finding] = []
    warnings: list[Finding] = []
    fixed = packaging.case_size
    off = [
        (i, line)
        for i, line in enumerate(lines)
        if line.quantity > 0 and line.quantity % (fixed or line.pack_size or 1)
    ]
    if not off:
        return quantities, fees, violations, warnings
    mode, clause = packaging.mode, packaging.clause
    if mode in ("round_nearest", "round_up"):
        fn = nearest_multiple if mode == "round_nearest" else round_up_multiple
        changes_fr, changes_en = [], []
        for i, line in off:
            size = fixed or line.pack_size or 1
            quantities[i] = fn(line.quantity, size)
            changes_fr.append(f"{line.sku} {line.quantity} → {quantities[i]} (par {size})")
            changes_en.append(f"{line.sku} {line.quantity} → {quantities[i]} (by {size})")
        warnings.append(
            Finding(
                "quantity_adjusted",
                RULE,
                clause,
                Explanation(
                    fr="Quantités arrondies au standard de conditionnement le plus proche : "
                    + ", ".join(changes_fr)
                    + ".",
                    en="Quantities rounded to the nearest packaging standard: "
                    + ", ".join(changes_en)
                    + ".",
                ),
            )
        )
    elif mode == "refuse":
        for _, line in off:
            size = case_size(line, packaging)
            violations.append(
                Finding(
                    "not_case_multiple",
                    RULE,
                    clause,
                    Explanation(
                        fr=f"{line.sku} : {line.quantity} n'est pas un multiple de {size}.",
                        en=f"{line.sku}: {line.quantity} is not a multiple of {size}.",
                    ),
                )
            )
    elif mode == "surcharge":
        count = len(off) if packaging.surcharge_per == "line" else 1
        unit_fee = packaging.surcharge if packaging.surcharge is not None else contract_fee
        skus = ", ".join(line.sku for _, line in off)
        if unit_fee is None:
            warnings.append(
                Finding(
                    "case_surcharge_per_contract",
                    RULE,
                    clause,
                    Explanation(
                        fr=f"Quantités hors multiple du carton ({skus}) : frais supplémentaires "
                        "selon votre contrat.",
                        en=f"Quantities not in case multiples ({skus}): extra fee as set in "
                        "your contract.",
                    ),
                )
            )
        else:
            fees.append(
                Charge(
                    "case_surcharge",
                    unit_fee * count,
                    packaging.vat_rate,
                    RULE,
                    clause,
                    Explanation(
                        fr=f"Frais supplémentaires : quantités hors multiple du carton ({skus}).",
                        en=f"Extra fee: quantities not in case multiples ({skus}).",
                    ),
                )
            )
    return quantities, fees, violations, warnings
