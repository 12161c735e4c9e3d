"""Template filters that put stored codes in the reader's language (F4, F5)."""

from django.utils import translation

from comptoir.web.templatetags.comptoir_format import contestation_status, period_label


def test_period_label_in_english_and_unknown_values_as_stored():
    with translation.override("en"):
        assert period_label("3 business") == "3 business days"
        assert period_label("1 calendar") == "1 calendar day"
        assert contestation_status("validated") == "validated"
    assert period_label("") == "" and period_label("3 fortnights") == "3 fortnights"
    assert contestation_status("unknown") == "unknown"
