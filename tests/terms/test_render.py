"""The readable terms are generated from the document's values and quote the seller's clauses."""

import pytest

from comptoir.terms.loader import PRESET_NAMES, load_preset
from comptoir.terms.render import build_articles, render_html, render_pdf, render_text


def normalise(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_articles_are_numbered_in_order(name):
    articles = build_articles(load_preset(name))
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    keys = [a.key for a in articles]
    assert keys[0] == "scope" and keys[-1] == "final"
    assert {"pricing", "ordering", "payment", "late_payment"} <= set(keys)


def test_selective_beauty_text_carries_the_values_and_the_clauses():
    text = normalise(render_text(load_preset("selective-beauty")))
    assert "Article 3 — Commandes" in text
    for value in (
        "montant minimum de 100,00 € HT ; en deçà, elle est refusée",
        "franco de port en France à partir de 200,00 € HT",
        "participation de 15,00 € HT",
        "24,00 € HT par tranche entamée de 1 000,00 € HT",
        "30 jours fin de mois",
        "1 % sur le montant hors taxes, frais de port et frais accessoires compris",
        "3 fois le taux de l'intérêt légal en vigueur à la date de la facture",
        "40,00 €",
        "6 jours ouvrés",
        "arrondie au standard le plus proche",
    ):
        assert value in text, value
    assert "[Art. 3] « La Société n'acceptera pas de commande" in text


def test_text_follows_the_values_not_a_stored_text():
    doc = load_preset("selective-beauty")
    minimum = doc.ordering.minimum_order.model_copy(update={"amount": 150})
    ordering = doc.ordering.model_copy(update={"minimum_order": minimum})
    changed = doc.model_copy(update={"ordering": ordering})
    assert "montant minimum de 150,00 € HT" in normalise(render_text(changed))


def test_no_discount_mention_when_there_is_no_cash_discount():
    text = render_text(load_preset("monthly-intranet"))
    assert "Pas d'escompte pour paiement anticipé." in text
    assert "le deuxième mardi du mois" in text


def test_marketplace_and_digital_specifics():
    market = normalise(render_text(load_preset("marketplace")))
    assert (
        "commission de 15 % sur le montant toutes taxes comprises, frais de port inclus" in market
    )
    assert "« Facture cédée à Financeur Partenaire SAS »" in market
    assert "3 jours ouvrés à compter de la livraison (jour exclu)" in market
    digital = normalise(render_text(load_preset("digital-goods")))
    assert "5 jours (à compter du lendemain" in digital
    assert "L221-28 13°" in digital
    assert "taux de refinancement de la BCE majoré de 9 points" in digital


@pytest.mark.django_db(databases=[])
def test_html_has_articles_values_and_clauses():
    html = normalise(render_html(load_preset("electronics-wholesale")))
    assert html.startswith("<!DOCTYPE html>")
    assert "<h2>Article 1 — Objet et champ d&#x27;application</h2>" in html
    assert "1,5 % par mois" in html
    assert "15 % du principal, avec un minimum de 150,00 € HT" in html
    assert "<cite>Art. 14.5</cite>" in html
    assert "Électro Distribution Atlantique SAS" in html


@pytest.mark.django_db(databases=[])
def test_html_escapes_clause_text():
    doc = load_preset("selective-beauty")
    clause = doc.pricing.clause.model_copy(update={"text": "<script>x</script>"})
    doc = doc.model_copy(update={"pricing": doc.pricing.model_copy(update={"clause": clause})})
    html = render_html(doc)
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db(databases=[])
def test_pdf_is_a_pdf():
    pdf = render_pdf(load_preset("digital-goods"))
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 5000
