"""Routes of the company pages (included in comptoir.web.urls, namespace "web"): the company
account, its users, invitations and data export (P4, P6, P9), and the claims threads (A5)."""

from django.urls import path

from comptoir.web import claims, company

urlpatterns: list = [
    path("account/", company.account, name="account"),
    path("account/details/", company.account_update, name="account_update"),
    path("account/addresses/", company.address_add, name="account_address_add"),
    path("account/addresses/<int:address_id>/", company.address_edit, name="account_address_edit"),
    path(
        "account/addresses/<int:address_id>/delete/",
        company.address_delete,
        name="account_address_delete",
    ),
    path(
        "account/documents/<int:document_id>/",
        company.document_file,
        name="account_document_file",
    ),
    path("account/users/", company.users, name="account_users"),
    path("account/users/invite/", company.member_invite, name="member_invite"),
    path(
        "account/users/<int:membership_id>/permissions/",
        company.member_permissions,
        name="member_permissions",
    ),
    path(
        "account/users/<int:membership_id>/deactivate/",
        company.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "account/users/<int:membership_id>/reactivate/",
        company.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "account/invitations/<int:invitation_id>/revoke/",
        company.invitation_revoke,
        name="invitation_revoke",
    ),
    path("account/export/", company.export, name="account_export"),
    path("invitations/<str:token>/", company.invitation, name="invitation"),
    path("claims/", claims.claims, name="claims"),
    path("claims/<int:claim_id>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:claim_id>/reply/", claims.claim_reply, name="claim_reply"),
    path("claims/<int:claim_id>/close/", claims.claim_close, name="claim_close"),
    path(
        "claims/<int:claim_id>/attachments/<int:attachment_id>/",
        claims.claim_attachment,
        name="claim_attachment",
    ),
    path("orders/<str:number>/claims/", claims.claim_new, name="claim_new"),
]
