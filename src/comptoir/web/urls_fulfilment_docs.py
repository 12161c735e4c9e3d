"""Routes of the standalone fulfilment documents (included in comptoir.web.urls, namespace
"web")."""

from django.urls import path

from comptoir.web import fulfilment_docs

urlpatterns: list = [
    path(
        "orders/<str:number>/pending-documents/",
        fulfilment_docs.pending_documents_issue,
        name="pending_documents_issue",
    ),
]
