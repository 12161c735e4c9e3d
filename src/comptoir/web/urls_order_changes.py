"""Routes of the order page's changes section (included in comptoir.web.urls, namespace "web"):
the buyer's edit (O6), the seller's modification (O8) and change (O11), force majeure (N4)."""

from django.urls import path

from comptoir.web import order_changes

urlpatterns: list = [
    path("orders/<str:number>/edit/", order_changes.order_edit, name="order_edit"),
    path("orders/<str:number>/modify/", order_changes.order_modify, name="order_modify"),
    path("orders/<str:number>/change/", order_changes.order_change, name="order_change"),
    path("orders/<str:number>/suspend/", order_changes.order_suspend, name="order_suspend"),
    path("orders/<str:number>/resume/", order_changes.order_resume, name="order_resume"),
]
