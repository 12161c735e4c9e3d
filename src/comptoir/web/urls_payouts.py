"""Routes of the payouts pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import payouts, seller_payouts

urlpatterns: list = [
    path("operator/payouts/<int:payout_id>/paid/", payouts.payout_paid, name="payout_paid"),
    path("seller/payouts/", seller_payouts.payouts, name="seller_payouts"),
    path("seller/payouts.csv", seller_payouts.payouts_csv, name="seller_payouts_csv"),
    path(
        "seller/payouts/<int:payout_id>/commission-invoice.pdf",
        seller_payouts.commission_invoice_pdf,
        name="seller_payout_invoice_pdf",
    ),
]
