"""Routes of the standalone fulfilment documents and of the packaging deposits (F10) (included
in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import fulfilment, fulfilment_docs

urlpatterns: list = [
    path(
        "orders/<str:number>/pending-documents/",
        fulfilment_docs.pending_documents_issue,
        name="pending_documents_issue",
    ),
    path(
        "orders/<str:number>/packaging-deposits/",
        fulfilment.packaging_deposit,
        name="packaging_deposit",
    ),
    path(
        "orders/<str:number>/packaging-returns/",
        fulfilment.packaging_return,
        name="packaging_return",
    ),
]
