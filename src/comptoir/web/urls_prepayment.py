"""Routes of the order's prepayment section (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import prepayment

urlpatterns: list = [
    path(
        "orders/<str:number>/prepayment/",
        prepayment.prepayment_record,
        name="prepayment_record",
    ),
]
