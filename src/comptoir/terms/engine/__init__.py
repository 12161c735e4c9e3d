"""The pure terms engine (no Django import).

Entry point: ``from comptoir.terms.engine.evaluate import evaluate`` —
``evaluate(terms, cart, context, at) -> Quote``; ``quote_to_json(quote) -> dict``.

Names are imported lazily so that ``comptoir.terms.duedates`` and ``comptoir.terms.interest`` can
use the engine's small helper modules without importing the whole engine.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BuyerContext": "inputs",
    "Cart": "inputs",
    "CartLine": "inputs",
    "Clause": "citations",
    "Explanation": "citations",
    "Quote": "quote",
    "quote_to_json": "serialize",
    "policy_for": "adapter",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"comptoir.terms.engine.{module}"), name)
