"""Routes of the order page's withdrawals section (included in comptoir.web.urls,
namespace "web")."""

from django.urls import path

from comptoir.web import withdrawals

urlpatterns: list = [
    path(
        "orders/<str:number>/withdraw/",
        withdrawals.order_withdraw_page,
        name="order_withdraw",
    ),
]
