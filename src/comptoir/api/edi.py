"""EDI endpoints of the API (EDIFACT messages in and out, O14)."""

from ninja import Router

router = Router(tags=["edi"])
