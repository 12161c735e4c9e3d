"""Late-payment interest of late cases (PT11): computed by the terms engine on the open amount,
from `interest_from` to a given day, and posted to the ledger when it is claimed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from comptoir.core import clock
from comptoir.ledger.models import OpenItem
from comptoir.payments import labels
from comptoir.payments.models import LateCase
from comptoir.payments.policy import PaymentPolicy
from comptoir.payments.rules import ZERO, cents
from comptoir.payments.services._posting import Charge
from comptoir.terms.cli_quote import load_rates
from comptoir.terms.engine.rates import RateSource
from comptoir.terms.interest import (
    AmountBasis,
    InterestFormula,
    LatePaymentTerms,
    LegalRateBasis,
    interest_batch,
)
from comptoir.terms.interest import OpenItem as InterestItem


@lru_cache(maxsize=1)
def _rates_of(day: date) -> RateSource:
    return load_rates()[0]


def rates() -> RateSource:
    """The rate tables, read once a day (the operator publishes a new legal rate twice a year;
    a change in the admin is taken up the next day, or at once after a restart)."""
    return _rates_of(clock.today())


#: What a consumer owes for paying late (O17, [004 §8.10] "ne s'applique pas aux
#: consommateurs"): the legal interest rate of each half-year (C. monét. fin. L313-2), on the
#: amount incl. VAT, and only from the formal notice (C. civ. art. 1231-6); no fees.
CONSUMER_LATE = LatePaymentTerms(
    formula=InterestFormula.LEGAL_MULTIPLE,
    rate=Decimal("1"),
    legal_rate_basis=LegalRateBasis.HALF_YEAR,
    amount_basis=AmountBasis.INCL_VAT,
    indemnity=ZERO,
)

# the stages from which a consumer's case accrues interest: the formal notice was sent
_NOTIFIED = (LateCase.Stage.FORMAL_NOTICE, LateCase.Stage.RESOLVED)


def late_terms(case: LateCase, policy: PaymentPolicy) -> LatePaymentTerms:
    """The terms a case's interest runs under: the seller's, or the law's for a consumer."""
    return CONSUMER_LATE if case.consumer else policy.late


def base_of(case: LateCase, open_amount: Decimal, policy: PaymentPolicy) -> Decimal:
    """The principal interest runs on: the open amount, excl. VAT in proportion when the terms
    say excl. VAT."""
    if late_terms(case, policy).amount_basis is AmountBasis.INCL_VAT or not case.incl_vat:
        return open_amount
    return cents(open_amount * case.excl_vat / case.incl_vat)


def _accrues(case: LateCase) -> bool:
    return not case.consumer or case.stage in _NOTIFIED


def interest_to(
    cases: Sequence[LateCase], open_amounts: dict[int, Decimal], policy: PaymentPolicy, on: date
) -> list[Decimal]:
    """Interest not yet posted of each case, accrued from `interest_from` to `on`: one batch
    per kind of terms. A consumer's case accrues nothing before its formal notice."""
    out = [ZERO] * len(cases)
    by_terms: dict[bool, list[int]] = {False: [], True: []}
    for i, case in enumerate(cases):
        if _accrues(case):
            by_terms[case.consumer].append(i)
    for consumer, positions in by_terms.items():
        if not positions:
            continue
        items = [
            InterestItem(
                base_of(c, open_amounts.get(c.open_item_id, ZERO), policy),
                c.interest_from,
                max(on, c.interest_from),
                c.invoice_date,
            )
            for c in (cases[i] for i in positions)
        ]
        terms = CONSUMER_LATE if consumer else policy.late
        for i, row in zip(positions, interest_batch(items, terms, rates()), strict=True):
            out[i] = row[0]
    return out


def open_items_read(ids: Sequence[int]) -> dict[int, tuple[Decimal, str]]:
    """The open amount and reference of the open items `ids`, by id."""
    rows = OpenItem.objects.filter(pk__in=ids).values_list("pk", "open_amount", "reference")
    return {pk: (amount, reference) for pk, amount, reference in rows}


def interest_charges(
    cases: Sequence[LateCase],
    policy: PaymentPolicy,
    on: date,
    items: Mapping[int, tuple[Decimal, str]] | None = None,
) -> list[tuple[LateCase, Charge]]:
    """Claim the interest accrued to `on` on each case: the charges to post; the cases move
    their `interest_from` to `on` and add it to `interest_posted` (the caller saves them).
    `items`: the open amount and reference of the cases' items by id, if the caller has just
    read them (`open_items_read`); else they are read here."""
    if items is None:
        items = open_items_read([c.open_item_id for c in cases])
    open_amounts = {pk: amount for pk, (amount, _) in items.items()}
    references = {pk: ref for pk, (_, ref) in items.items()}
    out: list[tuple[LateCase, Charge]] = []
    for case, amount in zip(cases, interest_to(cases, open_amounts, policy, on), strict=True):
        if on <= case.interest_from:
            continue
        case.interest_from = on
        case.interest_accrued = ZERO
        case.accrued_on = on
        if amount <= 0:
            continue
        case.interest_posted += amount
        reference = references[case.open_item_id]
        out.append(
            (
                case,
                Charge(
                    buyer_id=case.buyer_id,
                    seller_id=case.seller_id,
                    kind=OpenItem.Kind.INTEREST,
                    amount=amount,
                    reference=reference,
                    label=f"Intérêts de retard {reference} au {on:%d/%m/%Y} (PT11)",
                    on=on,
                    data=labels.facts(labels.INTEREST, reference=reference, on=on),
                ),
            )
        )
    return out
