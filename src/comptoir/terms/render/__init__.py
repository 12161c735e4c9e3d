"""Render a terms document as readable French terms of sale (HTML, PDF).

What is published is what is enforced: every sentence is generated from the document's values,
followed by the seller's own clause (its article and quote) when there is one. Nothing is typed
twice. ``build_articles(doc)`` is pure (numbered ``Article`` objects with their paragraphs);
``render_html`` fills the template ``terms/terms.html``; ``render_pdf`` prints that HTML with
WeasyPrint.
"""

from __future__ import annotations

from collections.abc import Callable

from comptoir.terms.render.after import _after_sales, _consumers, _digital, _final
from comptoir.terms.render.delivery import _credit, _delivery, _reception
from comptoir.terms.render.french import Article, Paragraph, delay, due, money, pct
from comptoir.terms.render.paying import (
    _invoicing,
    _late_payment,
    _marketplace,
    _payment,
    _rebates,
    _retention,
    interest_text,
)
from comptoir.terms.render.selling import _ordering, _pricing, _scope
from comptoir.terms.schema import TermsDocument

__all__ = [
    "Article",
    "Paragraph",
    "build_articles",
    "delay",
    "due",
    "interest_text",
    "money",
    "pct",
    "render_html",
    "render_pdf",
    "render_text",
]


_SECTIONS: tuple[
    tuple[str, str, Callable[[TermsDocument], bool], Callable[[TermsDocument], list[Paragraph]]],
    ...,
] = (
    ("scope", "Objet et champ d'application", lambda d: True, _scope),
    ("pricing", "Prix", lambda d: True, _pricing),
    ("ordering", "Commandes", lambda d: True, _ordering),
    ("credit", "Garanties de paiement et encours", lambda d: bool(_credit(d)), _credit),
    ("delivery", "Livraison", lambda d: bool(_delivery(d)), _delivery),
    (
        "reception",
        "Réception, réclamations et consignes",
        lambda d: bool(_reception(d)),
        _reception,
    ),
    ("invoicing", "Facturation", lambda d: True, _invoicing),
    ("payment", "Conditions de paiement", lambda d: True, _payment),
    ("late_payment", "Retard de paiement", lambda d: True, _late_payment),
    ("rebates", "Ristournes", lambda d: d.rebates is not None, _rebates),
    (
        "marketplace",
        "Commission et règlement des ventes",
        lambda d: d.marketplace is not None,
        _marketplace,
    ),
    (
        "retention_of_title",
        "Réserve de propriété",
        lambda d: d.retention_of_title is not None and d.retention_of_title.enabled,
        _retention,
    ),
    ("after_sales", "Retours, garantie et reprises", lambda d: bool(_after_sales(d)), _after_sales),
    ("digital", "Produits numériques", lambda d: d.digital is not None, _digital),
    (
        "consumers",
        "Consommateurs et droit de rétractation",
        lambda d: d.consumers.allowed,
        _consumers,
    ),
    ("final", "Dispositions finales", lambda d: True, _final),
)


def build_articles(doc: TermsDocument) -> list[Article]:
    """The numbered articles of the document, generated from its values."""
    articles: list[Article] = []
    for key, title, present, build in _SECTIONS:
        if not present(doc):
            continue
        paragraphs = build(doc)
        if paragraphs:
            articles.append(Article(len(articles) + 1, title, key, paragraphs))
    return articles


def render_text(doc: TermsDocument) -> str:
    """Plain text (for the CLI and tests)."""
    lines = [doc.meta.title, doc.seller.name, ""]
    for article in build_articles(doc):
        lines.append(f"Article {article.number} — {article.title}")
        for p in article.paragraphs:
            lines.append(p.text)
            if p.clause is not None:
                lines.append(f"  [{p.clause.article}] « {p.clause.text} »")
        lines.append("")
    return "\n".join(lines)


def render_html(doc: TermsDocument) -> str:
    """A complete HTML page (template ``terms/terms.html``)."""
    from django.template.loader import render_to_string

    return render_to_string(
        "terms/terms.html",
        {"doc": doc, "articles": build_articles(doc)},
    )


def render_pdf(doc: TermsDocument) -> bytes:
    """The HTML printed to PDF by WeasyPrint."""
    from weasyprint import HTML

    pdf = HTML(string=render_html(doc)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
