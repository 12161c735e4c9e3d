"""Selective distribution (C2): export restriction on selective-brand products (seed 003 §11)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from comptoir.terms.schema.base import Clause, Model
from comptoir.terms.schema.zones import expand_zones, is_zone_or_country


class ExportRestriction(Model):
    """C2: where the products may be delivered (and resold). ``allowed_zones`` mixes named zones
    (``"EU"``, ``"EEA"``, ``"EFTA"``, ``"UK"``, see ``schema.zones``) and ISO 3166-1 alpha-2
    country codes (``"FR"``, ``"MC"``)."""

    allowed_zones: list[str] = Field(min_length=1)
    applies_to: Literal["selective_lines", "all_lines"] = "selective_lines"
    """selective_lines: only carts holding selective-brand lines are restricted (seed 003 §11);
    all_lines: every cart."""
    clause: Clause | None = None

    @field_validator("allowed_zones")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        bad = [z for z in value if not is_zone_or_country(z)]
        if bad:
            raise ValueError(
                f"unknown zone or country code: {', '.join(bad)} "
                "(use EU, EEA, EFTA, UK or two upper-case letters)"
            )
        return value

    @property
    def countries(self) -> frozenset[str]:
        """The allowed ISO country codes, named zones expanded."""
        return expand_zones(self.allowed_zones)


class SelectiveDistribution(Model):
    """C2: the seller runs a selective distribution network: selective-brand products are sold
    to approved points of sale only (``CartLine.selective``, ``BuyerContext.approved_brands``)
    and, with ``export``, delivered only inside the allowed zones."""

    export: ExportRestriction | None = None
    clause: Clause | None = None
