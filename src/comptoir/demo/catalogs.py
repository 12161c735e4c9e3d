"""The demo catalogs: one realistic French catalog per seller archetype (fictional names)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

D = Decimal


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    title: str
    price: Decimal  # unit price in the 2026 tariff (excl. VAT unless prices_include_vat)
    pack_size: int = 1
    vat_rate: Decimal = D("20")
    brand: str | None = None
    kind: str = "physical"
    seats: int | None = None
    rental_term_months: int | None = None
    prices_include_vat: bool = False
    members_only_price: bool = False
    stock: int = 0
    description: str = ""
    has_gtin: bool = True


def _brasseurs() -> list[ProductSpec]:
    beers = [
        ("BLO", "Blonde du Vexin", D("1.45")),
        ("AMB", "Ambrée des Coteaux", D("1.55")),
        ("BRU", "Brune de l'Epte", D("1.60")),
        ("BLA", "Blanche au sarrasin", D("1.50")),
        ("IPA", "IPA du Parc naturel", D("1.85")),
        ("TRI", "Triple de l'abbaye du Bec", D("1.95")),
        ("SAI", "Saison de printemps", D("1.70")),
        ("NOE", "Bière de Noël aux épices", D("1.90")),
    ]
    products: list[ProductSpec] = []
    for code, name, price in beers:
        products.append(
            ProductSpec(
                f"BV-{code}-33",
                f"{name} — bouteille 33 cl (caisse de 12)",
                price,
                pack_size=12,
                stock=480,
                description="Bière artisanale brassée dans le Vexin, non filtrée, 33 cl.",
            )
        )
        products.append(
            ProductSpec(
                f"BV-{code}-75",
                f"{name} — bouteille 75 cl (carton de 6)",
                (price * D("2.1")).quantize(D("0.01")),
                pack_size=6,
                stock=180,
            )
        )
    products += [
        ProductSpec("BV-FUT-BLO", "Fût Blonde du Vexin 20 L", D("78.00"), stock=25),
        ProductSpec("BV-FUT-IPA", "Fût IPA du Parc naturel 20 L", D("92.00"), stock=15),
        ProductSpec("BV-JUS-POM", "Jus de pomme du Vexin 1 L", D("2.10"), 6, D("5.5"), stock=240),
        ProductSpec("BV-JUS-POI", "Jus de poire du Vexin 1 L", D("2.30"), 6, D("5.5"), stock=120),
        ProductSpec(
            "BV-CONF-FRA",
            "Confiture fraise — bocal consigné 370 g",
            D("3.40"),
            12,
            D("5.5"),
            stock=144,
            description="Bocal en verre consigné, repris à la livraison suivante.",
        ),
        ProductSpec(
            "BV-CONF-ABR", "Confiture abricot — bocal consigné 370 g", D("3.40"), 12, D("5.5")
        ),
        ProductSpec(
            "BV-MIEL-FLE", "Miel de fleurs du Vexin — bocal consigné 500 g", D("7.90"), 12, D("5.5")
        ),
        ProductSpec(
            "BV-CAISSE-12",
            "Caisse bois consignée 12 bouteilles",
            D("6.00"),
            has_gtin=False,
            stock=300,
        ),
        ProductSpec("BV-VERRE-25", "Verre à bière gravé 25 cl", D("2.20"), 6, stock=90),
        ProductSpec("BV-COFFRET", "Coffret découverte 6 bières", D("12.50"), 4, stock=60),
    ]
    return products


def _volta() -> list[ProductSpec]:
    rows = [
        ("CAB-USBC-1", "Câble USB-C vers USB-C 1 m 60 W", "3.20", 10, "Voltaïk"),
        ("CAB-USBC-2", "Câble USB-C vers USB-C 2 m 100 W", "4.90", 10, "Voltaïk"),
        ("CAB-LGT-1", "Câble USB-C vers Lightning 1 m", "5.40", 10, "Voltaïk"),
        ("CAB-HDMI-2", "Câble HDMI 2.1 8K 2 m", "6.80", 10, "Voltaïk"),
        ("CHG-20W", "Chargeur secteur USB-C 20 W", "7.50", 24, "Voltaïk"),
        ("CHG-65W", "Chargeur GaN 65 W trois ports", "21.90", 12, "Voltaïk"),
        ("BAT-10K", "Batterie externe 10 000 mAh", "13.40", 12, "Voltaïk"),
        ("BAT-20K", "Batterie externe 20 000 mAh PD", "22.80", 12, "Voltaïk"),
        ("MUL-6", "Multiprise parafoudre 6 prises", "14.20", 6, "Ampère Pro"),
        ("RAL-10", "Rallonge électrique 10 m", "11.60", 6, "Ampère Pro"),
        ("AMP-LED-9", "Ampoule LED E27 9 W (blanc chaud)", "1.90", 24, "Ampère Pro"),
        ("AMP-LED-5", "Ampoule LED GU10 5 W", "1.70", 24, "Ampère Pro"),
        ("CSQ-BT", "Casque Bluetooth à réduction de bruit", "48.00", 1, "Kelvin Audio"),
        ("ECO-TWS", "Écouteurs sans fil intra-auriculaires", "24.50", 1, "Kelvin Audio"),
        ("ENC-BT-20", "Enceinte Bluetooth étanche 20 W", "32.00", 1, "Kelvin Audio"),
        ("BAR-SON", "Barre de son 2.1 avec caisson", "119.00", 1, "Kelvin Audio"),
        ("SSD-1T", "SSD externe 1 To USB 3.2", "64.00", 1, None),
        ("SSD-2T", "SSD externe 2 To USB 3.2", "112.00", 1, None),
        ("USB-64", "Clé USB 3.0 64 Go", "5.10", 10, None),
        ("USB-128", "Clé USB 3.0 128 Go", "8.90", 10, None),
        ("SD-128", "Carte microSD 128 Go avec adaptateur", "9.80", 10, None),
        ("SOU-SF", "Souris sans fil silencieuse", "8.40", 12, None),
        ("CLA-AZ", "Clavier sans fil AZERTY", "17.90", 6, None),
        ("ECR-24", "Écran 24 pouces Full HD IPS", "109.00", 1, None),
        ("ECR-27", "Écran 27 pouces QHD 75 Hz", "179.00", 1, None),
        ("WEB-HD", "Webcam Full HD avec micro", "23.50", 6, None),
        ("HUB-7", "Hub USB-C 7 en 1", "19.90", 6, None),
        ("ROU-WIFI6", "Routeur Wi-Fi 6 double bande", "54.00", 1, None),
        ("SUP-TEL", "Support téléphone voiture magnétique", "4.60", 12, None),
        ("PIL-AA", "Piles alcalines AA (blister de 8)", "3.30", 24, "Ampère Pro"),
    ]
    return [
        ProductSpec(
            f"VD-{sku}",
            title,
            D(price),
            pack,
            brand=brand,
            stock=(pack * 40 if pack > 1 else 35),
            description="Garantie constructeur 2 ans. Fiche technique sur demande.",
        )
        for sku, title, price, pack, brand in rows
    ]


def _lumiere() -> list[ProductSpec]:
    prestige = [
        ("SER-ECL", "Sérum éclat à la vitamine C 30 ml", "24.00"),
        ("SER-HYA", "Sérum hydratant à l'acide hyaluronique 30 ml", "26.50"),
        ("CRE-NUI", "Crème de nuit régénérante 50 ml", "29.00"),
        ("CRE-JOU", "Crème de jour protectrice SPF 30 50 ml", "27.50"),
        ("CON-YEU", "Contour des yeux lissant 15 ml", "21.00"),
        ("HUI-SEC", "Huile sèche sublimatrice 100 ml", "19.50"),
        ("MAS-OR", "Masque à l'or 24 carats 75 ml", "32.00"),
        ("PAR-EAU", "Eau de parfum Lumière 50 ml", "38.00"),
        ("PAR-EAU-100", "Eau de parfum Lumière 100 ml", "56.00"),
        ("COF-PRE", "Coffret prestige soin visage", "64.00"),
        ("SHA-PRO-1L", "Shampooing professionnel kératine 1 L (bac)", "18.00"),
        ("SOI-PRO-1L", "Soin profond cheveux colorés 1 L (bac)", "21.50"),
    ]
    essentiel = [
        ("CRE-MAI", "Crème mains karité 75 ml", "3.90"),
        ("BAU-LEV", "Baume à lèvres nourrissant", "2.40"),
        ("GEL-DOU", "Gel douche fleur d'oranger 250 ml", "3.20"),
        ("LAI-COR", "Lait corps amande douce 400 ml", "5.60"),
        ("SHA-DOU", "Shampooing doux usage fréquent 250 ml", "3.80"),
        ("APR-SHA", "Après-shampooing démêlant 200 ml", "4.10"),
        ("EAU-MIC", "Eau micellaire 400 ml", "4.70"),
        ("GOM-VIS", "Gommage visage aux noyaux d'abricot 75 ml", "5.20"),
        ("DEO-MIN", "Déodorant minéral 50 ml", "3.60"),
        ("SAV-MAR", "Savon de Marseille 100 g", "1.80"),
        ("VER-ONG-R", "Vernis à ongles rouge carmin", "3.10"),
        ("VER-ONG-N", "Vernis à ongles nude", "3.10"),
        ("DIS-DEM", "Disques démaquillants lavables (lot de 10)", "4.90"),
        ("BRO-CHE", "Brosse à cheveux démêlante", "6.40"),
        ("PIN-CHE", "Pinces à cheveux professionnelles (lot de 12)", "2.90"),
        ("SER-VIS", "Serviettes salon 50 × 90 cm (lot de 12)", "16.80"),
    ]
    products = [
        ProductSpec(
            f"ML-P-{sku}",
            title,
            D(price),
            1 if "1 L" in title else 6,
            brand="Lumière Prestige",
            stock=60,
            members_only_price=True,
            description="Distribution sélective : réservé aux points de vente agréés.",
        )
        for sku, title, price in prestige
    ]
    products += [
        ProductSpec(
            f"ML-E-{sku}",
            title,
            D(price),
            12 if D(price) < 5 else 6,
            brand="Lumière Essentiel",
            stock=240,
        )
        for sku, title, price in essentiel
    ]
    return products


def _logitheque() -> list[ProductSpec]:
    products = [
        ProductSpec(
            "LN-CPT-PRO-1",
            "Compta Facile Pro — licence perpétuelle 1 poste",
            D("189.00"),
            kind="software_purchase",
            seats=1,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-CPT-PRO-5",
            "Compta Facile Pro — licence perpétuelle 5 postes",
            D("790.00"),
            kind="software_purchase",
            seats=5,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-CPT-LOC-12",
            "Compta Facile Cloud — location 12 mois",
            D("24.00"),
            kind="software_rental",
            rental_term_months=12,
            has_gtin=False,
            description="Prix mensuel, engagement 12 mois, facturé mensuellement.",
        ),
        ProductSpec(
            "LN-CPT-LOC-36",
            "Compta Facile Cloud — location 36 mois",
            D("19.00"),
            kind="software_rental",
            rental_term_months=36,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-CRM-LOC-12",
            "Relation Client Plus — location 12 mois par utilisateur",
            D("15.00"),
            kind="software_rental",
            rental_term_months=12,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-PAIE-1",
            "Paie Sereine — licence perpétuelle 1 poste",
            D("249.00"),
            kind="software_purchase",
            seats=1,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-PAIE-LOC-12",
            "Paie Sereine Cloud — location 12 mois",
            D("29.00"),
            kind="software_rental",
            rental_term_months=12,
            has_gtin=False,
        ),
        ProductSpec(
            "LN-SUITE-3",
            "Suite Bureautique Libre Pro — 3 postes",
            D("129.00"),
            kind="software_purchase",
            seats=3,
            has_gtin=False,
        ),
    ]
    keys = [
        ("AV-1", "Antivirus Bouclier — clé 1 an 1 appareil", "19.90"),
        ("AV-5", "Antivirus Bouclier — clé 1 an 5 appareils", "49.90"),
        ("AV-SRV", "Antivirus Bouclier Serveur — clé 1 an", "119.00"),
        ("VPN-1", "VPN Tunnel Sûr — clé 1 an", "29.90"),
        ("PDF-PRO", "Éditeur PDF Pro — clé perpétuelle", "69.00"),
        ("RETOU-PHO", "Retouche Photo Studio — clé perpétuelle", "79.00"),
        ("MONT-VID", "Montage Vidéo Express — clé perpétuelle", "59.00"),
        ("SAUV-1T", "Sauvegarde en ligne 1 To — clé 1 an", "39.00"),
    ]
    products += [
        ProductSpec(
            f"LN-KEY-{sku}",
            title,
            D(price),
            kind="license_key",
            prices_include_vat=True,
            has_gtin=False,
            description="Clé envoyée par e-mail après paiement.",
        )
        for sku, title, price in keys
    ]
    downloads = [
        ("POL-PACK", "Pack de polices professionnelles (téléchargement)", "35.00"),
        ("MOD-FACT", "Modèles de factures et devis (téléchargement)", "12.00"),
        ("GUIDE-RGPD", "Guide pratique RGPD pour TPE (PDF)", "9.00"),
        ("ICON-PACK", "Banque d'icônes 5 000 éléments (téléchargement)", "25.00"),
    ]
    products += [
        ProductSpec(
            f"LN-DL-{sku}",
            title,
            D(price),
            kind="download",
            prices_include_vat=True,
            has_gtin=False,
        )
        for sku, title, price in downloads
    ]
    products += [
        ProductSpec(
            "LN-FORM-CPT",
            "Formation à distance Compta Facile (demi-journée)",
            D("290.00"),
            kind="service",
            has_gtin=False,
        ),
        ProductSpec(
            "LN-INST-SRV",
            "Installation et paramétrage sur site (journée)",
            D("650.00"),
            kind="service",
            has_gtin=False,
        ),
        ProductSpec(
            "LN-BOX-CPT",
            "Compta Facile Pro — coffret physique 1 poste",
            D("199.00"),
            stock=40,
        ),
        ProductSpec("LN-USB-INST", "Clé USB d'installation multi-logiciels", D("14.00"), stock=80),
    ]
    return products


def _carmin() -> list[ProductSpec]:
    rows = [
        ("CAR-A5-LIG", "Carnet A5 ligné couverture lin carmin", "6.80", 6),
        ("CAR-A5-POI", "Carnet A5 pointillé couverture lin", "6.80", 6),
        ("CAR-A6-POC", "Carnet de poche A6 (lot de 3)", "7.50", 6),
        ("AGE-2027", "Agenda semainier 2027 relié main", "14.50", 6),
        ("CAR-VOE", "Cartes de vœux sérigraphiées (lot de 10)", "9.20", 12),
        ("CAR-POS", "Cartes postales illustrées Paris (lot de 8)", "5.60", 12),
        ("ENV-KRA", "Enveloppes kraft C6 (lot de 25)", "3.90", 12),
        ("AFF-A3", "Affiche sérigraphiée A3 « Marché du Marais »", "11.00", 6),
        ("AFF-A2", "Affiche sérigraphiée A2 « Bords de Seine »", "18.00", 4),
        ("BOU-FIG", "Bougie parfumée figue 180 g", "9.90", 6),
        ("BOU-BOI", "Bougie parfumée bois de cèdre 180 g", "9.90", 6),
        ("BOU-VOY", "Bougie de voyage 80 g", "5.40", 12),
        ("TOT-LIN", "Sac cabas en lin imprimé", "8.70", 6),
        ("TOR-TEI", "Torchon en lin teint main", "7.20", 6),
        ("MUG-GRE", "Mug en grès émaillé 30 cl", "8.10", 6),
        ("STY-LAI", "Stylo plume laiton", "16.50", 6),
        ("ENC-CAR", "Encre carmin flacon 30 ml", "6.30", 12),
        ("PAP-CAD", "Papier cadeau imprimé (rouleau 3 m)", "4.20", 12),
        ("MAR-PAG", "Marque-pages en laiton (lot de 3)", "5.90", 12),
        ("CAL-2027", "Calendrier mural 2027 illustré", "10.40", 6),
        ("TAM-BOI", "Tampon bois gravé « Fait main »", "6.10", 12),
        ("RUB-WAS", "Rubans washi (lot de 5)", "4.80", 12),
    ]
    return [
        ProductSpec(
            f"AC-{sku}",
            title,
            D(price),
            pack,
            brand="Atelier Carmin",
            stock=pack * 15,
            description="Fabriqué à la main dans notre atelier de Montreuil.",
        )
        for sku, title, price, pack in rows
    ]


CATALOGS = {
    "brasseurs": _brasseurs,
    "volta": _volta,
    "lumiere": _lumiere,
    "logitheque": _logitheque,
    "carmin": _carmin,
}
