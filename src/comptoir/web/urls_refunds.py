"""Routes of the refunds pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import refunds

urlpatterns: list = [
    path("seller/card-refunds/", refunds.card_refunds, name="card_refunds"),
    path(
        "seller/card-refunds/<int:refund_id>/retry/",
        refunds.card_refund_retry,
        name="card_refund_retry",
    ),
    path("seller/refunds/", refunds.transfer_refunds, name="transfer_refunds"),
    path("seller/refunds/export/", refunds.transfer_refunds_export, name="transfer_refunds_export"),
    path(
        "seller/refunds/<int:refund_id>/paid/",
        refunds.transfer_refund_paid,
        name="transfer_refund_paid",
    ),
    path(
        "seller/refunds/<int:refund_id>/cancel/",
        refunds.transfer_refund_cancel,
        name="transfer_refund_cancel",
    ),
    path(
        "seller/refunds/<int:refund_id>/release/",
        refunds.transfer_refund_release,
        name="transfer_refund_release",
    ),
    path(
        "seller/buyers/<int:party_id>/refund-credit/",
        refunds.buyer_credit_refund,
        name="buyer_credit_refund",
    ),
]
