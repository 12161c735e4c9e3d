"""Catalog: brands, products, tariffs, tiers, promotions, customer conditions, stock (C1–C5)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.clock import now
from comptoir.core.sorting import SortKeyed, SortKeyField
from comptoir.parties.models import Organization

VAT_RATES = (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1"), Decimal("0"))


VAT_RATE_CHOICES = [
    (Decimal("20"), "20 %"),
    (Decimal("10"), "10 %"),
    (Decimal("5.5"), "5,5 %"),
    (Decimal("2.1"), "2,1 %"),
    (Decimal("0"), "0 %"),
]


class Brand(SortKeyed):
    seller = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(max_length=200)
    sort_name = SortKeyField(source="name")  # the order of lists (core.sorting)
    selective = models.BooleanField(
        default=False, help_text="Visible and orderable only by approved buyers (C2)."
    )
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["sort_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "name"], name="brand_name_unique_per_seller")
        ]

    def __str__(self) -> str:
        return self.name


class BrandApproval(models.Model):
    """A buyer approved for a selective brand, per point of sale (C2)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="approvals")
    buyer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="brand_approvals"
    )
    point_of_sale = models.CharField(max_length=200, blank=True)
    approved_at = models.DateTimeField(default=now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["brand_id", "buyer_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "buyer", "point_of_sale"], name="brand_approval_unique"
            )
        ]
        indexes = [models.Index(fields=["buyer", "brand"], name="brand_approval_buyer_idx")]

    def __str__(self) -> str:
        return f"{self.buyer_id} ✓ {self.brand_id} {self.point_of_sale}".strip()


class ProductKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical product")
    DOWNLOAD = "download", pgettext_lazy("product kind", "Download")
    LICENSE_KEY = "license_key", _("License key")
    SOFTWARE_PURCHASE = "software_purchase", _("Software purchase")
    SOFTWARE_RENTAL = "software_rental", _("Software rental")
    SERVICE = "service", _("Service")


class WithdrawalNature(models.TextChoices):
    """O17: what a product is that takes it out of the consumer's withdrawal right (C. conso.
    L221-28), when the seller's terms list the matching exception (ordering.rules maps each
    nature to its exception key). Blank: none, the withdrawal right applies."""

    MARKET_PRICE = "market_price", _("Price depends on financial market fluctuations (2°)")
    CUSTOM = "custom", _("Made to the consumer's specifications or clearly personalised (3°)")
    PERISHABLE = "perishable", _("Liable to deteriorate or expire rapidly (4°)")
    MIXED = "mixed", _("Inseparably mixed with other items once delivered (6°)")
    ALCOHOL_MARKET = (
        "alcohol_market",
        _("Alcoholic beverage delivered after 30 days at a market-dependent value (7°)"),
    )
    NEWSPAPER = "newspaper", _("Newspaper, periodical or magazine, outside subscriptions (10°)")
    DATED_SERVICE = (
        "dated_service",
        _("Accommodation, transport, car rental, catering or leisure at a set date (12°)"),
    )


class Product(SortKeyed):
    seller = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="products")
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    sku = models.CharField("SKU", max_length=64)
    gtin = models.CharField("GTIN/EAN", max_length=14, blank=True)
    title = models.CharField(max_length=255)
    # the order of lists: the title without accents, ligatures or case (core.sorting)
    sort_title = SortKeyField(source="title")
    description = models.TextField(blank=True)
    kind = models.CharField(
        max_length=32, choices=ProductKind.choices, default=ProductKind.PHYSICAL
    )
    withdrawal_nature = models.CharField(
        max_length=32,
        choices=WithdrawalNature.choices,
        blank=True,
        default="",
        help_text="O17: the L221-28 nature excluding a consumer's withdrawal (blank: none).",
    )
    seats = models.PositiveIntegerField(null=True, blank=True, help_text="Software purchase.")
    rental_term_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Software rental."
    )
    vat_rate = models.DecimalField(
        max_digits=4, decimal_places=2, choices=VAT_RATE_CHOICES, default=Decimal("20")
    )
    pack_size = models.PositiveIntegerField(default=1, help_text="Packaging standard: units/case.")
    prices_include_vat = models.BooleanField(default=False)
    members_only_price = models.BooleanField(
        default=False, help_text="Price shown to logged-in professionals only (P5)."
    )
    is_active = models.BooleanField(default=True)
    removed_at = models.DateTimeField(null=True, blank=True, help_text="Removed by the operator.")
    removal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["sort_title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="product_sku_unique_per_seller"),
            models.CheckConstraint(condition=Q(pack_size__gte=1), name="product_pack_size_min_1"),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="product_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(withdrawal_nature__in=["", *WithdrawalNature.values]),
                name="product_withdrawal_nature_valid",
            ),
            models.CheckConstraint(
                condition=Q(vat_rate__in=VAT_RATES), name="product_vat_rate_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ProductKind.SOFTWARE_RENTAL) | Q(rental_term_months__gte=1),
                name="product_rental_has_term",
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=1), name="product_seats_min_1"
            ),
        ]
        indexes = [
            # the product list per seller, in title order (`sort_title`), keyset-paginated on
            # (sort_title, id); brand_id next: the count of a buyer's list (selective brands
            # excluded) stays an index-only scan, and a search by name walks it reading
            # `sort_title` from the index. On PostgreSQL, migration 0009 adds a trigram index
            # on `sort_title` beside it
            models.Index(
                fields=["seller", "is_active", "sort_title", "id", "brand"],
                name="product_seller_list_idx",
            ),
            # the seller's own list and the operator's, active or not, in the same order
            models.Index(fields=["seller", "sort_title", "id"], name="product_seller_all_idx"),
            models.Index(fields=["seller", "gtin"], name="product_seller_gtin_idx"),
            models.Index(fields=["gtin"], name="product_gtin_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.title}"


class Tariff(models.Model):
    """A seller's price list with effective dates: orders use the tariff in force (C3)."""

    seller = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tariffs")
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Inclusive; empty = open-ended.")
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["seller_id", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="tariff_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["seller", "valid_from"], name="tariff_seller_from_idx")]

    def __str__(self) -> str:
        return self.name


class TariffPrice(models.Model):
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tariff_prices")
    unit_price = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["tariff_id", "product_id"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "product"], name="tariff_price_unique"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="tariff_price_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["product", "tariff"], name="tariff_price_product_idx")]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.unit_price}"


class PriceTier(models.Model):
    """Net-price tier of a pricing profile: order total excl. VAT ≥ threshold → discount."""

    seller = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="price_tiers")
    profile = models.CharField(max_length=50, default="standard")
    threshold = models.DecimalField(max_digits=14, decimal_places=2, help_text="Excl. VAT.")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["seller_id", "profile", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "profile", "threshold"], name="price_tier_unique"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="price_tier_percent_range",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="price_tier_threshold_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.profile} ≥ {self.threshold} → {self.discount_percent} %"


class Promotion(models.Model):
    """A time-limited discount on a product or a brand (or all the seller's products) (C4)."""

    seller = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="promotions")
    name = models.CharField(max_length=200)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="promotions"
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="promotions"
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    valid_from = models.DateField()
    valid_to = models.DateField()
    stacks_with_tier = models.BooleanField(
        default=False, help_text="Adds to the tier discount; otherwise the better one applies."
    )

    class Meta:
        ordering = ["seller_id", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="promotion_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="promotion_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=True) | Q(brand__isnull=True),
                name="promotion_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CustomerCondition(models.Model):
    """A buyer-specific agreement: overrides the general tariff for that buyer (C5)."""

    seller = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="conditions_granted"
    )
    buyer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="conditions_received"
    )
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    pricing_profile = models.CharField(max_length=50, default="standard")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["seller_id", "buyer_id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "buyer"], name="customer_condition_unique"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="customer_condition_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="customer_condition_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} @ {self.seller_id}: −{self.discount_percent} %"


class StockLevel(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="stock")
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.on_hand} ({self.reserved} reserved)"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class ReportReason(models.TextChoices):
    """Why a member reports a product (C7)."""

    COUNTERFEIT = "counterfeit", _("Counterfeit or infringing")
    PROHIBITED = "prohibited", _("Prohibited or dangerous product")
    MISLEADING = "misleading", _("Misleading description")
    OFFENSIVE = "offensive", _("Offensive content")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("report", "Open")
    DISMISSED = "dismissed", _("Dismissed")
    ACTIONED = "actioned", _("Product removed")


class ProductReport(models.Model):
    """A member's report of a product to the operator (C7): a reason among a short list and a
    free text. At most one open report per product and reporting organization; the operator
    dismisses it or removes the product (P6), which closes it as actioned."""

    Reason = ReportReason
    Status = ReportStatus

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reports")
    reporter_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="product_reports"
    )
    reporter_user = models.ForeignKey(
        "parties.User", on_delete=models.PROTECT, related_name="product_reports"
    )
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    text = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=now)
    decided_by = models.ForeignKey(
        "parties.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "reporter_organization"],
                condition=Q(status="open"),
                name="product_report_one_open_per_reporter",
                violation_error_code="already_reported",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="product_report_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="product_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="product_report_decided_when_closed",
            ),
        ]
        indexes = [
            # the moderation queue: open reports grouped by product
            models.Index(fields=["status", "product"], name="product_report_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"report {self.product_id} by {self.reporter_organization_id}: {self.reason}"
