"""EDI use cases (O14): import ORDERS, issue ORDRSP/DESADV/INVOIC, export pending messages."""

from comptoir.edi.services.catch_up import outbound_catch_up
from comptoir.edi.services.exports import edi_export
from comptoir.edi.services.inbound import ImportResult, Outcome, edi_import
from comptoir.edi.services.outbound import (
    desadv_issue,
    invoic_issue,
    ordrsp_issue,
    outbound_on_event,
)
from comptoir.edi.services.retries import outbound_retry_due, outbound_retry_now

__all__ = [
    "ImportResult",
    "Outcome",
    "desadv_issue",
    "edi_export",
    "edi_import",
    "invoic_issue",
    "ordrsp_issue",
    "outbound_catch_up",
    "outbound_on_event",
    "outbound_retry_due",
    "outbound_retry_now",
]
