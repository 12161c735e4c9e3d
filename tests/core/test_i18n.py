"""Amounts in the reader's language: the request's or the task's active language."""

from decimal import Decimal as D

from django.utils import translation

from comptoir.core.i18n import active_lang, format_money_active, format_rate_active

NBSP, NNBSP = "\u00a0", "\u202f"


def test_french_unless_english_is_active():
    with translation.override("fr"):
        assert active_lang() == "fr"
        assert format_money_active(D("1234.5")) == f"1{NNBSP}234,50{NBSP}€"
    with translation.override("en"):
        assert active_lang() == "en"
        assert format_money_active(D("1234.5")) == "€1,234.50"
    with translation.override("de"):  # no third interface language: French
        assert active_lang() == "fr"
    with translation.override(None):
        assert active_lang() == "fr"


def test_rates_in_the_readers_language():
    with translation.override("fr"):
        assert [format_rate_active(D(r)) for r in ("20.00", "5.50", "2.10", "0")] == [
            "20 %",
            "5,5 %",
            "2,1 %",
            "0 %",
        ]
    with translation.override("en"):
        assert format_rate_active(D("5.50")) == "5.5 %"
