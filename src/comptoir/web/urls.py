from django.urls import include, path

from comptoir.web import account, dashboard, fulfilment, ordering, payments, views
from comptoir.web.ratelimit import rate_limited

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("organization/", views.switch_organization, name="switch_organization"),
    path("sellers/<int:seller_id>/products/", views.seller_products, name="seller_products"),
    path(
        "sellers/<int:seller_id>/products/<int:product_id>/",
        views.product_detail,
        name="product_detail",
    ),
    path("sellers/<int:seller_id>/cart/", ordering.cart, name="cart"),
    path("sellers/<int:seller_id>/cart/lines/", ordering.cart_update, name="cart_update"),
    path("sellers/<int:seller_id>/cart/quick/", ordering.cart_quick_order, name="cart_quick_order"),
    path("sellers/<int:seller_id>/checkout/", ordering.checkout, name="checkout"),
    path(
        "sellers/<int:seller_id>/terms/<int:version>/",
        ordering.terms_version_page,
        name="terms_version",
    ),
    path("orders/", ordering.orders, name="orders"),
    path("orders/<str:number>/", ordering.order_detail, name="order_detail"),
    path("orders/<str:number>/action/", ordering.order_action, name="order_action"),
    path("orders/<str:number>/ship/", fulfilment.order_ship, name="order_ship"),
    path("orders/<str:number>/deliver/", fulfilment.shipment_deliver, name="shipment_deliver"),
    path("orders/<str:number>/validate/", fulfilment.order_validate, name="order_validate"),
    path("orders/<str:number>/contest/", fulfilment.order_contest, name="order_contest"),
    path("orders/<str:number>/refuse/", fulfilment.shipment_refuse, name="shipment_refuse"),
    path("orders/<str:number>/reserves/", fulfilment.follow_up_record, name="follow_up_record"),
    path(
        "orders/<str:number>/wrong-goods/", fulfilment.wrong_goods_report, name="wrong_goods_report"
    ),
    path(
        "orders/<str:number>/wrong-goods/return/",
        fulfilment.wrong_goods_return,
        name="wrong_goods_return",
    ),
    path("orders/<str:number>/notice/", fulfilment.collection_notice, name="collection_notice"),
    path("orders/<str:number>/resolve/", fulfilment.order_resolve, name="order_resolve"),
    path("orders/<str:number>/keys/", fulfilment.keys_send, name="keys_send"),
    path(
        "orders/<str:number>/shipments/<str:shipment>/delivery-note.pdf",
        fulfilment.delivery_note,
        name="delivery_note",
    ),
    path(
        "orders/<str:number>/shipments/<str:shipment>/notice.pdf",
        fulfilment.collection_notice_pdf_view,
        name="collection_notice_pdf",
    ),
    path("orders/<str:number>/invoice.pdf", fulfilment.order_invoice_pdf, name="order_invoice_pdf"),
    path("orders/<str:number>/invoice.xml", fulfilment.order_invoice_xml, name="order_invoice_xml"),
    path("inbox/", ordering.inbox, name="inbox"),
    path("seller/dashboard/", dashboard.dashboard, name="dashboard"),
    path("seller/dashboard/<slug:name>.svg", dashboard.chart, name="dashboard_chart"),
    path("track/", rate_limited("track")(ordering.track), name="track"),  # O16
    path("seller/receivables/", payments.receivables, name="receivables"),
    path("seller/receivables/credit-limit/", payments.credit_limit, name="credit_limit"),
    path("statement/<int:party_id>/", payments.account_statement, name="account_statement"),
    path(
        "seller/notices/<int:notice_id>.pdf",
        payments.seller_notice_pdf,
        name="seller_notice_pdf",
    ),
    path("notices/<int:notice_id>.pdf", payments.buyer_notice_pdf, name="buyer_notice_pdf"),
    path("seller/statements/", payments.bank_statements, name="bank_statements"),
    path(
        "seller/statements/import/",
        payments.bank_statement_import,
        name="bank_statement_import",
    ),
    path(
        "seller/statements/entries/<int:entry_id>/assign/",
        payments.bank_entry_assign,
        name="bank_entry_assign",
    ),
    path(
        "seller/statements/entries/<int:entry_id>/ignore/",
        payments.bank_entry_ignore,
        name="bank_entry_ignore",
    ),
    path("seller/sepa/", payments.sepa, name="sepa"),
    path("seller/sepa/export/", payments.sepa_export, name="sepa_export"),
    path("seller/sepa/<int:batch_id>.xml", payments.sepa_batch_xml, name="sepa_batch_xml"),
    path("account/mandates/", payments.mandates, name="mandates"),
    path("account/mandates/sign/", payments.mandate_sign, name="mandate_sign"),
    path("account/api-keys/", account.api_keys, name="api_keys"),
    path("account/api-keys/create/", account.api_key_create, name="api_key_create"),
    path("account/api-keys/<int:key_id>/revoke/", account.api_key_revoke, name="api_key_revoke"),
    path("account/webhooks/", account.webhooks_page, name="webhooks"),
    path("account/webhooks/add/", account.webhook_create, name="webhook_create"),
    path(
        "account/webhooks/<int:endpoint_id>/delete/",
        account.webhook_delete,
        name="webhook_delete",
    ),
    # Pages grouped by area, each in its own module
    path("", include("comptoir.web.urls_onboarding")),
    path("", include("comptoir.web.urls_oversight")),
    path("", include("comptoir.web.urls_imports")),
    path("", include("comptoir.web.urls_terms_editor")),
    path("", include("comptoir.web.urls_catalog_admin")),
    path("", include("comptoir.web.urls_company")),
    path("", include("comptoir.web.urls_edi")),
    path("", include("comptoir.web.urls_refunds")),
    path("", include("comptoir.web.urls_checkout")),
    path("", include("comptoir.web.urls_payouts")),
    path("", include("comptoir.web.urls_substitutions")),
    path("", include("comptoir.web.urls_lcr")),
    path("", include("comptoir.web.urls_fulfilment_docs")),
    path("", include("comptoir.web.urls_prepayment")),
]
