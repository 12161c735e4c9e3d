"""PT1/PT2/PT3/PT6 — payment options of a quote: due dates, cash discount, instalments, deferrals,
and financial fees for terms beyond the standard one (seed 003 §7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from comptoir.terms.duedates import (
    basis_date,
    cash_discount_deadline,
    compute_due_date,
    deferred_due,
    financial_fee,
    split_schedule,
)
from comptoir.terms.engine.citations import Explanation
from comptoir.terms.engine.policy import Payment, PaymentTerm
from comptoir.terms.engine.quote import Finding, PaymentOption, VatLine
from comptoir.terms.engine.support import HUNDRED, ZERO, eur_en, eur_fr, pct, quantize

RULE = "PT2"


def _fee(
    payment: Payment, term: PaymentTerm, due: date, standard: date | None, amount: Decimal
) -> Decimal | None:
    ff = payment.financial_fees
    if ff is None or standard is None:
        return None
    fee = financial_fee(
        amount,
        standard,
        due,
        percent_per_period=ff.percent_per_period,
        period_days=ff.period_days,
        exempt=term.method in ff.exempt_methods,
    )
    return fee.amount if fee.amount else None


_DUE_CACHE: dict[tuple[int, date, date], tuple[Payment, list]] = {}


def _due_dates(payment: Payment, invoice_date: date, order_date: date) -> list:
    """Per term: (due date, financial-fee standard date, direct-debit collection date, cash-discount
    deadline); cached per terms and dates."""
    key = (id(payment), invoice_date, order_date)
    hit = _DUE_CACHE.get(key)
    if hit is not None and hit[0] is payment:
        return hit[1]
    dates = {"invoice": invoice_date, "order": order_date}
    ff = payment.financial_fees
    standard = compute_due_date(ff.standard, dates, invoice_date) if ff is not None else None
    result = [
        (
            compute_due_date(t.due, dates, invoice_date),
            standard,
            compute_due_date(t.collection, dates, invoice_date) if t.collection else None,
            cash_discount_deadline(
                basis_date(t.cash_discount.basis, dates, invoice_date), t.cash_discount.days
            )
            if t.cash_discount is not None
            else None,
        )
        for t in payment.terms
    ]
    if len(_DUE_CACHE) > 4096:
        _DUE_CACHE.clear()
    _DUE_CACHE[key] = (payment, result)
    return result


def payment_options(
    payment: Payment,
    invoice_date: date,
    order_date: date,
    excl_vat: Decimal,
    incl_vat: Decimal,
    vat_breakdown: Sequence[VatLine],
    *,
    goods_excl_vat: Decimal | None = None,
    is_consumer: bool = False,
) -> list[PaymentOption]:
    """The payment options open to this buyer for this amount, with their due dates.

    Dates the quote cannot know yet (validation, receipt) are taken as the invoice date.
    """
    out: list[PaymentOption] = []
    for term, (due, standard, collected, cd_deadline) in zip(
        payment.terms, _due_dates(payment, invoice_date, order_date), strict=True
    ):
        if term.buyers == ("business" if is_consumer else "consumer"):
            continue
        if term.max_order_amount is not None and incl_vat > term.max_order_amount:
            continue
        label = term.label or term.method
        discount: Decimal | None = None
        deadline: date | None = None
        with_discount: Decimal | None = None
        clause = term.clause
        cd = term.cash_discount
        fr = f"{label} : échéance le {due:%d/%m/%Y}, pas d'escompte pour paiement anticipé."
        en = f"{label}: due on {due:%d/%m/%Y}, no discount for early payment."
        debit_fr = debit_en = ""
        if collected is not None:
            debit_fr = f" Prélèvement le {collected:%d/%m/%Y}."
            debit_en = f" Direct debit on {collected:%d/%m/%Y}."
        if cd is not None and (not cd.methods or term.method in cd.methods):
            if cd.base == "incl_vat":
                discount = quantize(incl_vat * cd.percent / HUNDRED)
                vat_part = ZERO
            else:
                base = excl_vat
                if cd.base == "excl_vat" and goods_excl_vat is not None:
                    base = goods_excl_vat
                discount = quantize(base * cd.percent / HUNDRED)
                share = base / excl_vat if excl_vat else ZERO
                vat_part = sum(
                    (quantize(v.vat * share * cd.percent / HUNDRED) for v in vat_breakdown), ZERO
                )
            deadline = cd_deadline or cash_discount_deadline(invoice_date, cd.days)
            with_discount = incl_vat - discount - vat_part
            fr = (
                f"{label} : échéance le {due:%d/%m/%Y} ; escompte de {pct(cd.percent)} "
                f"({eur_fr(discount)} HT) si payé au plus tard le {deadline:%d/%m/%Y}, soit "
                f"{eur_fr(with_discount)} TTC."
            )
            en = (
                f"{label}: due on {due:%d/%m/%Y}; {pct(cd.percent)} cash discount "
                f"({eur_en(discount)} excl. VAT) if paid by {deadline:%d/%m/%Y}, i.e. "
                f"{eur_en(with_discount)} incl. VAT."
            )
            if cd.clause.article:
                clause = cd.clause
        out.append(
            PaymentOption(
                term.method,
                label,
                invoice_date,
                (due,),
                discount,
                deadline,
                with_discount,
                (),
                _fee(payment, term, due, standard, incl_vat),
                "PT6" if discount is not None else RULE,
                clause,
                Explanation(fr=fr + debit_fr, en=en + debit_en),
                collected,
            )
        )
        for count in term.instalments:
            schedule = tuple(split_schedule(incl_vat, count, due, term.instalment_spacing_days))
            out.append(
                PaymentOption(
                    term.method,
                    f"{label} ×{count}",
                    invoice_date,
                    tuple(i.due for i in schedule),
                    None,
                    None,
                    None,
                    schedule,
                    None,
                    "PT3",
                    term.clause,
                    Explanation(
                        fr=f"Paiement en {count} fois : "
                        + ", ".join(f"{eur_fr(i.amount)} le {i.due:%d/%m/%Y}" for i in schedule),
                        en=f"Payment in {count} instalments: "
                        + ", ".join(f"{eur_en(i.amount)} on {i.due:%d/%m/%Y}" for i in schedule),
                    ),
                    variant=f"x{count}",
                )
            )
        for days in term.deferrals:
            deferred = deferred_due(due, days)
            out.append(
                PaymentOption(
                    term.method,
                    f"{label} +{days}",
                    invoice_date,
                    (deferred,),
                    None,
                    None,
                    None,
                    (),
                    _fee(payment, term, deferred, standard, incl_vat),
                    "PT3",
                    term.clause,
                    Explanation(
                        fr=f"Paiement différé à {days} jours : le {deferred:%d/%m/%Y}.",
                        en=f"Payment deferred by {days} days: on {deferred:%d/%m/%Y}.",
                    ),
                    variant=f"+{days}",
                )
            )
    return out


def method_warning(payment: Payment, method: str | None) -> list[Finding]:
    if not method or not payment.terms or any(t.method == method for t in payment.terms):
        return []
    offered = ", ".join(sorted({t.method for t in payment.terms}))
    return [
        Finding(
            "payment_method_not_offered",
            "PT1",
            payment.terms[0].clause,
            Explanation(
                fr=f"Moyen de paiement {method} non proposé (proposés : {offered}).",
                en=f"Payment method {method} is not offered (offered: {offered}).",
            ),
        )
    ]
