"""Routes of the edi pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
