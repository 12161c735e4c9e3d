from ninja import NinjaAPI

from comptoir.api import (
    catalog,
    claims,
    deposits_rebates,
    edi,
    errors,
    fulfilment,
    invoices,
    lcr,
    orders,
    payments,
    payouts,
    refunds,
    sellers,
    substitutions,
    webhooks,
)
from comptoir.api.rendering import UtcJSONRenderer

api = NinjaAPI(
    title="Comptoir API",
    version="1",
    description=(
        "B2B ordering under each seller's terms of sale. "
        "Errors share one shape: {code, message, field, rule}."
    ),
    urls_namespace="api",
    renderer=UtcJSONRenderer(),
)
errors.install(api)
api.add_router("", catalog.router)
api.add_router("", orders.router)
api.add_router("", payments.router)
api.add_router("", payouts.router)
api.add_router("", lcr.router)
api.add_router("", refunds.router)
api.add_router("", webhooks.router)
api.add_router("", fulfilment.router)
api.add_router("", invoices.router)
api.add_router("", sellers.router)
api.add_router("", edi.router)
api.add_router("", substitutions.router)
api.add_router("", claims.router)
api.add_router("", deposits_rebates.router)


@api.get("/health", tags=["platform"], auth=None)
def health(request) -> dict:
    """Liveness probe."""
    return {"status": "ok"}
