"""Authorization matrix entries of the address changes routes (merged into
test_authorization_matrix). Each entry: name -> (args builder taking the `shop` fixture, method,
{actor: status}, secret)."""

from __future__ import annotations

ROUTES: dict = {}
PAYLOADS: dict = {}
