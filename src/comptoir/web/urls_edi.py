"""Routes of the edi pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import edi

urlpatterns: list = [
    path("edi/", edi.messages, name="edi_messages"),
    path("edi/upload/", edi.upload, name="edi_upload"),
    path("edi/<int:message_id>/download/", edi.download, name="edi_download"),
    path("edi/retries/<int:retry_id>/retry/", edi.retry_now, name="edi_retry_now"),
]
