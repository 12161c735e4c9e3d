"""Routes of the terms_editor pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import terms_editor

urlpatterns = [
    path("seller/terms/", terms_editor.versions, name="seller_terms"),
    path("seller/terms/new/", terms_editor.version_new, name="seller_terms_new"),
    path("seller/terms/<int:version>/edit/", terms_editor.version_edit, name="seller_terms_edit"),
    path(
        "seller/terms/<int:version>/check/", terms_editor.version_check, name="seller_terms_check"
    ),
    path(
        "seller/terms/<int:version>/preview/",
        terms_editor.version_preview,
        name="seller_terms_preview",
    ),
    path(
        "seller/terms/<int:version>/publish/",
        terms_editor.version_publish,
        name="seller_terms_publish",
    ),
]
