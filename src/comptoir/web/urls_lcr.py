"""Routes of the seller's LCR pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import lcr

urlpatterns: list = [
    path("seller/lcr/", lcr.lcr, name="lcr"),
    path("seller/lcr/export/", lcr.lcr_export_now, name="lcr_export"),
    path("seller/lcr/<int:remittance_id>.txt", lcr.lcr_file, name="lcr_file"),
    path("seller/lcr/<int:lcr_id>/returned/", lcr.lcr_returned, name="lcr_return"),
]
