"""The operator's back office over parties. State changes that carry rules go through services
(admin actions call them); plain edits of descriptive fields stay in the forms."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError
from comptoir.parties import services
from comptoir.parties.models import (
    Address,
    ApiKey,
    Invitation,
    Membership,
    OnboardingDocument,
    Organization,
    PlatformTermsAcceptance,
    PlatformTermsVersion,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organization", "user_code", "is_owner", "is_active", "permissions")
    readonly_fields = ("user_code",)
    autocomplete_fields = ("organization",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "language", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "full_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language")}),
        (
            _("Platform rights"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


class OrgMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    fields = ("user", "user_code", "is_owner", "is_active", "permissions", "deactivated_at")
    readonly_fields = ("user_code", "deactivated_at")
    autocomplete_fields = ("user",)


class DocumentInline(admin.TabularInline):
    model = OnboardingDocument
    extra = 0
    fields = ("kind", "file", "issue_date", "status", "uploaded_at", "review_note")
    readonly_fields = ("uploaded_at",)


def _run(modeladmin, request, queryset, done_message, call):
    """Run `call` on each selected row; `done_message(n)` (an ngettext text) tells how many."""
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, done_message(done) % {"n": done}, messages.SUCCESS)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "legal_name",
        "trade_name",
        "customer_number",
        "siren",
        "is_buyer",
        "is_seller",
        "is_operator",
        "terms_preset",
        "state",
        "has_name_warnings",
        "created_at",
    )
    list_filter = ("state", "is_buyer", "is_seller", "is_operator", "terms_preset")
    search_fields = (
        "legal_name",
        "trade_name",
        "siren",
        "siret",
        "vat_number",
        "customer_number",
        "email",
    )
    readonly_fields = (
        "customer_number",
        "state",
        "validated_at",
        "refused_at",
        "refusal_reason",
        "suspended_at",
        "suspension_reason",
        "terminated_at",
        "termination_reason",
        "siren_duplicate_authorized",
        "name_warnings",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (_("Roles"), {"fields": ("is_buyer", "is_seller", "is_operator", "terms_preset")}),
        (
            _("Identity"),
            {
                "fields": (
                    "legal_name",
                    "trade_name",
                    "customer_number",
                    "siren",
                    "siret",
                    "vat_number",
                    "iban",
                    "bic",
                )
            },
        ),
        (_("Contact"), {"fields": ("contact_name", "phone", "email", "social_handle")}),
        (
            _("Membership (P2, P3)"),
            {
                "fields": (
                    "is_company",
                    "selective_distribution",
                    "financing_enabled",
                    "siren_duplicate_authorized",
                    "name_warnings",
                )
            },
        ),
        (
            _("State (P1, P6)"),
            {
                "fields": (
                    "state",
                    "validated_at",
                    "refused_at",
                    "refusal_reason",
                    "suspended_at",
                    "suspension_reason",
                    "terminated_at",
                    "termination_reason",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = [AddressInline, OrgMembershipInline, DocumentInline]
    actions = ["validate_selected", "reactivate_selected"]
    date_hierarchy = "created_at"

    @admin.display(boolean=True, description=_("Close names"))
    def has_name_warnings(self, obj: Organization) -> bool:
        return bool(obj.name_warnings)

    @admin.action(description=_("Validate the selected memberships (P1, P2)"))
    def validate_selected(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda n: ngettext(
                "%(n)s organization validated.", "%(n)s organizations validated.", n
            ),
            lambda org: services.organization_validate(actor=request.user, organization=org),
        )

    @admin.action(description=_("Reactivate the selected suspended organizations (P6)"))
    def reactivate_selected(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda n: ngettext(
                "%(n)s organization reactivated.", "%(n)s organizations reactivated.", n
            ),
            lambda org: services.organization_reactivate(actor=request.user, organization=org),
        )


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "label", "line1", "postcode", "city", "country")
    list_filter = ("kind", "country")
    search_fields = ("organization__legal_name", "line1", "postcode", "city")
    autocomplete_fields = ("organization",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "user_code", "is_owner", "is_active", "created_at")
    list_filter = ("is_owner", "is_active", "organization__is_buyer", "organization__is_seller")
    search_fields = ("user__email", "user__full_name", "organization__legal_name", "user_code")
    autocomplete_fields = ("user", "organization")
    readonly_fields = ("user_code", "created_at", "deactivated_at", "deactivated_by")
    list_select_related = ("user", "organization")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "created_at", "expires_at", "accepted_at")
    list_filter = ("accepted_at", "revoked_at")
    search_fields = ("email", "organization__legal_name")
    readonly_fields = ("token", "created_at", "accepted_at", "accepted_by")
    list_select_related = ("organization",)


@admin.register(OnboardingDocument)
class OnboardingDocumentAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "issue_date", "status", "uploaded_at", "reviewed_at")
    list_filter = ("kind", "status")
    search_fields = ("organization__legal_name", "organization__siren")
    autocomplete_fields = ("organization",)
    readonly_fields = ("uploaded_at", "uploaded_by", "reviewed_at")
    list_select_related = ("organization",)
    actions = ["accept_selected"]

    @admin.action(description=_("Accept the selected documents (P2)"))
    def accept_selected(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda n: ngettext("%(n)s document accepted.", "%(n)s documents accepted.", n),
            lambda doc: services.document_review(actor=request.user, document=doc, accepted=True),
        )


class AcceptanceInline(admin.TabularInline):
    model = PlatformTermsAcceptance
    extra = 0
    readonly_fields = ("organization", "decision", "decided_at", "decided_by")
    can_delete = False


@admin.register(PlatformTermsVersion)
class PlatformTermsVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "published_at", "effective_at")
    search_fields = ("version", "text")
    readonly_fields = ("effective_at",)
    inlines = [AcceptanceInline]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.platform_terms_publish(
            actor=request.user, version=obj.version, text=obj.text, published_at=obj.published_at
        )
        obj.pk = created.pk
        obj.effective_at = created.effective_at


@admin.register(PlatformTermsAcceptance)
class PlatformTermsAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("organization", "terms_version", "decision", "decided_at")
    list_filter = ("decision", "terms_version")
    search_fields = ("organization__legal_name",)
    list_select_related = ("organization", "terms_version")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are created and revoked by the organization (web page, command line)."""

    list_display = ("name", "prefix", "organization", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "organization__legal_name")
    exclude = ("secret_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
