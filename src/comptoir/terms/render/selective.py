"""C2 — the selective-distribution paragraphs (approved points of sale, export zones; seed 003
§11), printed from the same values the engine enforces."""

from __future__ import annotations

from comptoir.terms.render.french import Paragraph, _list
from comptoir.terms.schema import TermsDocument
from comptoir.terms.schema.zones import ZONES

ZONE_NAMES = {
    "EU": "l'Union européenne",
    "EEA": "l'Espace économique européen",
    "EFTA": "l'Association européenne de libre-échange (AELE)",
    "UK": "le Royaume-Uni",
}


def zones_text(zones: list[str]) -> str:
    """``["EEA", "EFTA", "UK", "MC"]`` → "l'Espace économique européen, l'Association … et MC"."""
    return _list([ZONE_NAMES[z] if z in ZONES else z for z in zones])


def selective_paragraphs(doc: TermsDocument) -> list[Paragraph]:
    sd = doc.pricing.selective_distribution
    if sd is None:
        return []
    out = [
        Paragraph(
            "Les produits des marques sélectives ne sont vendus qu'aux points de vente agréés "
            "pour ces marques.",
            sd.clause,
            "C2",
        )
    ]
    if (ex := sd.export) is not None:
        what = (
            "Les produits des marques sélectives"
            if ex.applies_to == "selective_lines"
            else "Les produits"
        )
        out.append(
            Paragraph(
                f"{what} ne peuvent être livrés ni revendus, directement ou indirectement, "
                f"qu'à l'intérieur du territoire de {zones_text(ex.allowed_zones)} ; toute "
                "commande à livrer hors de ces zones est refusée.",
                ex.clause or sd.clause,
                "C2",
            )
        )
    return out
