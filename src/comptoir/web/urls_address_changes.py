"""Routes of the order page's address changes section (included in comptoir.web.urls,
namespace "web")."""

from django.urls import path

from comptoir.web import address_changes

urlpatterns: list = [
    path(
        "orders/<str:number>/address-changes/",
        address_changes.address_changes_page,
        name="address_changes",
    ),
    path(
        "orders/<str:number>/address-changes/request/",
        address_changes.address_change_request,
        name="address_change_request",
    ),
    path(
        "orders/<str:number>/address-changes/<int:request_id>/decide/",
        address_changes.address_change_decide,
        name="address_change_decide",
    ),
]
