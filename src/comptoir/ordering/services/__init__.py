"""The only code that changes carts and orders: one transaction per use case, each audited."""

from comptoir.ordering.services.carts import (
    cart_clear,
    cart_line_set,
    cart_lines_add,
    cart_reorder,
    parse_quick_order,
)
from comptoir.ordering.services.consumers import order_withdraw
from comptoir.ordering.services.deadlines import orders_apply_deadlines
from comptoir.ordering.services.fees import order_mark_manual_handling
from comptoir.ordering.services.fulfilment import (
    order_freeze,
    order_fully_shipped,
    order_record_delivery,
    order_record_shipment,
)
from comptoir.ordering.services.invoicing import (
    order_credit_in_full,
    order_invoice_if_due,
    order_invoice_issue,
)
from comptoir.ordering.services.placing import Signature, Submission, order_place, orders_place
from comptoir.ordering.services.prepayment import order_prepayment_waive
from comptoir.ordering.services.substitutions import (
    order_substitution_answer,
    order_substitution_propose,
)
from comptoir.ordering.services.transitions import (
    order_accept,
    order_cancel,
    order_change,
    order_confirm_modification,
    order_decline_modification,
    order_edit,
    order_modify,
    order_refuse,
    order_release,
    order_resume,
    order_start,
    order_suspend,
)
from comptoir.ordering.services.vouchers import voucher_create, voucher_deactivate

__all__ = [
    "Signature",
    "Submission",
    "cart_clear",
    "cart_line_set",
    "cart_lines_add",
    "cart_reorder",
    "order_accept",
    "order_cancel",
    "order_change",
    "order_confirm_modification",
    "order_decline_modification",
    "order_edit",
    "order_freeze",
    "order_fully_shipped",
    "order_invoice_if_due",
    "order_invoice_issue",
    "order_credit_in_full",
    "order_mark_manual_handling",
    "order_modify",
    "order_place",
    "order_record_delivery",
    "order_record_shipment",
    "order_refuse",
    "order_release",
    "order_resume",
    "order_start",
    "order_substitution_answer",
    "order_substitution_propose",
    "order_suspend",
    "order_withdraw",
    "orders_apply_deadlines",
    "order_prepayment_waive",
    "orders_place",
    "parse_quick_order",
    "voucher_create",
    "voucher_deactivate",
]
