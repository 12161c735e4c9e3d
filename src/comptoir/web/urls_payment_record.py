"""Routes of the payment a seller records by hand (included in comptoir.web.urls, namespace
"web")."""

from django.urls import path

from comptoir.web import payment_record

urlpatterns: list = [
    path("seller/payments/new/", payment_record.payment_new, name="payment_new"),
    path("seller/payments/", payment_record.payment_create, name="payment_record"),
]
