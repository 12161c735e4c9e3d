"""Validation of bank files against the official ISO 20022 schemas (PT1).

The pain schemas are the official files shipped with `sepaxml`; the camt.053 schemas are vendored
in `xsd/` (see its README).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

_VENDORED = Path(__file__).with_name("xsd")

SCHEMAS: tuple[str, ...] = (
    "pain.008.001.02",
    "pain.001.001.03",
    "camt.053.001.02",
    "camt.053.001.04",
    "camt.053.001.08",
)


def _schema_path(schema: str) -> Path:
    vendored = _VENDORED / f"{schema}.xsd"
    if vendored.is_file():
        return vendored
    shipped = resources.files("sepaxml").joinpath("schemas", f"{schema}.xsd")
    return Path(str(shipped))


@cache
def _schema(schema: str) -> etree.XMLSchema:
    if schema not in SCHEMAS:
        raise ValueError(f"Unknown schema {schema!r}; known: {', '.join(SCHEMAS)}.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(_schema_path(schema)), parser))


def safe_parser() -> etree.XMLParser:
    """A parser for untrusted files: no entity expansion, no DTD, no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def validate(xml: bytes, schema: str) -> list[str]:
    """Validate `xml` against the ISO 20022 schema named like "pain.008.001.02".

    Returns the list of problems ("line N: message"), empty when the file is valid. A file that is
    not well-formed XML gives one problem, it does not raise.
    """
    xsd = _schema(schema)
    try:
        doc = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    if xsd.validate(doc):
        return []
    return [f"line {err.line}: {err.message}" for err in xsd.error_log]
