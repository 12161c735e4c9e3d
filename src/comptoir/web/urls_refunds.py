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
]
