"""Time-driven changes of the parties context."""

from __future__ import annotations

from datetime import datetime

from comptoir.core.sweeps import register
from comptoir.parties.services import terms_refusals_terminate


@register("parties.terminate_terms_refusals", order=50)
def terminate_terms_refusals(*, until: datetime) -> int:
    """Members that refused a platform terms version are terminated when it takes effect (P7)."""
    return terms_refusals_terminate(until=until)
