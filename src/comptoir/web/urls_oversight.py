"""Routes of the oversight pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import oversight

urlpatterns: list = [
    path("operator/audit/", oversight.audit_log, name="oversight_audit"),
    path("operator/audit/verify/", oversight.audit_verify_chain, name="oversight_audit_verify"),
    path("operator/payouts/", oversight.payouts, name="oversight_payouts"),
    path("operator/payouts/export/", oversight.payouts_export, name="oversight_payouts_export"),
    path(
        "operator/payouts/sellers/<int:seller_id>.csv",
        oversight.payout_report,
        name="oversight_payout_report",
    ),
    path("operator/moderation/", oversight.moderation_queue, name="oversight_moderation"),
    path(
        "operator/moderation/products/<int:product_id>/dismiss/",
        oversight.moderation_dismiss,
        name="oversight_moderation_dismiss",
    ),
    path(
        "operator/moderation/products/<int:product_id>/remove/",
        oversight.moderation_remove,
        name="oversight_moderation_remove",
    ),
    path(
        "sellers/<int:seller_id>/products/<int:product_id>/report/",
        oversight.product_report,
        name="product_report",
    ),
]
