"""Time-driven work of the EDI channel (O14)."""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.edi.services import outbound_catch_up, outbound_retry_due


@register("edi.retry_outbound", order=120)
def retry_outbound(*, until: datetime) -> int:
    """Issue again the ORDRSP, DESADV and INVOIC that failed, once their delay has passed."""
    return outbound_retry_due(until=until)


@register("edi.catch_up_outbound", order=115)
def catch_up_outbound(*, until: datetime) -> int:
    """Issue the ORDRSP, DESADV and INVOIC whose event was lost after its change committed."""
    return outbound_catch_up(until=until)
