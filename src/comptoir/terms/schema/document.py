"""The terms document: every section together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel

from comptoir.terms.schema.aftersales import (
    AfterSales,
    ContractPenalties,
    Digital,
    ForceMajeure,
    TermsChanges,
)
from comptoir.terms.schema.base import Clause, Model
from comptoir.terms.schema.commerce import (
    Consumers,
    Credit,
    Fulfilment,
    Meta,
    Ordering,
    Pricing,
    Seller,
)
from comptoir.terms.schema.money import (
    Invoicing,
    LatePayment,
    Marketplace,
    Payment,
    Rebates,
    RetentionOfTitle,
)

# --------------------------------------------------------------------------------------------
# the document
# --------------------------------------------------------------------------------------------


class TermsDocument(Model):
    """A seller's terms of sale. See the module docstring for the sections."""

    schema_version: Literal[1] = 1
    meta: Meta
    seller: Seller
    pricing: Pricing = Pricing()
    ordering: Ordering = Ordering()
    credit: Credit = Credit()
    consumers: Consumers = Consumers()
    fulfilment: Fulfilment = Fulfilment()
    invoicing: Invoicing = Invoicing()
    payment: Payment
    late_payment: LatePayment
    rebates: Rebates | None = None
    marketplace: Marketplace | None = None
    retention_of_title: RetentionOfTitle | None = None
    after_sales: AfterSales = AfterSales()
    digital: Digital | None = None
    force_majeure: ForceMajeure | None = None
    terms_changes: TermsChanges = TermsChanges()
    contract_penalties: ContractPenalties | None = None

    def clauses(self) -> Iterator[tuple[str, Clause]]:
        """Every clause in the document with its dotted location (e.g. ``ordering.shipping``)."""
        yield from _walk_clauses(self, "")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (decimals as strings, TOML key names)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def _walk_clauses(node: Any, prefix: str) -> Iterator[tuple[str, Clause]]:
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            value = getattr(node, name)
            key = field.alias or name
            where = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Clause):
                yield (prefix or "document", value) if name == "clause" else (where, value)
            else:
                yield from _walk_clauses(value, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_clauses(item, f"{prefix}[{index}]")
