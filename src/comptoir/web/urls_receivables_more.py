"""Routes of a buyer's security deposits and rebates, seen by its seller (included in
comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import receivables_more

urlpatterns: list = [
    path(
        "seller/buyers/<int:party_id>/deposit-and-rebates/",
        receivables_more.buyer_deposit_rebates,
        name="receivables_more_buyer",
    ),
    path(
        "seller/buyers/<int:party_id>/deposit-and-rebates/deposit/",
        receivables_more.deposit_receive_view,
        name="receivables_more_deposit",
    ),
    path(
        "seller/buyers/<int:party_id>/deposit-and-rebates/deposit/return/",
        receivables_more.deposit_return_view,
        name="receivables_more_deposit_return",
    ),
    path(
        "seller/buyers/<int:party_id>/deposit-and-rebates/rebates/",
        receivables_more.rebate_agreement_view,
        name="receivables_more_rebates",
    ),
    path(
        "seller/buyers/<int:party_id>/deposit-and-rebates/rebates/<int:agreement_id>/settle/",
        receivables_more.rebate_settle_view,
        name="receivables_more_rebate_settle",
    ),
]
