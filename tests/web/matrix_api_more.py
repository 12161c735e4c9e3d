"""Authorization matrix entries of the API routes for shipments, invoices, seller catalog and terms.

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

ROUTES: dict = {}
PAYLOADS: dict = {}
