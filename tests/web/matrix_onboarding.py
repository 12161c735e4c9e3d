"""Authorization matrix entries of the onboarding routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

ROUTES: dict = {}
PAYLOADS: dict = {}
