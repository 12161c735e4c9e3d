"""Routes of the substitution pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import substitutions

urlpatterns: list = [
    path(
        "orders/<str:number>/substitutions/propose/",
        substitutions.substitution_propose,
        name="substitution_propose",
    ),
    path(
        "orders/<str:number>/substitutions/<int:proposal_id>/answer/",
        substitutions.substitution_answer,
        name="substitution_answer",
    ),
]
