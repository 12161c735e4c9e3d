"""Hand-compiled policies mirroring the seeds, to test the engine independently of the schema."""

from __future__ import annotations

from decimal import Decimal as D

from comptoir.terms.duedates import DueBasis, DueMethod, DueRule
from comptoir.terms.engine.citations import Clause
from comptoir.terms.engine.policy import (
    CashDiscount,
    Deadlines,
    Eligibility,
    FinancialFees,
    Frequency,
    MinimumOrder,
    Packaging,
    Payment,
    PaymentTerm,
    Period,
    Policy,
    Pricing,
    Processing,
    Promotion,
    Shipping,
    Tier,
    Vouchers,
)
from comptoir.terms.interest import InterestFormula, LatePaymentTerms

ART3 = Clause("Art. 3", "minimum 100 € HT ; franco 200 € HT ; 15 € HT de participation")
ART7 = Clause("Art. 7", "30 jours fin de mois ; comptant 8 jours escompte 1 % (LCR, SEPA)")

BEAUTY = Policy(
    seller="Salon Pro",
    minimum=MinimumOrder(D("100"), "refuse", clause=ART3),
    shipping=Shipping(free_from=D("200"), fee=D("15"), clause=ART3),
    packaging=Packaging("round_nearest", clause=ART3),
    frequency=Frequency(fee_after=2, fee_per_bracket=D("24"), bracket=D("1000"), clause=ART3),
    pricing=Pricing(
        tiers=(Tier(D("1000"), D("2")), Tier(D("3000"), D("4"))),
        promotions=(Promotion("NOEL", D("10"), brands=frozenset({"PROMO"}), stacking="replace"),),
        clause=Clause("Art. 2", "palier de prix net"),
    ),
    eligibility=Eligibility(
        selective_brands=frozenset({"KERASTASE", "SHU UEMURA"}),
        selective_clause=Clause("Art. 12", "marques sélectives"),
        allowed_countries=frozenset({"FR", "MC"}),
        export_clause=Clause("Art. 1", "France continentale, Corse et Monaco"),
        consumers_allowed=False,
    ),
    payment=Payment(
        terms=(
            PaymentTerm(
                "lcr",
                DueRule(30, DueMethod.ADD_THEN_EOM, DueBasis.INVOICE),
                "LCR 30 jours fin de mois",
                CashDiscount(D("1"), 8, frozenset({"lcr", "sepa_debit"}), ART7),
                clause=ART7,
            ),
            PaymentTerm(
                "bank_transfer",
                DueRule(30, DueMethod.ADD_THEN_EOM),
                "Virement 30 jours fin de mois",
                clause=ART7,
            ),
            PaymentTerm(
                "lcr", DueRule(60, DueMethod.ADD_THEN_EOM), "LCR 60 jours fdm", clause=ART7
            ),
            PaymentTerm(
                "bank_transfer", DueRule(60, DueMethod.ADD_THEN_EOM), "Virement 60 j", clause=ART7
            ),
        ),
        financial_fees=FinancialFees(
            DueRule(30, DueMethod.ADD_THEN_EOM),
            D("0.5"),
            15,
            frozenset({"lcr", "sepa_debit"}),
            ART7,
        ),
    ),
    deadlines=Deadlines(
        lead_time=Period(6, "business", Clause("Art. 3", "6 jours ouvrés")),
        contestation=Period(8, "calendar", Clause("Art. 3", "réserves confirmées sous 8 jours")),
    ),
    late=LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("3"), clause=ART7),
)

ART2 = Clause("Article 2", "multiple de 12, à défaut frais supplémentaires ; une commande par mois")

INTRANET = Policy(
    seller="Bocaux & Co",
    minimum=MinimumOrder(
        D("300"), "fee", D("25"), (("north", D("18")), ("south", D("30"))), clause=ART2
    ),
    packaging=Packaging("surcharge", case_size=12, surcharge=D("10"), clause=ART2),
    frequency=Frequency(max_orders_per_month=1, clause=ART2),
    eligibility=Eligibility(
        unpaid_mode="warn",
        unpaid_clause=Clause("Article 1", "commandes précédentes impayées"),
        deposit=D("2000"),
        deposit_clause=Clause("Article 4", "dépôt de garantie de 2 000 €"),
    ),
    payment=Payment(
        terms=(
            PaymentTerm(
                "sepa_debit",
                DueRule(15, DueMethod.NET, DueBasis.INVOICE),
                "Prélèvement",
                clause=Clause("Article 4", "15 jours à compter de la facture"),
            ),
        )
    ),
    deadlines=Deadlines(
        processing=Processing(1, 2, Clause("Article 1", "le deuxième mardi de chaque mois")),
        lead_time=Period(10, "calendar", Clause("Article 8", "10 jours après traitement")),
        lead_time_from="processing",
        contestation=Period(2, "calendar", Clause("Article 9", "réserves sous 2 jours")),
    ),
    late=LatePaymentTerms(InterestFormula.LEGAL_MULTIPLE, D("5"), litigation_percent=D("20")),
)

DIGITAL = Policy(
    seller="Logiciels SA",
    vouchers=Vouchers(True, True, Clause("§14", "bons d'achat")),
    payment=Payment(
        terms=(
            PaymentTerm("card", DueRule(0, DueMethod.IMMEDIATE), "Carte", clause=Clause("§8")),
            PaymentTerm(
                "invoice",
                DueRule(7, DueMethod.NET, DueBasis.RECEIPT),
                "Sur facture 7 jours",
                clause=Clause("§8"),
            ),
        )
    ),
    deadlines=Deadlines(
        acceptance=Period(5, "from_next_day", Clause("§2.5", "5 jours à compter du lendemain")),
        lead_time=Period(2, "business", Clause("§7.2", "48 heures ouvrées")),
    ),
    late=LatePaymentTerms(InterestFormula.REFERENCE_PLUS, D("9"), reminder_fee=D("1.50")),
)

WHOLESALE = Policy(
    seller="Electro Gros",
    eligibility=Eligibility(handling_fee=D("25"), handling_clause=Clause("§4.8")),
    payment=Payment(
        terms=(
            PaymentTerm(
                "bank_transfer", DueRule(0, DueMethod.IMMEDIATE), "Virement", clause=Clause("§14.1")
            ),
        )
    ),
    deadlines=Deadlines(
        acceptance=Period(2, "business", Clause("§4.2", "2 jours ouvrés")),
        contestation=Period(10, "business", Clause("§9", "10 jours ouvrés")),
    ),
    late=LatePaymentTerms(
        InterestFormula.MONTHLY,
        D("1.5"),
        amount_basis="excl_vat",  # type: ignore[arg-type]
        collection_percent=D("15"),
        collection_minimum=D("150"),
    ),
)

MARKETPLACE = Policy(
    seller="Place",
    payment=Payment(
        terms=(
            PaymentTerm(
                "sepa_debit",
                DueRule(60, DueMethod.NET, DueBasis.VALIDATION),
                "60 jours",
                instalments=(2, 3, 4),
                deferrals=(30, 45, 60),
                clause=Clause("§7.7"),
            ),
        )
    ),
    late=LatePaymentTerms(InterestFormula.FIXED_ANNUAL, D("8")),
)
