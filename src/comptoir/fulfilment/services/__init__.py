"""The only code that changes fulfilment rows: one transaction per use case, each audited."""

from comptoir.fulfilment.services.addresses import address_change_decide, address_change_request
from comptoir.fulfilment.services.claims import claim_close, claim_open, claim_reply
from comptoir.fulfilment.services.collection import (
    collection_notice_send,
    collection_notices_expire_due,
    order_resolve_uncollected,
)
from comptoir.fulfilment.services.contestation import (
    contestation_resolve,
    contestations_freeze_due,
    delivery_contest,
    delivery_validate,
)
from comptoir.fulfilment.services.digital import digital_delivery_send
from comptoir.fulfilment.services.followups import (
    reserve_follow_up_record,
    reserve_follow_ups_lapse_due,
    wrong_goods_charge_due,
    wrong_goods_report,
    wrong_goods_return,
)
from comptoir.fulfilment.services.packaging import (
    packaging_deposit_record,
    packaging_return_record,
)
from comptoir.fulfilment.services.shipments import (
    ReserveInput,
    delivery_record,
    delivery_refuse,
    hold_check,
    shipment_create,
)
from comptoir.fulfilment.services.standalone import (
    packaging_kept_due,
    pending_documents_issue,
    standalone_documents_due,
)

__all__ = [
    "ReserveInput",
    "address_change_decide",
    "address_change_request",
    "claim_close",
    "claim_open",
    "claim_reply",
    "collection_notice_send",
    "collection_notices_expire_due",
    "contestation_resolve",
    "contestations_freeze_due",
    "delivery_contest",
    "delivery_record",
    "delivery_refuse",
    "delivery_validate",
    "digital_delivery_send",
    "hold_check",
    "order_resolve_uncollected",
    "pending_documents_issue",
    "packaging_deposit_record",
    "packaging_kept_due",
    "packaging_return_record",
    "reserve_follow_up_record",
    "reserve_follow_ups_lapse_due",
    "shipment_create",
    "standalone_documents_due",
    "wrong_goods_charge_due",
    "wrong_goods_report",
    "wrong_goods_return",
]
