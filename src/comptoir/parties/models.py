"""Parties: people, organizations, memberships, onboarding and platform terms (RULES P1–P9).

State and constraints only. Changes go through `services`, reads through `queries`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from stdnum import ean

from comptoir.core.clock import now
from comptoir.core.sorting import SortKeyed, SortKeyField


def validate_gln(value: str) -> None:
    """A GLN has 13 digits, the last a GS1 check digit (O14)."""
    if value and (len(value) != 13 or not ean.is_valid(value)):
        raise ValidationError(_("Invalid GLN: 13 digits with a GS1 check digit (O14)."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by e-mail. What they may do comes from their memberships (P4)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=5, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email


# --- organizations ---------------------------------------------------------------------------


class OrganizationState(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending validation")
    ACTIVE = "active", gettext_lazy("Active")
    SUSPENDED = "suspended", gettext_lazy("Suspended")
    TERMINATED = "terminated", gettext_lazy("Terminated")


class TermsPreset(models.TextChoices):
    """The five seller archetypes of RULES.md; the terms app ships one preset per value."""

    MARKETPLACE = "marketplace", gettext_lazy("Marketplace")
    MONTHLY_INTRANET = "monthly-intranet", gettext_lazy("Monthly invoicing intranet")
    ELECTRONICS_WHOLESALE = "electronics-wholesale", gettext_lazy("Electronics wholesale")
    SELECTIVE_BEAUTY = "selective-beauty", gettext_lazy("Selective beauty")
    DIGITAL_GOODS = "digital-goods", gettext_lazy("Digital goods")


class Organization(SortKeyed):
    """A member of the platform: a buyer, a seller, the operator, or several of these (P1)."""

    is_buyer = models.BooleanField(default=False)
    is_seller = models.BooleanField(default=False)
    is_operator = models.BooleanField(default=False)

    legal_name = models.CharField(max_length=200)
    sort_name = SortKeyField(source="legal_name")  # the order of lists (core.sorting)
    trade_name = models.CharField(max_length=200, blank=True)
    siren = models.CharField("SIREN", max_length=9, db_index=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    vat_number = models.CharField("VAT number", max_length=13, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    social_handle = models.CharField(max_length=100, blank=True)
    customer_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    # O14: the GS1 Global Location Number that identifies the company in EDI messages
    gln = models.CharField(
        "GLN", max_length=13, blank=True, default="", validators=[validate_gln], db_index=True
    )

    # onboarding options (P2): what the checklist depends on
    is_company = models.BooleanField(
        default=True, help_text="A company (not a sole trader): beneficial owners are required."
    )
    selective_distribution = models.BooleanField(
        default=False, help_text="Buyer applying for selective brands (needs the signed contract)."
    )
    financing_enabled = models.BooleanField(
        default=False, help_text="Seller opting into financed payments (P2)."
    )
    terms_preset = models.CharField(
        max_length=32, blank=True, choices=TermsPreset.choices, help_text="Sellers only."
    )
    siren_duplicate_authorized = models.BooleanField(
        default=False, help_text="Operator authorized a second buyer account for this SIREN (P3)."
    )
    name_warnings = models.JSONField(
        default=list, blank=True, help_text="Close names found at registration (P3), for review."
    )

    state = models.CharField(
        max_length=16, choices=OrganizationState.choices, default=OrganizationState.PENDING
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OrganizationState.values), name="organization_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_buyer=True) | Q(is_seller=True) | Q(is_operator=True),
                name="organization_has_a_role",
            ),
            models.CheckConstraint(
                condition=Q(terms_preset="") | Q(terms_preset__in=TermsPreset.values),
                name="organization_terms_preset_valid",
            ),
            models.UniqueConstraint(
                fields=["gln"], condition=~Q(gln=""), name="organization_gln_unique"
            ),
            # P3: one buyer account per SIREN, unless the operator authorized the extra one.
            models.UniqueConstraint(
                fields=["siren"],
                condition=Q(is_buyer=True, siren_duplicate_authorized=False),
                name="organization_one_buyer_per_siren",
            ),
        ]
        indexes = [models.Index(fields=["state", "sort_name"], name="org_state_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def roles(self) -> set[str]:
        return {
            role
            for role, on in (
                ("buyer", self.is_buyer),
                ("seller", self.is_seller),
                ("operator", self.is_operator),
            )
            if on
        }

    @property
    def is_active(self) -> bool:
        return self.state == OrganizationState.ACTIVE


class AddressKind(models.TextChoices):
    REGISTERED = "registered", gettext_lazy("Registered office")
    DELIVERY = "delivery", pgettext_lazy("address", "Delivery")
    BILLING = "billing", gettext_lazy("Billing")


class Address(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="addresses"
    )
    kind = models.CharField(max_length=16, choices=AddressKind.choices)
    label = models.CharField(max_length=100, blank=True, help_text="Point of sale, warehouse…")
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=16)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="FR", help_text="ISO 3166-1 alpha-2")

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["organization_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AddressKind.values), name="address_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.postcode} {self.city} ({self.country})"


# --- memberships and permissions (P4) ----------------------------------------------------------


class Permission(models.TextChoices):
    VIEW_PRODUCTS = "view_products", gettext_lazy("View products")
    VIEW_PRICES = "view_prices", gettext_lazy("View prices")
    VIEW_ORDERS = "view_orders", gettext_lazy("View orders")
    VIEW_INVOICES = "view_invoices", gettext_lazy("View credit and invoices")
    USE_CART = "use_cart", gettext_lazy("Use the cart")
    PLACE_ORDERS = "place_orders", gettext_lazy("Place orders")
    AUTO_REPLENISHMENT = "auto_replenishment", gettext_lazy("Auto-replenishment")
    MANAGE_USERS = "manage_users", gettext_lazy("Manage users")
    # Seller side (P4 lists the buyer's rights): change products, prices, stock and vouchers
    MANAGE_CATALOG = "manage_catalog", gettext_lazy("Manage catalog and stock")


class Membership(models.Model):
    """A user acting for an organization. Owners hold every permission (P4)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_owner = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    user_code = models.CharField(max_length=32, unique=True, help_text="Unique user code (P4).")
    permissions = models.JSONField(default=list, blank=True, help_text="Permission values.")
    created_at = models.DateTimeField(default=now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organization_id", "-is_owner", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_per_user_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.organization_id} ({self.user_code})"

    @property
    def effective_permissions(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        if self.is_owner:
            return frozenset(Permission.values)
        return frozenset(p for p in self.permissions if p in Permission.values)


class Invitation(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    permissions = models.JSONField(default=list, blank=True)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization_id}"


# --- onboarding (P2) ---------------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    KBIS = "kbis", gettext_lazy("Kbis extract")
    BANK_DETAILS = "bank_details", gettext_lazy("Bank details")
    SIGNED_TERMS = "signed_terms", gettext_lazy("Signed terms")
    SELECTIVE_CONTRACT = "selective_contract", gettext_lazy("Selective distribution contract")
    REPRESENTATIVE_ID = "representative_id", gettext_lazy("ID of the legal representative")
    BENEFICIAL_OWNERS = "beneficial_owners", gettext_lazy("Beneficial owners (over 25 %)")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("To review")
    ACCEPTED = "accepted", pgettext_lazy("document", "Accepted")
    REJECTED = "rejected", pgettext_lazy("document", "Rejected")


class OnboardingDocument(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    file = models.FileField(upload_to="onboarding/%Y/%m/")
    issue_date = models.DateField(null=True, blank=True)
    uploaded_at = models.DateTimeField(default=now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["organization_id", "kind", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="document_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.organization_id})"


# --- platform terms (P7) -----------------------------------------------------------------------


class PlatformTermsVersion(models.Model):
    version = models.CharField(max_length=20, unique=True)
    text = models.TextField()
    published_at = models.DateTimeField()
    effective_at = models.DateTimeField(help_text="Publication + 15 calendar days (P7).")

    class Meta:
        ordering = ["-published_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_at__gte=models.F("published_at")),
                name="platform_terms_effective_after_published",
            ),
        ]

    def __str__(self) -> str:
        return self.version


class TermsDecision(models.TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("terms", "Accepted")
    REFUSED = "refused", pgettext_lazy("terms", "Refused")


class PlatformTermsAcceptance(models.Model):
    """An organization's answer to one platform terms version (refusal → termination, P7)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="terms_acceptances"
    )
    terms_version = models.ForeignKey(
        PlatformTermsVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    decision = models.CharField(
        max_length=16, choices=TermsDecision.choices, default=TermsDecision.ACCEPTED
    )
    decided_at = models.DateTimeField(default=now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "terms_version"], name="terms_acceptance_once"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=TermsDecision.values), name="terms_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.decision} {self.terms_version_id}"


# --- API keys ------------------------------------------------------------------------------------


class ApiKey(models.Model):
    """A key a program uses to call the API for an organization, with a subset of P4 rights.

    The full key (`cpt_<prefix>_<secret>`) is shown once at creation; only the prefix (to find
    the row and to tell keys apart) and a keyed hash of the secret are stored.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, help_text="HMAC-SHA256 of the secret (hex).")
    scopes = models.JSONField(default=list, blank=True, help_text="Permission values (P4).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "API key"
        ordering = ["organization_id", "-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "revoked_at"], name="apikey_org_idx")]

    def __str__(self) -> str:
        return f"{self.name} (cpt_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
