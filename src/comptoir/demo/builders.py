"""The demo data: an operator, five sellers (one per preset), three buyers and their people.

Idempotent: organizations are keyed by SIREN, users by e-mail, products by (seller, SKU), and
every other row by its natural key; a second run creates nothing. Organizations go through
`organization_register` (identifiers validated) and are then marked validated directly, as an
operator would after checking paper documents the demo does not have.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptoir.catalog import services as catalog_services
from comptoir.catalog.models import (
    Brand,
    BrandApproval,
    CustomerCondition,
    PriceTier,
    Product,
    Promotion,
    StockLevel,
    Tariff,
    TariffPrice,
)
from comptoir.core import clock
from comptoir.demo import identifiers
from comptoir.demo.catalogs import CATALOGS
from comptoir.demo.history import History
from comptoir.demo.payments import payments_setup
from comptoir.ordering.models import Voucher
from comptoir.parties import services as party_services
from comptoir.parties.models import (
    Membership,
    Organization,
    OrganizationState,
    Permission,
    TermsPreset,
    User,
)
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish

DEMO_PASSWORD = "comptoir-demo"
ADMIN_EMAIL = "admin@comptoir.example"
TARIFF_FROM = date(2026, 1, 1)
# The sellers published their terms (their preset, unchanged) early in January 2026, so that every
# notice period (8 weeks for selective-beauty) has run by March and the terms are in force (N3).
# Not earlier: with the legal rate of 2025 H2 (2.76 %), the marketplace's 8 % late-payment rate is
# below the legal floor of 3 × the legal rate, and the linter rightly refuses to publish it.
TERMS_PUBLISHED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)
TARIFF_NAME = "Tarif général 2026"

EMPLOYEE_RIGHTS = [
    Permission.VIEW_PRODUCTS,
    Permission.VIEW_PRICES,
    Permission.VIEW_ORDERS,
    Permission.USE_CART,
    Permission.PLACE_ORDERS,
]
#: The storekeeper prepares carts but sees no price (P4).
NO_PRICES_RIGHTS = [Permission.VIEW_PRODUCTS, Permission.VIEW_ORDERS, Permission.USE_CART]


@dataclass(frozen=True)
class OrgSpec:
    key: str
    legal_name: str
    trade_name: str
    siren_base: str
    bank: tuple[str, str, str]
    bic: str
    address: tuple[str, str, str]
    contact: str
    phone: str
    email: str
    roles: tuple[str, ...]
    preset: str = ""
    brands: tuple[tuple[str, bool], ...] = ()
    ean_prefix: str = ""
    selective_distribution: bool = False
    financing_enabled: bool = False
    is_company: bool = True

    @property
    def siren(self) -> str:
        return identifiers.siren(self.siren_base)


OPERATOR = OrgSpec(
    key="operator",
    legal_name="Comptoir Opérations SAS",
    trade_name="Comptoir Opérations",
    siren_base="91042387",
    bank=("30004", "00819", "00010000001"),
    bic="BNPAFRPP",
    address=("8 rue de la Chaussée-d'Antin", "75009", "Paris"),
    contact="Claire Morel",
    phone="01 40 00 00 01",
    email="contact@comptoir.example",
    roles=("operator",),
)

SELLERS = (
    OrgSpec(
        key="brasseurs",
        legal_name="Les Brasseurs du Vexin SARL",
        trade_name="Les Brasseurs du Vexin",
        siren_base="83215746",
        bank=("10278", "06039", "00020531201"),
        bic="CMCIFR2A",
        address=("3 chemin des Houblons", "95420", "Magny-en-Vexin"),
        contact="Julien Lefèvre",
        phone="01 34 00 12 12",
        email="contact@brasseurs-vexin.example",
        roles=("seller",),
        preset=TermsPreset.MONTHLY_INTRANET,
        brands=(("Brasseurs du Vexin", False),),
        ean_prefix="3760501",
    ),
    OrgSpec(
        key="volta",
        legal_name="Volta Distribution SAS",
        trade_name="Volta Distribution",
        siren_base="79403318",
        bank=("30003", "01234", "00050112233"),
        bic="SOGEFRPP",
        address=("ZAC des Portes de Lyon, 14 allée Ampère", "69140", "Rillieux-la-Pape"),
        contact="Nadia Benali",
        phone="04 72 00 45 45",
        email="contact@volta-distribution.example",
        roles=("seller",),
        preset=TermsPreset.ELECTRONICS_WHOLESALE,
        brands=(("Voltaïk", False), ("Kelvin Audio", False), ("Ampère Pro", False)),
        ean_prefix="3760502",
    ),
    OrgSpec(
        key="lumiere",
        legal_name="Maison Lumière Cosmétiques SA",
        trade_name="Maison Lumière Cosmétiques",
        siren_base="51260934",
        bank=("30002", "00550", "00000157841"),
        bic="CRLYFRPP",
        address=("27 avenue Montaigne", "75008", "Paris"),
        contact="Hélène Garnier",
        phone="01 53 00 77 77",
        email="pro@maison-lumiere.example",
        roles=("seller",),
        preset=TermsPreset.SELECTIVE_BEAUTY,
        brands=(("Lumière Prestige", True), ("Lumière Essentiel", False)),
        ean_prefix="3760503",
    ),
    OrgSpec(
        key="logitheque",
        legal_name="Logithèque Numérique SAS",
        trade_name="Logithèque Numérique",
        siren_base="88120457",
        bank=("20041", "01005", "05009999022"),
        bic="PSSTFRPP",
        address=("5 rue de la Découverte", "31670", "Labège"),
        contact="Thomas Roux",
        phone="05 61 00 20 20",
        email="ventes@logitheque.example",
        roles=("seller",),
        preset=TermsPreset.DIGITAL_GOODS,
        brands=(("Logithèque Éditions", False),),
        ean_prefix="3760504",
    ),
    OrgSpec(
        key="carmin",
        legal_name="Atelier Carmin SARL",
        trade_name="Atelier Carmin",
        siren_base="84459021",
        bank=("30004", "02837", "00011223344"),
        bic="BNPAFRPP",
        address=("41 rue de Paris", "93100", "Montreuil"),
        contact="Inès Carmin",
        phone="01 48 00 33 33",
        email="bonjour@atelier-carmin.example",
        roles=("seller",),
        preset=TermsPreset.MARKETPLACE,
        brands=(("Atelier Carmin", False),),
        ean_prefix="3760505",
        financing_enabled=True,
    ),
)

BUYERS = (
    OrgSpec(
        key="buyer1",
        legal_name="Épicerie du Marais SARL",
        trade_name="Épicerie du Marais",
        siren_base="75218843",
        bank=("30004", "00820", "00012345678"),
        bic="BNPAFRPP",
        address=("18 rue des Rosiers", "75004", "Paris"),
        contact="Sophie Martin",
        phone="01 42 00 18 18",
        email="buyer1@comptoir.example",
        roles=("buyer",),
    ),
    OrgSpec(
        key="buyer2",
        legal_name="Salon Belle Époque SAS",
        trade_name="Salon Belle Époque",
        siren_base="80377512",
        bank=("30003", "03120", "00020456789"),
        bic="SOGEFRPP",
        address=("9 place Bellecour", "69002", "Lyon"),
        contact="Camille Dubois",
        phone="04 78 00 09 09",
        email="buyer2@comptoir.example",
        roles=("buyer",),
        selective_distribution=True,
    ),
    OrgSpec(
        key="buyer3",
        legal_name="Bureau Central SARL",
        trade_name="Bureau Central",
        siren_base="49821376",
        bank=("10278", "36001", "00030987654"),
        bic="CMCIFR2A",
        address=("2 quai de la Fosse", "44000", "Nantes"),
        contact="Marc Lemoine",
        phone="02 40 00 02 02",
        email="buyer3@comptoir.example",
        roles=("buyer",),
    ),
)

# O17: a natural person (a sole trader) who buys for the trade and, at times, as a consumer
PERSON = OrgSpec(
    key="buyer4",
    legal_name="Julien Roux",
    trade_name="Julien Roux, ébéniste",
    siren_base="81945672",
    bank=("20041", "01005", "00500123456"),
    bic="PSSTFRPP",
    address=("4 rue des Tanneurs", "13002", "Marseille"),
    contact="Julien Roux",
    phone="04 91 00 04 04",
    email="buyer4@comptoir.example",
    roles=("buyer",),
    is_company=False,
)

PEOPLE = {
    "buyer1": ("Sophie Martin", "Lucas Bernard", "Emma Petit"),
    "buyer2": ("Camille Dubois", "Léa Moreau", "Hugo Laurent"),
    "buyer3": ("Marc Lemoine", "Chloé Girard", "Nathan Fournier"),
}


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] += n

    @property
    def total(self) -> int:
        return sum(self.created.values())


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role, e-mail, password, organization) of every demo login (README, `make run`)."""
    rows = [("operator (superuser)", ADMIN_EMAIL, DEMO_PASSWORD, OPERATOR.trade_name)]
    for spec in SELLERS:
        rows.append(
            (f"seller · {spec.preset}", _seller_email(spec), DEMO_PASSWORD, spec.trade_name)
        )
    for spec in BUYERS:
        rows.append(("buyer owner", f"{spec.key}@comptoir.example", DEMO_PASSWORD, spec.trade_name))
        rows.append(
            ("buyer employee", f"{spec.key}.staff@comptoir.example", DEMO_PASSWORD, spec.trade_name)
        )
        rows.append(
            (
                "buyer employee, no prices",
                f"{spec.key}.stock@comptoir.example",
                DEMO_PASSWORD,
                spec.trade_name,
            )
        )
    rows.append(
        (
            "buyer, a natural person (orders as a consumer too)",
            PERSON.email,
            DEMO_PASSWORD,
            PERSON.trade_name,
        )
    )
    return rows


def _seller_email(spec: OrgSpec) -> str:
    return "sales@" + spec.email.split("@", 1)[1]


class _Builder:
    def __init__(self) -> None:
        self.report = DemoReport()
        self._password_hash: str | None = None
        self.admin: User

    # people ------------------------------------------------------------------------------------
    def user(self, email: str, full_name: str, **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        user = User(email=email, full_name=full_name, **extra)
        user.password = self._password_hash
        user.save()
        self.report.add("users")
        return user

    def membership(
        self, org: Organization, user: User, *, owner: bool = False, rights=()
    ) -> Membership:
        existing = Membership.objects.filter(organization=org, user=user).first()
        if existing is not None:
            return existing
        self.report.add("memberships")
        return party_services.membership_add(
            actor=self.admin, organization=org, user=user, permissions=rights, is_owner=owner
        )

    # organizations -----------------------------------------------------------------------------
    def organization(self, spec: OrgSpec) -> Organization:
        siren = spec.siren
        org = Organization.objects.filter(siren=siren, legal_name=spec.legal_name).first()
        if org is None:
            line1, postcode, city = spec.address
            org = party_services.organization_register(
                actor=self.admin,
                legal_name=spec.legal_name,
                trade_name=spec.trade_name,
                siren=siren,
                siret=identifiers.siret(siren),
                vat_number=identifiers.vat_fr(siren),
                iban=identifiers.iban_fr(*spec.bank),
                bic=spec.bic,
                contact_name=spec.contact,
                phone=spec.phone,
                email=spec.email,
                is_buyer="buyer" in spec.roles,
                is_seller="seller" in spec.roles,
                is_operator="operator" in spec.roles,
                terms_preset=spec.preset,
                selective_distribution=spec.selective_distribution,
                financing_enabled=spec.financing_enabled,
                is_company=spec.is_company,
                registered_address=party_services.AddressInput(
                    line1=line1, postcode=postcode, city=city
                ),
            )
            self.report.add("organizations")
        if org.state == OrganizationState.PENDING:
            now = clock.now()
            Organization.objects.filter(pk=org.pk).update(
                state=OrganizationState.ACTIVE, validated_at=now, updated_at=now
            )
            org.refresh_from_db()
        if not org.gln:  # O14: its EDI identity, a fictional GLN with a valid GS1 check digit
            Organization.objects.filter(pk=org.pk).update(
                gln=identifiers.ean13("3010" + spec.siren_base)
            )
            org.refresh_from_db()
        return org

    # catalog -----------------------------------------------------------------------------------
    def catalog(self, spec: OrgSpec, seller: Organization) -> dict[str, Product]:
        brands = {}
        for name, selective in spec.brands:
            brand = Brand.objects.filter(seller=seller, name=name).first()
            if brand is None:
                brand = catalog_services.brand_create(
                    actor=self.admin, seller=seller, name=name, selective=selective
                )
                self.report.add("brands")
            brands[name] = brand
        default_brand = spec.brands[0][0] if len(spec.brands) == 1 else None
        specs = CATALOGS[spec.key]()
        existing = {p.sku: p for p in Product.objects.filter(seller=seller)}
        now = clock.now()
        new_products = []
        for n, item in enumerate(specs, start=1):
            if item.sku in existing:
                continue
            brand_name = item.brand or default_brand
            gtin = identifiers.ean13(f"{spec.ean_prefix}{n:05d}") if item.has_gtin else ""
            new_products.append(
                Product(
                    seller=seller,
                    brand=brands.get(brand_name) if brand_name else None,
                    sku=item.sku,
                    gtin=gtin,
                    title=item.title,
                    description=item.description,
                    kind=item.kind,
                    seats=item.seats,
                    rental_term_months=item.rental_term_months,
                    vat_rate=item.vat_rate,
                    pack_size=item.pack_size,
                    prices_include_vat=item.prices_include_vat,
                    members_only_price=item.members_only_price,
                    created_at=now,
                )
            )
        if new_products:
            for product in new_products:
                product.full_clean(validate_unique=False, validate_constraints=False)
            Product.objects.bulk_create(new_products)
            self.report.add("products", len(new_products))
        products = {p.sku: p for p in Product.objects.filter(seller=seller)}
        by_sku = {item.sku: item for item in specs}

        tariff = Tariff.objects.filter(seller=seller, name=TARIFF_NAME).first()
        if tariff is None:
            tariff = Tariff.objects.create(seller=seller, name=TARIFF_NAME, valid_from=TARIFF_FROM)
            self.report.add("tariffs")
        priced = set(TariffPrice.objects.filter(tariff=tariff).values_list("product_id", flat=True))
        prices = [
            TariffPrice(tariff=tariff, product=p, unit_price=by_sku[sku].price)
            for sku, p in products.items()
            if sku in by_sku and p.pk not in priced
        ]
        TariffPrice.objects.bulk_create(prices)
        self.report.add("tariff prices", len(prices))

        stocked = set(
            StockLevel.objects.filter(product__seller=seller).values_list("product_id", flat=True)
        )
        stock = [
            StockLevel(product=p, on_hand=by_sku[sku].stock if sku in by_sku else 0)
            for sku, p in products.items()
            if p.pk not in stocked
        ]
        StockLevel.objects.bulk_create(stock)
        self.report.add("stock levels", len(stock))
        return products

    def beauty_pricing(self, seller: Organization, products: dict[str, Product]) -> None:
        for threshold, percent in ((Decimal("300"), Decimal("3")), (Decimal("800"), Decimal("6"))):
            for profile, bonus in (("standard", Decimal("0")), ("salon", Decimal("2"))):
                _, created = PriceTier.objects.get_or_create(
                    seller=seller,
                    profile=profile,
                    threshold=threshold,
                    defaults={"discount_percent": percent + bonus},
                )
                self.report.add("price tiers", int(created))
        essentiel = Brand.objects.get(seller=seller, name="Lumière Essentiel")
        promotions = (
            {
                "name": "Fêtes de fin d'année — gamme Essentiel",
                "brand": essentiel,
                "product": None,
                "percent": Decimal("15"),
                "valid_from": date(2026, 11, 15),
                "valid_to": date(2026, 12, 31),
                "stacks_with_tier": False,
            },
            {
                "name": "Lancement sérum hydratant",
                "brand": None,
                "product": products["ML-P-SER-HYA"],
                "percent": Decimal("10"),
                "valid_from": date(2026, 11, 1),
                "valid_to": date(2027, 1, 31),
                "stacks_with_tier": True,
            },
        )
        for promo in promotions:
            if not Promotion.objects.filter(seller=seller, name=promo["name"]).exists():
                Promotion.objects.create(seller=seller, **promo)
                self.report.add("promotions")

    def vouchers(self, seller: Organization) -> None:
        """O15: two vouchers to try at the digital-goods checkout, valid from a week before the
        demo is built to four months after it; the second excludes the rentals."""
        today = clock.today()
        rentals = ["LN-CPT-LOC-12", "LN-CPT-LOC-36", "LN-CRM-LOC-12", "LN-PAIE-LOC-12"]
        for code, amount, excluded in (
            ("BIENVENUE50", "50.00", []),
            ("LOGICIEL100", "100.00", rentals),
        ):
            _, created = Voucher.objects.get_or_create(
                seller=seller,
                code=code,
                defaults={
                    "amount": Decimal(amount),
                    "valid_from": today - timedelta(days=7),
                    "valid_to": today + timedelta(days=120),
                    "excluded_skus": excluded,
                },
            )
            self.report.add("vouchers", int(created))

    def terms(self, spec: OrgSpec, seller: Organization) -> None:
        if TermsVersion.objects.filter(seller=seller, status=TermsStatus.PUBLISHED).exists():
            return
        with clock.frozen(TERMS_PUBLISHED_AT):
            draft = terms_version_create_from_preset(
                seller=seller, preset=spec.preset, actor=self.admin
            )
            terms_version_publish(version=draft, actor=self.admin)
        self.report.add("terms versions")

    def build(self) -> DemoReport:
        self.admin = self.user(
            ADMIN_EMAIL, "Administratrice Comptoir", is_staff=True, is_superuser=True
        )
        operator = self.organization(OPERATOR)
        self.membership(operator, self.admin, owner=True)

        sellers: dict[str, Organization] = {}
        catalogs: dict[str, dict[str, Product]] = {}
        for spec in SELLERS:
            seller = self.organization(spec)
            sellers[spec.key] = seller
            self.membership(seller, self.user(_seller_email(spec), spec.contact), owner=True)
            catalogs[spec.key] = self.catalog(spec, seller)
            self.terms(spec, seller)
        self.beauty_pricing(sellers["lumiere"], catalogs["lumiere"])
        self.vouchers(sellers["logitheque"])

        buyers: dict[str, Organization] = {}
        for spec in BUYERS:
            buyer = self.organization(spec)
            buyers[spec.key] = buyer
            owner_name, staff_name, stock_name = PEOPLE[spec.key]
            self.membership(
                buyer, self.user(f"{spec.key}@comptoir.example", owner_name), owner=True
            )
            self.membership(
                buyer,
                self.user(f"{spec.key}.staff@comptoir.example", staff_name),
                rights=EMPLOYEE_RIGHTS,
            )
            self.membership(
                buyer,
                self.user(f"{spec.key}.stock@comptoir.example", stock_name),
                rights=NO_PRICES_RIGHTS,
            )

        # C2: the salon is approved for the selective brand; the others are not.
        prestige = Brand.objects.get(seller=sellers["lumiere"], name="Lumière Prestige")
        _, created = BrandApproval.objects.get_or_create(
            brand=prestige, buyer=buyers["buyer2"], point_of_sale="Salon Belle Époque — Lyon 2e"
        )
        self.report.add("brand approvals", int(created))

        # C5: agreed conditions.
        for seller_key, buyer_key, percent, profile, note in (
            ("lumiere", "buyer2", Decimal("0"), "salon", "Profil salon agréé"),
            ("volta", "buyer3", Decimal("8"), "standard", "Accord-cadre 2026 : −8 % sur tarif"),
            ("brasseurs", "buyer1", Decimal("5"), "standard", "Partenaire historique"),
        ):
            _, created = CustomerCondition.objects.get_or_create(
                seller=sellers[seller_key],
                buyer=buyers[buyer_key],
                defaults={
                    "discount_percent": percent,
                    "pricing_profile": profile,
                    "valid_from": TARIFF_FROM,
                    "note": note,
                },
            )
            self.report.add("customer conditions", int(created))

        person = self.organization(PERSON)  # no history: an account to try consumer orders
        self.membership(person, self.user(PERSON.email, PERSON.contact), owner=True)

        users = {spec.key: self.user(_seller_email(spec), spec.contact) for spec in SELLERS}
        for spec in BUYERS:
            users[spec.key] = self.user(f"{spec.key}@comptoir.example", PEOPLE[spec.key][0])
        self.report.add("payment set-up", payments_setup(sellers, buyers))
        self.report.add("orders", History(sellers, buyers, users).build())
        return self.report


def build_demo() -> DemoReport:
    """Load the demo data (idempotent), in one transaction."""
    with transaction.atomic():
        return _Builder().build()
