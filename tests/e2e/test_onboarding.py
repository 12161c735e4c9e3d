"""A buyer registers in Chromium and sends its documents; the operator validates it in the back
office; the buyer logs in again, sees its company active and browses a seller's products
(P1, P2, P5)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from comptoir.core import clock
from comptoir.demo import identifiers
from comptoir.parties.models import Organization, OrganizationState
from tests.e2e.test_browse import log_in
from tests.e2e.test_ordering import log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "gerante@epicerie-canal.example"
PASSWORD = "Canal-2026-passe"
OPERATOR = "admin@comptoir.example"  # the demo operator
PDF = b"%PDF-1.4 document de test"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)


def fill(page, values: dict[str, str]) -> None:
    for field, value in values.items():
        page.locator(f"#id_{field}").fill(value)


def register_buyer(page, base: str, siren: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_test_id("register-link").click()
    page.locator("#id_roles_0").check()  # buyer
    fill(
        page,
        {
            "legal_name": "Épicerie du Canal SARL",
            "trade_name": "Épicerie du Canal",
            "siren": siren,
            "siret": identifiers.siret(siren),
            "vat_number": identifiers.vat_fr(siren),
            "iban": identifiers.iban_fr("30004", "00823", "00099887766"),
            "bic": "BNPAFRPP",
            "address_line1": "40 quai de Valmy",
            "address_postcode": "75010",
            "address_city": "Paris",
            "contact_name": "Nadia Benali",
            "phone": "01 42 05 06 07",
            "email": "contact@epicerie-canal.example",
            "owner_full_name": "Nadia Benali",
            "owner_email": EMAIL,
            "owner_password": PASSWORD,
            "owner_password_confirm": "pas-le-meme-mot",
        },
    )
    page.get_by_test_id("register").locator("button[type=submit]").click()
    # a mistake is named on its field, the other values are kept
    expect(page.get_by_test_id("error-owner_password_confirm")).to_be_visible()
    expect(page.locator("#id_siren")).to_have_value(siren)
    fill(page, {"owner_password": PASSWORD, "owner_password_confirm": PASSWORD})
    page.get_by_test_id("register").locator("button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(EMAIL)
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Pending|attente"))


def upload_documents(page) -> None:
    form = page.get_by_test_id("upload")
    for kind in ("kbis", "bank_details", "signed_terms"):
        form.locator("#id_kind").select_option(kind)
        form.locator("#id_issue_date").fill(clock.today().isoformat())
        form.locator("#id_file").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id(f"checklist-{kind}")).to_contain_text(f"{kind}.pdf")


def test_buyer_registers_operator_validates_buyer_browses(live_server, page, screenshot, demo):
    base = live_server.url
    siren = identifiers.siren("52731846")
    register_buyer(page, base, siren)
    upload_documents(page)
    screenshot("registered-pending")
    log_out(page)

    log_in(page, base, OPERATOR)
    page.goto(f"{base}/operator/onboarding/")
    row = page.get_by_test_id("queue-row").filter(has_text="Épicerie du Canal SARL")
    expect(row).to_have_count(1)
    screenshot("operator-queue")
    row.get_by_role("link", name="Épicerie du Canal SARL").click()
    expect(page.get_by_test_id("documents")).to_contain_text("kbis.pdf")
    page.get_by_test_id("validate").click()
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Active|Actif"))
    screenshot("operator-validated")
    log_out(page)

    org = Organization.objects.get(siren=siren)
    assert org.state == OrganizationState.ACTIVE

    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_test_id("current-user")).to_contain_text("Épicerie du Canal SARL")
    page.goto(f"{base}/onboarding/")
    expect(page.get_by_test_id("state")).to_have_text(re.compile("Active|Actif"))
    page.goto(f"{base}/")
    page.get_by_role("link", name="Maison Lumière Cosmétiques").click()
    expect(page.get_by_test_id("product-row").first).to_be_visible()
    screenshot("active-buyer-browses")
