"""Named country zones for delivery and export restrictions (C2), as ISO 3166-1 alpha-2 codes.

Pure data and one pure helper, no Django. ``expand_zones(["EEA", "EFTA", "UK"])`` gives the set of
countries a selective-brand cart may be delivered to under seed 003 §11 ("à l'intérieur du
territoire de l'Espace Économique Européen, l'A.E.L.E. et/ou le Royaume Uni").

* ``EU`` — the 27 member states (since 1 February 2020), with the French overseas departments
  that have their own ISO code (GP, MQ, GF, RE, YT: outermost regions, part of the EU);
* ``EEA`` — the EU plus Iceland, Liechtenstein and Norway (EEA Agreement);
* ``EFTA`` — Iceland, Liechtenstein, Norway and Switzerland;
* ``UK`` — the United Kingdom (ISO code ``GB``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EU_MEMBERS: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip
"""The 27 EU member states (ISO 3166-1 alpha-2; Greece is ``GR``, not ``EL``)."""

FRENCH_OUTERMOST: frozenset[str] = frozenset({"GP", "MQ", "GF", "RE", "YT"})
"""French overseas departments with their own ISO code: part of the EU (TFEU art. 349)."""

EFTA_MEMBERS: frozenset[str] = frozenset({"IS", "LI", "NO", "CH"})
EEA_NON_EU: frozenset[str] = frozenset({"IS", "LI", "NO"})

ZONES: dict[str, frozenset[str]] = {
    "EU": EU_MEMBERS | FRENCH_OUTERMOST,
    "EEA": EU_MEMBERS | FRENCH_OUTERMOST | EEA_NON_EU,
    "EFTA": EFTA_MEMBERS,
    "UK": frozenset({"GB"}),
}
"""Named zones accepted in ``allowed_zones`` and what they expand to."""

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def is_zone_or_country(value: str) -> bool:
    """True for a named zone of ``ZONES`` or a two-letter upper-case country code."""
    return value in ZONES or bool(_COUNTRY.match(value))


def expand_zones(zones: Iterable[str]) -> frozenset[str]:
    """The ISO country codes covered by ``zones`` (named zones and/or country codes).

    >>> sorted(expand_zones(["EFTA", "UK"]))
    ['CH', 'GB', 'IS', 'LI', 'NO']
    """
    out: set[str] = set()
    for zone in zones:
        if zone in ZONES:
            out |= ZONES[zone]
        elif _COUNTRY.match(zone):
            out.add(zone)
        else:
            raise ValueError(f"unknown zone or country code {zone!r}")
    return frozenset(out)
