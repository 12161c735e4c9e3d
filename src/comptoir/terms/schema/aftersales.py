"""Terms sections after the sale: after-sales, digital goods, force majeure, terms changes,
penalties."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from comptoir.terms.schema.base import (
    Amount,
    Clause,
    Delay,
    Flag,
    Model,
    Percent,
    PositiveCount,
)

# --------------------------------------------------------------------------------------------
# after-sales (A1–A4)
# --------------------------------------------------------------------------------------------


class Rma(Model):
    """A1: return merchandise authorisations."""

    technical_only: bool = True
    validity: Delay
    inspection_within: Delay | None = None
    commercial_returns: Literal["written_agreement_only", "allowed", "forbidden"] = (
        "written_agreement_only"
    )
    clause: Clause | None = None


class WarrantyPeriod(Model):
    months: PositiveCount
    start: Literal["delivery", "resale", "transfer_of_risk"] = "delivery"
    resale_window_months: PositiveCount | None = None
    """Starts at resale when the buyer resells within this many months of delivery."""
    max_months_after_delivery: PositiveCount | None = None


class ConsumablesWarranty(Model):
    months: PositiveCount = 6
    max_life_months: PositiveCount | None = None
    max_unit_price: Amount | None = None


class Warranty(Model):
    """A2: the contractual warranty."""

    provided: bool = True
    own_brand: WarrantyPeriod | None = None
    professional_use: WarrantyPeriod | None = None
    consumables: ConsumablesWarranty | None = None
    other_brands: Literal["manufacturer", "same_as_own_brand", "none"] = "manufacturer"
    business_months: PositiveCount | None = None
    """A single period for business buyers (digital goods: 12 months)."""
    claim_within: Delay | None = None
    claim_from: Literal["discovery", "delivery"] = "discovery"
    claim_via_rma: bool = False
    remedies: list[Literal["repair", "replace", "refund"]] = Field(default_factory=list)
    replacement_restarts_period: bool = False
    no_fault_fee_minimum: Amount | None = None
    exclusions: list[str] = Field(default_factory=list)
    clause: Clause | None = None


class TakeBack(Model):
    """A3: take-backs of unsold stock."""

    allowed: bool = True
    prior_written_agreement: bool = True
    at_buyer_cost: bool = True
    abatement_percent: Percent | None = None
    tariff_reference: Literal["january_1_previous_year", "current"] = "current"
    stale_goods_credited: bool = False
    clause: Clause | None = None


class AfterSales(Model):
    rma: Rma | None = None
    warranty: Warranty | None = None
    take_back: TakeBack | None = None
    recalls: Flag | None = None
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# digital goods (D1–D4, F11)
# --------------------------------------------------------------------------------------------


class LicensePurchase(Model):
    """D1: perpetual license with a number of seats."""

    seats_enforced: bool = True
    backup_copy_allowed: bool = True
    transferable: bool = True
    transfer_ends_own_use: bool = True
    volume_packs_splittable: bool = False
    clause: Clause | None = None


class Rental(Model):
    """D2: time-limited license."""

    ends_at_term: bool = True
    ends_on_breach: bool = True
    transferable: bool = False
    clause: Clause | None = None


class DigitalDelivery(Model):
    """D3/F11: keys and download links by e-mail."""

    channel: Literal["email"] = "email"
    keys: bool = True
    download_links: bool = True
    clause: Clause | None = None


class Digital(Model):
    license_purchase: LicensePurchase | None = None
    rental: Rental | None = None
    delivery: DigitalDelivery = DigitalDelivery()
    use_requires_full_payment: bool = True
    provisional_use_allowed: bool = True
    withdrawal_ends_on: list[Literal["activation", "download", "service_start"]] = Field(
        default_factory=list
    )
    """D4: events after which a consumer no longer has a withdrawal right."""
    express_waiver_required: bool = True
    clause: Clause | None = None


# --------------------------------------------------------------------------------------------
# notices and terms (N3–N5)
# --------------------------------------------------------------------------------------------


class ForceMajeure(Model):
    """N4: suspension up to ``suspend_up_to``, then adapt or terminate without compensation."""

    suspend_up_to: Delay
    then: list[Literal["adapt", "terminate"]] = Field(
        default_factory=lambda: ["adapt", "terminate"]
    )
    compensation: bool = False
    clause: Clause | None = None


class TermsChanges(Model):
    """N3: when a new version of these terms applies."""

    effective: Literal["day_after_publication", "after_notice"] = "day_after_publication"
    notice: Delay | None = None
    clause: Clause | None = None

    @model_validator(mode="after")
    def _complete(self) -> TermsChanges:
        if self.effective == "after_notice" and self.notice is None:
            raise ValueError("effective 'after_notice' needs notice")
        return self


class ContractPenalties(Model):
    """N5: contractual penalties."""

    per_breach_percent: Percent | None = None
    per_day_percent: Percent | None = None
    repossession_non_cooperation_percent_per_day: Percent | None = None
    clause: Clause | None = None
