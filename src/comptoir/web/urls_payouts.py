"""Routes of the payouts pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import payouts

urlpatterns: list = [
    path("operator/payouts/<int:payout_id>/paid/", payouts.payout_paid, name="payout_paid"),
]
