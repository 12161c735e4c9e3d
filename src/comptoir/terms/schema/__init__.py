"""The terms-of-sale document: a seller's terms as validated data (Pydantic v2, no Django).

A terms document is a TOML file. Every model forbids unknown keys and is frozen; money and rates
are ``Decimal`` (write them as strings, ``"100.00"``, or as TOML numbers: floats are converted
through ``str()`` so ``0.1`` stays ``Decimal("0.1")``). Every configurable rule carries an optional
``clause = {article = "Art. 3", text = "..."}`` quoting the seller's own sentence, so a fee, a
refusal or a due date can be explained with the rule ID of RULES.md and the seller's article.

Top-level sections (``TermsDocument``), with the RULES.md IDs they configure:

=====================  ===========================================================================
``schema_version``     always 1
``meta``               preset id, title, language, currency, source document, version label
``seller``             seller identity (name, legal form, SIREN, VAT number, address, contact)
``pricing``            C1/C2/C3/C4/C5: prices excl./incl. VAT, tariff-change notice, price-increase
                       termination right, ``price_tiers`` (net-price tiers), ``promotions``,
                       ``selective_distribution`` (C2 export zones)
``ordering``           O2 ``minimum_order``, O3 ``shipping``, O4 ``case_multiples``, O5
                       ``frequency``, O6/O7 ``processing``, O8 ``acceptance``, O11 ``changes``,
                       O15 ``vouchers``, O14 ``channels``, C6 ``substitution``, O13 shortage
``credit``             O10/PT9/PT10: ``on_unpaid``, ``large_order_review``, ``security_deposit``,
                       ``credit_limit``, ``on_deterioration``
``consumers``          O17/D4: consumer sales allowed, ``withdrawal`` (days, exceptions)
``fulfilment``         F1 ``lead_time``, F4/F5 ``contestation``, F7 ``refused_delivery``, F10
                       ``returnable_deposits``, F9 ``incoterms``, F6/F8 flags
``invoicing``          I1 ``moment``, I2 ``billing_mandate``, I3 ``mentions``, I6
                       ``contest_window``, I7 ``electronic``
``payment``            PT1–PT6 ``options`` (method + ``due`` rule, instalments, deferrals),
                       ``cash_discount``, ``financial_fees``, ``method_kept_all_year``, PT4
                       ``counts_as_paid``, PT7 ``allocation``, PT8 ``set_off``, PT12
                       ``failed_debit``
``late_payment``       PT11: ``interest``, ``fixed_indemnity``, ``collection_costs``,
                       ``litigation_penalty``, ``reminder_fee``, ``acceleration``, ``suspension``,
                       ``terms_cut``, ``resolution``, ``interest_offsets_rebates``
``rebates``            PT13 periodic rebates
``marketplace``        PT14/I8/K1/K3: operator, ``commission``, liability cap
``retention_of_title`` PT15
``after_sales``        A1 ``rma``, A2 ``warranty``, A3 ``take_back``, A4 ``recalls``
``digital``            D1–D4: license purchase, rental, key/link delivery, withdrawal end
``force_majeure``      N4
``terms_changes``      N3 (when a new version applies) — C3's tariff notice is in ``pricing``
``contract_penalties`` N5
=====================  ===========================================================================

Field names are stable: new fields are added, existing ones are never renamed.
"""

from __future__ import annotations

from comptoir.terms.schema.aftersales import (
    AfterSales,
    ConsumablesWarranty,
    ContractPenalties,
    Digital,
    DigitalDelivery,
    ForceMajeure,
    LicensePurchase,
    Rental,
    Rma,
    TakeBack,
    TermsChanges,
    Warranty,
    WarrantyPeriod,
)
from comptoir.terms.schema.base import (
    Amount,
    Clause,
    Dec,
    Delay,
    Flag,
    Model,
    Percent,
)
from comptoir.terms.schema.commerce import (
    WITHDRAWAL_EXCEPTIONS,
    Acceptance,
    CaseMultiples,
    Changes,
    Consumers,
    Contestation,
    Credit,
    CreditLimit,
    Fulfilment,
    Incoterms,
    LargeOrderReview,
    LeadTime,
    Meta,
    MinimumOrder,
    OnDeterioration,
    OrderFrequency,
    Ordering,
    PriceIncreaseRight,
    PriceTier,
    PriceTiers,
    Pricing,
    Processing,
    Promotion,
    RefusedDelivery,
    ReturnableDeposits,
    ReturnableItem,
    SecurityDeposit,
    Seller,
    Shipping,
    TariffChange,
    Vouchers,
    Withdrawal,
    ZoneFee,
)
from comptoir.terms.schema.document import (
    TermsDocument,
)
from comptoir.terms.schema.money import (
    Allocation,
    BillingMandate,
    CashDiscount,
    CollectionCosts,
    Commission,
    ContestWindow,
    CountsAsPaid,
    DueRule,
    FailedDebit,
    FinancialFees,
    FixedIndemnity,
    Interest,
    Invoicing,
    LatePayment,
    LiabilityCap,
    LitigationPenalty,
    Marketplace,
    Payment,
    PaymentOption,
    Rebates,
    RebateTier,
    ReminderFee,
    Resolution,
    RetentionOfTitle,
    SetOff,
    TermsCut,
)
from comptoir.terms.schema.selective import ExportRestriction, SelectiveDistribution
from comptoir.terms.schema.zones import ZONES, expand_zones

__all__ = [
    "WITHDRAWAL_EXCEPTIONS",
    "Acceptance",
    "AfterSales",
    "Allocation",
    "Amount",
    "BillingMandate",
    "CaseMultiples",
    "CashDiscount",
    "Changes",
    "Clause",
    "CollectionCosts",
    "Commission",
    "Consumers",
    "ConsumablesWarranty",
    "ContestWindow",
    "Contestation",
    "ContractPenalties",
    "CountsAsPaid",
    "Credit",
    "CreditLimit",
    "Dec",
    "Delay",
    "Digital",
    "DigitalDelivery",
    "DueRule",
    "FailedDebit",
    "FinancialFees",
    "FixedIndemnity",
    "Flag",
    "ForceMajeure",
    "Fulfilment",
    "Incoterms",
    "Interest",
    "Invoicing",
    "LargeOrderReview",
    "LatePayment",
    "LeadTime",
    "LiabilityCap",
    "LicensePurchase",
    "LitigationPenalty",
    "Marketplace",
    "Meta",
    "MinimumOrder",
    "Model",
    "OnDeterioration",
    "OrderFrequency",
    "Ordering",
    "Payment",
    "PaymentOption",
    "Percent",
    "PriceIncreaseRight",
    "PriceTier",
    "PriceTiers",
    "Pricing",
    "Processing",
    "Promotion",
    "Rebates",
    "RebateTier",
    "RefusedDelivery",
    "ReminderFee",
    "Rental",
    "Resolution",
    "RetentionOfTitle",
    "ReturnableDeposits",
    "ReturnableItem",
    "Rma",
    "SecurityDeposit",
    "Seller",
    "SetOff",
    "Shipping",
    "TakeBack",
    "TariffChange",
    "TermsChanges",
    "TermsCut",
    "TermsDocument",
    "Vouchers",
    "Warranty",
    "ZONES",
    "ExportRestriction",
    "SelectiveDistribution",
    "expand_zones",
    "WarrantyPeriod",
    "Withdrawal",
    "ZoneFee",
]
