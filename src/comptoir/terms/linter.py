"""The legal linter: checks a terms document against French law before it is published.

``lint(doc) -> list[Finding]``. A finding is an ``error`` (the terms break a mandatory rule: they
cannot be published) or a ``warning`` (an inconsistency or a risky clause: publication is allowed).
Each finding names the dotted location in the document, the RULES.md ID and the article of law.

Pure: no Django, no database. The rates the checks need are parameters; their defaults are the
latest published values (``LATEST_LEGAL_RATE``, ``LATEST_ECB_RATE``), updated with the rate tables.

Decisions (also in docs/terms-reference.md):

* Payment term ceiling (C. com. L441-10 I): at most 60 calendar days from the invoice date, or
  45 days end of month (either convention) — the 45-day end-of-month term is allowed because the
  terms stipulate it expressly. A term counted from the order date is never longer than the same
  term from the invoice date. A term counted from the buyer's *validation* is treated as counted
  from the invoice when the invoice is issued at validation (``invoicing.moment = "at_freeze"``,
  the marketplace preset: 60 days from validation = 60 days from invoice, allowed). Counted from a
  later event (receipt, or validation while the invoice is issued earlier), the effective term from
  the invoice is unknown: above the ceiling it is an error, and within 15 days of it a warning.
* Late-payment rate floor (L441-10 II): a contractual rate may not be below 3 × the legal
  interest rate. ``legal_rate_multiple`` is compared by its multiplier; a fixed or monthly rate
  (× 12) and ``reference + points`` (with ``ecb_rate``) are compared with 3 × ``legal_rate``.
* The 40 € recovery indemnity (D441-5) must be stated: missing or lower is an error.

Languages: every finding carries its message in English (``message``) and in French
(``message_fr``), like the engine's ``Explanation(fr=…, en=…)``; ``Finding.text(language)`` and
``report_message(entry, language)`` pick the reader's (French for ``fr…``, English otherwise), the
caller passing Django's active language. ``message`` stays the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from comptoir.core.money import format_money, format_number
from comptoir.terms.schema import WITHDRAWAL_EXCEPTIONS, DueRule, TermsDocument

LATEST_LEGAL_RATE = Decimal("2.62")
"""French legal interest rate, creditor a professional, 2026 H1 (arrêté of 15 December 2025,
JORF 26 December 2025) — the latest published half-year rate (DOMAIN-NOTES 1.3)."""
LATEST_ECB_RATE = Decimal("2.15")
"""ECB main refinancing operations rate in force since 11 June 2025 (held through February 2026)."""
LEGAL_FLOOR_MULTIPLIER = Decimal("3")
FIXED_INDEMNITY = Decimal("40.00")
MAX_DAYS_FROM_INVOICE = 60
MAX_DAYS_END_OF_MONTH = 45
MARGIN_DAYS = 15
CONSUMER_WITHDRAWAL_DAYS = 14

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    location: str
    message: str
    law: str = ""
    rule: str = ""
    message_fr: str = ""
    """The same message in French (``message`` is the English one)."""

    def __str__(self) -> str:
        cite = f" [{self.law}]" if self.law else ""
        return f"{self.severity}: {self.location}: {self.message}{cite} ({self.code})"

    def text(self, language: str | None) -> str:
        """The message in ``language`` (a language code such as Django's active language):
        French for ``fr…``, English otherwise (and when there is no French text)."""
        return self.message_fr if self.message_fr and is_french(language) else self.message

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "code": self.code,
            "location": self.location,
            "message": self.message,
            "message_fr": self.message_fr,
            "law": self.law,
            "rule": self.rule,
        }


def is_french(language: str | None) -> bool:
    return bool(language) and str(language).lower().startswith("fr")


def report_message(entry: Mapping[str, Any], language: str | None) -> str:
    """The message of a stored report entry (``Finding.as_dict()``) in ``language``; an entry
    stored before the French texts existed (no ``message_fr``) gives its English ``message``."""
    french = entry.get("message_fr") or ""
    return str(french) if french and is_french(language) else str(entry.get("message", ""))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def lint(
    doc: TermsDocument,
    *,
    legal_rate: Decimal = LATEST_LEGAL_RATE,
    ecb_rate: Decimal = LATEST_ECB_RATE,
) -> list[Finding]:
    """Every finding for ``doc``, errors first, then in document order."""
    found: list[Finding] = []
    found += _late_payment_rate(doc, legal_rate, ecb_rate)
    found += _fixed_indemnity(doc)
    found += _payment_terms(doc)
    found += _consumers(doc)
    found += _consistency(doc)
    found += _missing_clauses(doc)
    return sorted(found, key=lambda f: 0 if f.severity == "error" else 1)


# -------------------------------------------------------------------------------------------
# L441-10 II: the late-payment rate
# -------------------------------------------------------------------------------------------


def annual_rate(doc: TermsDocument, legal_rate: Decimal, ecb_rate: Decimal) -> Decimal:
    """The late-payment rate a year, with the given legal and ECB rates."""
    interest = doc.late_payment.interest
    if interest.kind == "legal_rate_multiple":
        assert interest.multiplier is not None
        return interest.multiplier * legal_rate
    if interest.kind == "fixed_annual":
        assert interest.rate is not None
        return interest.rate
    if interest.kind == "monthly":
        assert interest.rate is not None
        return interest.rate * 12
    assert interest.points is not None
    return ecb_rate + interest.points


def _pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",") + " %"


def _points_fr(points: Decimal) -> str:
    """``5 points``, ``1,5 point`` (French: singular below 2)."""
    return f"{format_number(points)} {'point' if points < 2 else 'points'}"


def _late_payment_rate(doc: TermsDocument, legal_rate: Decimal, ecb_rate: Decimal) -> list[Finding]:
    interest = doc.late_payment.interest
    floor = LEGAL_FLOOR_MULTIPLIER * legal_rate
    law = "C. com. L441-10 II"
    where = "late_payment.interest"
    if interest.kind == "legal_rate_multiple":
        assert interest.multiplier is not None
        if interest.multiplier < LEGAL_FLOOR_MULTIPLIER:
            return [
                Finding(
                    "error",
                    "late_rate_below_floor",
                    f"{where}.multiplier",
                    f"late-payment interest of {interest.multiplier.normalize():f} × the legal "
                    "rate is below the legal floor of 3 × the legal interest rate",
                    law,
                    "PT11",
                    message_fr=(
                        f"Les intérêts de retard de {format_number(interest.multiplier)} × le taux "
                        "d'intérêt légal sont inférieurs au plancher légal de 3 × le taux "
                        "d'intérêt légal"
                    ),
                )
            ]
        return []
    rate = annual_rate(doc, legal_rate, ecb_rate)
    if rate < floor:
        described = {
            "fixed_annual": f"{_pct(rate)} a year",
            "monthly": f"{_pct(interest.rate or Decimal(0))} a month ({_pct(rate)} a year)",
            "reference_plus_points": (
                f"ECB rate + {(interest.points or Decimal(0)).normalize():f} points "
                f"({_pct(rate)} with the ECB rate at {_pct(ecb_rate)})"
            ),
        }[interest.kind]
        points = interest.points or Decimal(0)
        described_fr = {
            "fixed_annual": f"au taux de {_pct(rate)} par an",
            "monthly": (
                f"au taux de {_pct(interest.rate or Decimal(0))} par mois ({_pct(rate)} par an)"
            ),
            "reference_plus_points": (
                f"au taux de refinancement de la BCE majoré de {_points_fr(points)} "
                f"({_pct(rate)} avec un taux BCE de {_pct(ecb_rate)})"
            ),
        }[interest.kind]
        field = "points" if interest.kind == "reference_plus_points" else "rate"
        return [
            Finding(
                "error",
                "late_rate_below_floor",
                f"{where}.{field}",
                f"late-payment interest of {described} is below 3 × the legal interest rate "
                f"(3 × {_pct(legal_rate)} = {_pct(floor)})",
                law,
                "PT11",
                message_fr=(
                    f"Les intérêts de retard {described_fr} sont inférieurs au plancher légal "
                    f"de 3 × le taux d'intérêt légal (3 × {_pct(legal_rate)} = {_pct(floor)})"
                ),
            )
        ]
    return []


# -------------------------------------------------------------------------------------------
# D441-5: the 40 € recovery indemnity
# -------------------------------------------------------------------------------------------


def _fixed_indemnity(doc: TermsDocument) -> list[Finding]:
    indemnity = doc.late_payment.fixed_indemnity
    law = "C. com. L441-10 II, D441-5"
    if indemnity is None:
        return [
            Finding(
                "error",
                "missing_fixed_indemnity",
                "late_payment.fixed_indemnity",
                "the terms must state the fixed recovery indemnity of 40 € per late invoice",
                law,
                "PT11",
                message_fr=(
                    "Les conditions de vente doivent mentionner l'indemnité forfaitaire pour "
                    "frais de recouvrement de 40 € due pour chaque facture payée en retard"
                ),
            )
        ]
    if indemnity.amount < FIXED_INDEMNITY:
        return [
            Finding(
                "error",
                "fixed_indemnity_too_low",
                "late_payment.fixed_indemnity.amount",
                f"the fixed recovery indemnity is 40 € by law, not {indemnity.amount} €",
                law,
                "PT11",
                message_fr=(
                    "L'indemnité forfaitaire pour frais de recouvrement est fixée à 40 € par "
                    f"décret, et non à {format_money(indemnity.amount)}"
                ),
            )
        ]
    if indemnity.amount > FIXED_INDEMNITY:
        return [
            Finding(
                "warning",
                "fixed_indemnity_not_legal_amount",
                "late_payment.fixed_indemnity.amount",
                f"the fixed recovery indemnity is set by decree at 40 €; {indemnity.amount} € "
                "can only be claimed as additional compensation on proof of costs",
                law,
                "PT11",
                message_fr=(
                    "L'indemnité forfaitaire pour frais de recouvrement est fixée à 40 € par "
                    f"décret ; un montant de {format_money(indemnity.amount)} ne peut être réclamé "
                    "qu'au titre d'une indemnisation complémentaire, sur justification des "
                    "frais exposés"
                ),
            )
        ]
    return []


# -------------------------------------------------------------------------------------------
# L441-10 I: payment terms
# -------------------------------------------------------------------------------------------


def _ceiling(rule: DueRule) -> tuple[int, str, str]:
    """(days, English text, French text) of the legal ceiling for ``rule``'s convention."""
    if rule.convention in ("end_of_month_then_days", "days_then_end_of_month"):
        return (
            MAX_DAYS_END_OF_MONTH,
            "45 days end of month",
            "45 jours fin de mois à compter de la date d'émission de la facture",
        )
    return (
        MAX_DAYS_FROM_INVOICE,
        "60 days from the invoice date",
        "60 jours à compter de la date d'émission de la facture",
    )


_BASIS_FR = {
    "invoice": "de la date d'émission de la facture",
    "order": "de la date de la commande",
    "validation": "de la validation de la commande par l'acheteur",
    "receipt": "de la réception des marchandises et de la facture",
    "issue": "de l'émission de l'ordre de prélèvement",
}


def _term_fr(rule: DueRule) -> str:
    """``« 30 jours »``, ``« 45 jours fin de mois »``, ``« fin de mois + 10 jours »``."""
    if rule.convention == "days_then_end_of_month":
        return f"« {rule.days} jours fin de mois »"
    if rule.convention == "end_of_month_then_days":
        return f"« fin de mois + {rule.days} jours »"
    return f"« {rule.days} jours »"


def _check_term(doc: TermsDocument, rule: DueRule, where: str) -> list[Finding]:
    if rule.convention == "immediate":
        return []
    law = "C. com. L441-10 I"
    limit, limit_text, limit_fr = _ceiling(rule)
    basis = rule.basis
    same_as_invoice = basis in ("invoice", "order") or (
        basis == "validation" and doc.invoicing.moment == "at_freeze"
    )
    if rule.days > limit:
        return [
            Finding(
                "error",
                "payment_term_too_long",
                f"{where}.days",
                f"a payment term of {rule.days} days ({rule.convention}, from {basis}) exceeds "
                f"the legal maximum of {limit_text}",
                law,
                "PT2",
                message_fr=(
                    f"Le délai de paiement {_term_fr(rule)} à compter {_BASIS_FR[basis]} "
                    f"dépasse le délai maximal légal de {limit_fr}"
                ),
            )
        ]
    if not same_as_invoice and rule.days > limit - MARGIN_DAYS:
        return [
            Finding(
                "warning",
                "payment_term_may_exceed",
                f"{where}.basis",
                f"{rule.days} days counted from {basis}, which may fall after the invoice date: "
                f"the term from the invoice must stay within {limit_text}",
                law,
                "PT2",
                message_fr=(
                    f"Le délai de paiement {_term_fr(rule)} court à compter {_BASIS_FR[basis]}, "
                    "qui peut être postérieure à l'émission de la facture : il ne doit pas "
                    f"dépasser le délai maximal légal de {limit_fr}"
                ),
            )
        ]
    return []


def _payment_terms(doc: TermsDocument) -> list[Finding]:
    found: list[Finding] = []
    for index, option in enumerate(doc.payment.options):
        found += _check_term(doc, option.due, f"payment.options[{index}].due")
    return found


# -------------------------------------------------------------------------------------------
# Consumers: C. conso. L221-5, L221-18, L221-24, L221-28, L112-1
# -------------------------------------------------------------------------------------------


def _consumers(doc: TermsDocument) -> list[Finding]:
    consumers = doc.consumers
    if not consumers.allowed:
        return []
    found: list[Finding] = []
    withdrawal = consumers.withdrawal
    if withdrawal is None:
        found.append(
            Finding(
                "error",
                "missing_withdrawal",
                "consumers.withdrawal",
                "consumer sales need the withdrawal information (14 days, conditions, form)",
                "C. conso. L221-5, L221-18",
                "O17",
                message_fr=(
                    "La vente aux consommateurs impose d'informer sur le droit de rétractation "
                    "(délai de 14 jours, conditions et modalités d'exercice, formulaire type)"
                ),
            )
        )
    else:
        if withdrawal.days < CONSUMER_WITHDRAWAL_DAYS:
            found.append(
                Finding(
                    "error",
                    "withdrawal_too_short",
                    "consumers.withdrawal.days",
                    f"the consumer withdrawal period is at least 14 days, not {withdrawal.days}",
                    "C. conso. L221-18",
                    "O17",
                    message_fr=(
                        "Le délai de rétractation du consommateur est d'au moins 14 jours, et "
                        f"non de {withdrawal.days} {'jour' if withdrawal.days < 2 else 'jours'}"
                    ),
                )
            )
        if withdrawal.refund_within_days > CONSUMER_WITHDRAWAL_DAYS:
            found.append(
                Finding(
                    "error",
                    "withdrawal_refund_too_late",
                    "consumers.withdrawal.refund_within_days",
                    "the refund is due within 14 days of the withdrawal",
                    "C. conso. L221-24",
                    "O17",
                    message_fr=(
                        "Le remboursement doit intervenir au plus tard dans les 14 jours suivant "
                        "la décision du consommateur de se rétracter, et non dans les "
                        f"{withdrawal.refund_within_days} jours"
                    ),
                )
            )
        for index, exception in enumerate(withdrawal.exceptions):
            if exception not in WITHDRAWAL_EXCEPTIONS:
                found.append(
                    Finding(
                        "error",
                        "invalid_withdrawal_exception",
                        f"consumers.withdrawal.exceptions[{index}]",
                        f"{exception!r} is not one of the legal exceptions to the withdrawal "
                        f"right ({', '.join(sorted(WITHDRAWAL_EXCEPTIONS))})",
                        "C. conso. L221-28",
                        "O17",
                        message_fr=(
                            f"L'exception « {exception} » ne figure pas parmi les exceptions "
                            "légales au droit de rétractation "
                            f"({', '.join(sorted(WITHDRAWAL_EXCEPTIONS))})"
                        ),
                    )
                )
        if not withdrawal.form_provided:
            found.append(
                Finding(
                    "warning",
                    "withdrawal_form_missing",
                    "consumers.withdrawal.form_provided",
                    "the model withdrawal form must be provided to consumers",
                    "C. conso. L221-5 2°",
                    "O17",
                    message_fr=(
                        "Le formulaire type de rétractation doit être fourni aux consommateurs"
                    ),
                )
            )
    digital = doc.digital
    if digital is not None and digital.withdrawal_ends_on:
        waiver_exception = withdrawal is not None and (
            "digital_content_started_with_waiver" in withdrawal.exceptions
            or "sealed_media_or_software_unsealed" in withdrawal.exceptions
        )
        if not digital.express_waiver_required:
            found.append(
                Finding(
                    "error",
                    "withdrawal_waiver_not_recorded",
                    "digital.express_waiver_required",
                    "the withdrawal right ends on activation or download only after the "
                    "consumer's express prior consent and waiver",
                    "C. conso. L221-28 13°",
                    "D4",
                    message_fr=(
                        "Le droit de rétractation ne peut prendre fin à l'activation ou au "
                        "téléchargement qu'après l'accord préalable exprès du consommateur et son "
                        "renoncement exprès à ce droit"
                    ),
                )
            )
        elif not waiver_exception:
            found.append(
                Finding(
                    "error",
                    "withdrawal_end_without_exception",
                    "digital.withdrawal_ends_on",
                    "the withdrawal right ends on activation or download, but the withdrawal "
                    "exceptions list neither digital_content_started_with_waiver nor "
                    "sealed_media_or_software_unsealed",
                    "C. conso. L221-28 9° and 13°",
                    "D4",
                    message_fr=(
                        "Le droit de rétractation prend fin à l'activation ou au téléchargement, "
                        "mais les exceptions au droit de rétractation ne mentionnent ni "
                        "digital_content_started_with_waiver ni sealed_media_or_software_unsealed"
                    ),
                )
            )
    if not doc.pricing.prices_include_vat:
        found.append(
            Finding(
                "warning",
                "consumer_prices_excl_vat",
                "pricing.prices_include_vat",
                "prices shown to consumers must include VAT; show consumers prices incl. VAT",
                "C. conso. L112-1",
                "C1",
                message_fr=(
                    "Les prix affichés aux consommateurs doivent s'entendre toutes taxes "
                    "comprises : indiquez-leur des prix TTC"
                ),
            )
        )
    return found


# -------------------------------------------------------------------------------------------
# Consistency (warnings)
# -------------------------------------------------------------------------------------------


def _consistency(doc: TermsDocument) -> list[Finding]:
    found: list[Finding] = []
    accepted = set(doc.payment.methods)

    discount = doc.payment.cash_discount
    if discount is not None:
        for index, method in enumerate(discount.methods):
            if method not in accepted:
                found.append(
                    Finding(
                        "warning",
                        "discount_method_not_accepted",
                        f"payment.cash_discount.methods[{index}]",
                        f"the cash discount is offered for {method!r}, which no payment option "
                        f"accepts ({', '.join(sorted(accepted))})",
                        "C. com. L441-9",
                        "PT2",
                        message_fr=(
                            f"L'escompte pour paiement anticipé est proposé pour « {method} », "
                            "qu'aucune option de paiement n'accepte (moyens acceptés : "
                            f"{', '.join(sorted(accepted)) or 'aucun'})"
                        ),
                    )
                )
    fees = doc.payment.financial_fees
    if fees is not None:
        for index, method in enumerate(fees.exempt_methods):
            if method not in accepted:
                found.append(
                    Finding(
                        "warning",
                        "fee_exemption_method_not_accepted",
                        f"payment.financial_fees.exempt_methods[{index}]",
                        f"financial fees exempt {method!r}, which no payment option accepts",
                        "",
                        "PT2",
                        message_fr=(
                            f"L'exonération des frais financiers vise « {method} », qu'aucune "
                            "option de paiement n'accepte"
                        ),
                    )
                )
        found += _check_term(doc, fees.beyond, "payment.financial_fees.beyond")

    ordering = doc.ordering
    minimum = ordering.minimum_order
    shipping = ordering.shipping
    if (
        minimum is not None
        and shipping is not None
        and minimum.policy == "refuse"
        and minimum.amount is not None
        and shipping.free_threshold is not None
        and shipping.free_threshold <= minimum.amount
        and (shipping.fee is not None or shipping.fees_by_zone)
    ):
        found.append(
            Finding(
                "warning",
                "shipping_fee_unreachable",
                "ordering.shipping.free_threshold",
                f"orders below {minimum.amount} € are refused and shipping is free from "
                f"{shipping.free_threshold} €: the shipping fee can never apply",
                "",
                "O3",
                message_fr=(
                    f"Les commandes inférieures à {format_money(minimum.amount)} sont refusées "
                    f"et le franco de port est atteint dès {format_money(shipping.free_threshold)} "
                    ": les frais de port ne peuvent jamais s'appliquer"
                ),
            )
        )
    if (
        shipping is not None
        and shipping.free_threshold is not None
        and shipping.fee is None
        and not shipping.fees_by_zone
        and shipping.fees_defined_in == "terms"
    ):
        found.append(
            Finding(
                "warning",
                "shipping_fee_missing",
                "ordering.shipping.fee",
                "a free-shipping threshold is set but no fee says what is charged below it",
                "C. com. L441-1",
                "O3",
                message_fr=(
                    "Un seuil de franco de port est fixé, mais aucun tarif n'indique les frais "
                    "de port facturés en dessous de ce seuil"
                ),
            )
        )
    if (
        ordering.frequency is not None
        and ordering.frequency.policy == "refuse"
        and ordering.processing.mode == "monthly"
        and ordering.frequency.max_orders is not None
        and ordering.frequency.max_orders > 1
    ):
        found.append(
            Finding(
                "warning",
                "frequency_above_batches",
                "ordering.frequency.max_orders",
                "orders are processed once a month: more than one order a month cannot be "
                "processed separately",
                "",
                "O5",
                message_fr=(
                    "Les commandes sont traitées une fois par mois : au-delà d'une commande par "
                    "mois, elles ne peuvent pas être traitées séparément"
                ),
            )
        )
    if ordering.acceptance.mode == "manual" and ordering.acceptance.deadline is None:
        found.append(
            Finding(
                "warning",
                "acceptance_deadline_missing",
                "ordering.acceptance.deadline",
                "manual acceptance without a deadline: orders may stay pending indefinitely "
                "(the deadline must then be set per order)",
                "C. civ. 1116",
                "O8",
                message_fr=(
                    "Acceptation manuelle sans délai de réponse : les commandes peuvent rester "
                    "en attente indéfiniment (le délai doit alors être fixé commande par "
                    "commande)"
                ),
            )
        )
    if doc.late_payment.collection_costs is not None:
        found.append(
            Finding(
                "warning",
                "collection_costs_need_proof",
                "late_payment.collection_costs",
                "collection costs above the 40 € indemnity are due only on proof of the costs "
                "incurred; a flat percentage may be reduced by a court as a penalty clause",
                "C. com. L441-10 II; C. civ. 1231-5",
                "PT11",
                message_fr=(
                    "Les frais de recouvrement excédant l'indemnité forfaitaire de 40 € ne sont "
                    "dus que sur justification des frais exposés ; un pourcentage forfaitaire "
                    "peut être modéré par le juge au titre de la clause pénale"
                ),
            )
        )
    for index, option in enumerate(doc.payment.options):
        if option.invoice_assigned and not option.partner:
            found.append(
                Finding(
                    "warning",
                    "assignment_without_partner",
                    f"payment.options[{index}].partner",
                    "the invoice is assigned but no partner is named for the mention",
                    "",
                    "I3",
                    message_fr=(
                        "La facture est cédée, mais aucun partenaire n'est désigné pour la "
                        "mention « Facture cédée à … »"
                    ),
                )
            )
    return found


_ENFORCED = (
    ("ordering.minimum_order", lambda d: d.ordering.minimum_order),
    ("ordering.shipping", lambda d: d.ordering.shipping),
    ("ordering.case_multiples", lambda d: d.ordering.case_multiples),
    ("ordering.frequency", lambda d: d.ordering.frequency),
    ("payment.cash_discount", lambda d: d.payment.cash_discount),
    ("payment.financial_fees", lambda d: d.payment.financial_fees),
    ("late_payment.interest", lambda d: d.late_payment.interest),
    ("late_payment.fixed_indemnity", lambda d: d.late_payment.fixed_indemnity),
    ("marketplace.commission", lambda d: d.marketplace.commission if d.marketplace else None),
    (  # C2: refuses carts delivered outside the zones (seed 003 §11)
        "pricing.selective_distribution.export",
        lambda d: (
            d.pricing.selective_distribution.export if d.pricing.selective_distribution else None
        ),
    ),
    (  # O11: the manual-handling fee
        "ordering.changes",
        lambda d: d.ordering.changes if d.ordering.changes.manual_handling_fee else None,
    ),
)


def _missing_clauses(doc: TermsDocument) -> list[Finding]:
    """Rules that produce fees, refusals or interest must quote the seller's clause."""
    found: list[Finding] = []
    targets = list(_ENFORCED)
    for index in range(len(doc.payment.options)):
        targets.append(
            (f"payment.options[{index}]", lambda d, i=index: d.payment.options[i])  # type: ignore[misc]
        )
    for where, get in targets:
        rule = get(doc)
        if rule is not None and getattr(rule, "clause", None) is None:
            found.append(
                Finding(
                    "warning",
                    "missing_clause",
                    f"{where}.clause",
                    "this rule has no clause: explanations cannot quote the seller's article",
                    "",
                    "",
                    message_fr=(
                        "Cette règle n'est rattachée à aucune clause : les explications ne "
                        "pourront pas citer l'article correspondant de vos conditions de vente"
                    ),
                )
            )
    return found
