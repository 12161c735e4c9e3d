"""Fulfilment refusals are said in the reader's language (F4, F7, A5)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from comptoir.core.errors import DomainError
from comptoir.fulfilment.rules import (
    attachment_check,
    contest_check,
    follow_up_done_check,
    resolution_check,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _message(call, lang: str) -> DomainError:
    with translation.override(lang), pytest.raises(DomainError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("call", "code", "en", "fr"),
    [
        (
            lambda: attachment_check("a.exe", "application/x-msdownload", 10, b"MZ"),
            "attachment_type",
            "a.exe: only PDF, JPEG and PNG files are accepted.",
            "a.exe : seuls les fichiers PDF, JPEG et PNG sont acceptés.",
        ),
        (
            lambda: attachment_check("big.pdf", "application/pdf", 11 * 1024 * 1024, b"%PDF-"),
            "attachment_too_large",
            "big.pdf: at most 10 MB per attachment.",
            "big.pdf : 10 Mo au plus par pièce jointe.",
        ),
        (
            lambda: attachment_check("fake.png", "image/png", 10, b"%PDF-"),
            "attachment_content",
            "fake.png: the content does not match the type image/png.",
            "fake.png : le contenu ne correspond pas au type image/png.",
        ),
        (
            lambda: contest_check(NOW, LATER),
            "contestation_deadline_passed",
            "The contestation period has ended; the delivery is deemed conforming.",
            "Le délai de contestation est expiré ; la livraison est réputée conforme.",
        ),
        (
            lambda: follow_up_done_check(date(2026, 11, 20), date(2026, 11, 25), date(2026, 12, 1)),
            "deadline_passed",
            "The deadline was 20/11/2026.",
            "Le délai expirait le 20/11/2026.",
        ),
        (
            lambda: resolution_check(LATER, NOW),
            "notice_running",
            "The formal notice runs until 03/12/2026 11:00.",
            "La mise en demeure court jusqu'au 03/12/2026 11:00.",
        ),
    ],
)
def test_refusal_in_each_language(call, code: str, en: str, fr: str) -> None:
    english = _message(call, "en")
    french = _message(call, "fr")
    assert (english.code, english.message) == (code, en)
    assert (french.code, french.message) == (code, fr)
    assert english.rule == french.rule
