"""Routes of the imports pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import imports

urlpatterns: list = [
    path("seller/catalog/import/", imports.catalog_import, name="catalog_import"),
    path("seller/catalog/export.csv", imports.catalog_export, name="catalog_export"),
    path("jobs/<int:job_id>/", imports.job_detail, name="job_detail"),
]
