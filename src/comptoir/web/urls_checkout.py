"""Routes of the checkout pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import checkout

urlpatterns = [
    path("checkout/", checkout.marketplace_checkout, name="marketplace_checkout"),
    path("checkout/confirm/", checkout.marketplace_confirm, name="marketplace_confirm"),
]
