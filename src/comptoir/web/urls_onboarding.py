"""Routes of the onboarding pages (included in comptoir.web.urls, namespace "web")."""

from django.urls import path

from comptoir.web import onboarding

urlpatterns = [
    # a company registers and follows its onboarding (P1, P2, P7)
    path("register/", onboarding.register, name="register"),
    path("onboarding/", onboarding.onboarding, name="onboarding"),
    path(
        "onboarding/documents/",
        onboarding.onboarding_document_upload,
        name="onboarding_document_upload",
    ),
    path(
        "onboarding/platform-terms/<int:terms_id>/",
        onboarding.onboarding_platform_terms,
        name="onboarding_platform_terms",
    ),
    # the operator's back office (P1, P2, P3, P6, P7)
    path("operator/onboarding/", onboarding.operator_onboarding, name="operator_onboarding"),
    path(
        "operator/organizations/",
        onboarding.operator_organizations,
        name="operator_organizations",
    ),
    path(
        "operator/organizations/<int:organization_id>/",
        onboarding.operator_organization,
        name="operator_organization",
    ),
    path(
        "operator/organizations/<int:organization_id>/<slug:action>/",
        onboarding.operator_organization_action,
        name="operator_organization_action",
    ),
    path(
        "operator/documents/<int:document_id>/review/",
        onboarding.operator_document_review,
        name="operator_document_review",
    ),
    path(
        "operator/documents/<int:document_id>/file/",
        onboarding.operator_document_file,
        name="operator_document_file",
    ),
    path(
        "operator/platform-terms/",
        onboarding.operator_platform_terms,
        name="operator_platform_terms",
    ),
    path(
        "operator/platform-terms/publish/",
        onboarding.operator_platform_terms_publish,
        name="operator_platform_terms_publish",
    ),
]
