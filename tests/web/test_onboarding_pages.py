"""Registration and onboarding pages: a company registers itself (P1, P3), sends its documents
(P2) and answers the platform terms (P7); the operator validates, refuses, reviews documents,
suspends, reactivates and terminates (P1, P2, P6) and publishes platform terms (P7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.demo import identifiers
from comptoir.parties import services
from comptoir.parties.models import (
    Address,
    Membership,
    OnboardingDocument,
    Organization,
    OrganizationState,
    PlatformTermsAcceptance,
    PlatformTermsVersion,
    User,
)
from tests.parties.factories import make_operator_user, make_org, make_user, next_siren

pytestmark = pytest.mark.django_db

PASSWORD = "x-test-password-1"


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    """Uploads go to a temporary folder; pages answer in English, the source language."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


def form_data(**changes) -> dict:
    siren = changes.get("siren", next_siren())
    data = {
        "roles": ["buyer"],
        "legal_name": "Boutique des Quais SARL",
        "trade_name": "Boutique des Quais",
        "siren": siren,
        "siret": identifiers.siret(siren) if siren else "",
        "vat_number": identifiers.vat_fr(siren) if siren else "",
        "iban": identifiers.iban_fr("30004", "00823", "00012345678"),
        "bic": "BNPAFRPP",
        "address_line1": "12 quai de la Loire",
        "address_line2": "",
        "address_postcode": "75019",
        "address_city": "Paris",
        "address_country": "FR",
        "contact_name": "Inès Martin",
        "phone": "01 42 00 00 00",
        "email": "contact@quais.test",
        "social_handle": "",
        "is_company": "on",
        "terms_preset": "",
        "owner_full_name": "Inès Martin",
        "owner_email": "ines@quais.test",
        "owner_password": "Quais-2026-passe",
        "owner_password_confirm": "Quais-2026-passe",
        "owner_language": "fr",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 onboarding test", content_type="application/pdf")


def register(client, **changes):
    return client.post(reverse("web:register"), form_data(**changes))


def field_error(response, field: str) -> str:
    html = response.content.decode()
    marker = f'data-testid="error-{field}">'
    assert marker in html, f"no error shown for {field}"
    return html.split(marker, 1)[1].split("</small>", 1)[0]


def upload_all(client) -> None:
    url = reverse("web:onboarding_document_upload")
    today = clock.today().isoformat()
    for kind in ("kbis", "bank_details", "signed_terms"):
        response = client.post(url, {"kind": kind, "issue_date": today, "file": pdf(f"{kind}.pdf")})
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def operator(client):
    return make_operator_user()


# --- registration ------------------------------------------------------------------------------


def test_login_page_links_to_registration(client):
    html = client.get(reverse("web:login")).content.decode()
    assert reverse("web:register") in html


def test_registration_form_has_a_label_for_every_input(client):
    response = client.get(reverse("web:register"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("legal_name", "siren", "siret", "vat_number", "iban", "address_postcode"):
        assert f'for="id_{name}"' in html
        assert f'id="id_{name}"' in html
    for name in ("owner_email", "owner_password", "owner_password_confirm", "owner_language"):
        assert f'for="id_{name}"' in html


def test_registration_logs_the_owner_in_on_the_pending_onboarding_page(client):
    response = register(client)
    assert response.status_code == 302
    assert response.url == reverse("web:onboarding")

    user = User.objects.get(email="ines@quais.test")
    org = Organization.objects.get(legal_name="Boutique des Quais SARL")
    assert org.state == OrganizationState.PENDING
    assert org.is_buyer and not org.is_seller
    assert org.vat_number.startswith("FR")
    membership = Membership.objects.get(organization=org, user=user)
    assert membership.is_owner
    address = Address.objects.get(organization=org)
    assert (address.postcode, address.city, address.kind) == ("75019", "Paris", "registered")
    assert user.full_name == "Inès Martin"
    assert user.check_password("Quais-2026-passe")
    assert AuditEntry.objects.filter(action="organization.register").exists()

    page = client.get(response.url)
    assert page.status_code == 200
    assert page.wsgi_request.user == user
    html = page.content.decode()
    assert 'data-testid="state">Pending validation<' in html
    for kind in ("kbis", "bank_details", "signed_terms"):
        assert f'data-testid="checklist-{kind}"' in html
    assert 'data-testid="checklist-selective_contract"' not in html
    assert reverse("web:onboarding_document_upload") in html
    assert 'enctype="multipart/form-data"' in html


def test_registration_options_decide_the_documents_asked(client):
    register(
        client,
        roles=["seller"],
        financing_enabled="on",
        terms_preset="selective-beauty",
    )
    org = Organization.objects.get(legal_name="Boutique des Quais SARL")
    assert org.is_seller and org.financing_enabled and org.terms_preset == "selective-beauty"
    html = client.get(reverse("web:onboarding")).content.decode()
    assert 'data-testid="checklist-representative_id"' in html
    assert 'data-testid="checklist-beneficial_owners"' in html


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"siren": "123456789"}, "siren", "(P1)"),
        ({"vat_number": "FR00123456789"}, "vat_number", "(P1)"),
        ({"iban": "FR7630004000000000000000000"}, "iban", "IBAN"),
        ({"address_postcode": "7501"}, "address_postcode", "5"),
        ({"roles": []}, "roles", "(P1)"),
        ({"trade_name": "www.quais.fr"}, "trade_name", "(P3)"),
        ({"owner_password_confirm": "autre-chose-2026"}, "owner_password_confirm", "differ"),
        ({"owner_password": "abc", "owner_password_confirm": "abc"}, "owner_password", "short"),
        ({"owner_email": "pas-une-adresse"}, "owner_email", "valid email"),
        ({"legal_name": ""}, "legal_name", "required"),
        ({"siren": "", "siret": "", "vat_number": ""}, "siren", "required"),
    ],
)
def test_registration_errors_are_shown_on_their_field(client, changes, field, expected):
    response = register(client, **changes)
    assert response.status_code == 200
    assert expected in field_error(response, field)
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.filter(email="ines@quais.test").exists()
    assert not Organization.objects.filter(legal_name="Boutique des Quais SARL").exists()
    assert "_auth_user_id" not in client.session


def test_siret_of_another_siren_is_refused(client):
    response = register(client, siret=identifiers.siret(next_siren()))
    assert response.status_code == 200
    assert "SIREN" in field_error(response, "siret")


def test_duplicate_email_is_refused_without_creating_the_company(client):
    make_user("ines@quais.test")
    response = register(client)
    assert response.status_code == 200
    assert "E-mail taken" in field_error(response, "owner_email")
    assert not Organization.objects.filter(legal_name="Boutique des Quais SARL").exists()


def test_second_buyer_account_for_a_siren_is_refused_and_leaves_no_login(client):
    siren = next_siren()
    make_org(buyer=True, siren=siren, name="Premier Compte Acheteur")
    response = register(client, siren=siren)
    assert response.status_code == 200
    assert "(P3)" in field_error(response, "siren")
    assert not User.objects.filter(email="ines@quais.test").exists()
    assert Organization.objects.filter(siren=siren).count() == 1


def test_a_seller_may_share_the_siren_of_a_buyer(client):
    siren = next_siren()
    make_org(buyer=True, siren=siren, name="Premier Compte Acheteur")
    response = register(client, siren=siren, roles=["seller"])
    assert response.status_code == 302
    assert Organization.objects.filter(siren=siren).count() == 2


def test_close_names_are_recorded_for_the_operator(client):
    make_org(seller=True, name="Boutique des Quais")
    register(client, legal_name="Boutique des Quais SAS", trade_name="")
    org = Organization.objects.get(legal_name="Boutique des Quais SAS")
    assert org.name_warnings and org.name_warnings[0]["name"] == "Boutique des Quais"


def test_platform_terms_in_force_must_be_accepted_at_registration(client, operator):
    published = clock.now() - timedelta(days=20)
    terms = services.platform_terms_publish(
        actor=operator, version="2026-1", text="Texte des conditions.", published_at=published
    )
    page = client.get(reverse("web:register")).content.decode()
    assert 'for="id_accept_platform_terms"' in page
    response = register(client)
    assert response.status_code == 200
    assert field_error(response, "accept_platform_terms")
    assert not User.objects.filter(email="ines@quais.test").exists()

    response = register(client, accept_platform_terms="on")
    assert response.status_code == 302
    org = Organization.objects.get(legal_name="Boutique des Quais SARL")
    acceptance = PlatformTermsAcceptance.objects.get(organization=org)
    assert acceptance.terms_version == terms and acceptance.decision == "accepted"


def test_a_logged_in_user_is_sent_home_from_registration(client, shop):
    client.force_login(shop.owner)
    response = client.get(reverse("web:register"))
    assert response.status_code == 302 and response.url == reverse("web:home")


# --- the company's onboarding page -------------------------------------------------------------


def test_owner_uploads_the_documents(client):
    register(client)
    upload_all(client)
    org = Organization.objects.get(legal_name="Boutique des Quais SARL")
    assert sorted(org.documents.values_list("kind", flat=True)) == [
        "bank_details",
        "kbis",
        "signed_terms",
    ]
    html = client.get(reverse("web:onboarding")).content.decode()
    assert "kbis.pdf" in html
    assert "To review" in html


@pytest.mark.parametrize(
    ("post", "field", "expected"),
    [
        ({"kind": "kbis", "issue_date": ""}, "issue_date", "(P2)"),
        ({"kind": "kbis", "issue_date": "2020-01-01"}, "issue_date", "3"),
        ({"kind": "bank_details", "issue_date": "pas une date"}, "issue_date", ""),
        ({"kind": "passport", "issue_date": ""}, "kind", ""),
    ],
)
def test_upload_errors_are_shown_on_their_field(client, post, field, expected):
    register(client)
    response = client.post(reverse("web:onboarding_document_upload"), {**post, "file": pdf()})
    assert response.status_code == 200
    assert expected in field_error(response, field)
    assert not OnboardingDocument.objects.exists()


def test_upload_refuses_other_file_types_and_a_missing_file(client):
    register(client)
    url = reverse("web:onboarding_document_upload")
    script = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html")
    response = client.post(url, {"kind": "bank_details", "file": script})
    assert "PDF" in field_error(response, "file")
    response = client.post(url, {"kind": "bank_details"})
    assert field_error(response, "file")
    assert not OnboardingDocument.objects.exists()


def test_only_the_owner_uploads(client, shop):
    manager = make_user("manager@buyer-a.test")
    services.membership_add(
        actor=shop.owner,
        organization=shop.approved_buyer,
        user=manager,
        permissions=["manage_users"],
    )
    client.force_login(manager)
    page = client.get(reverse("web:onboarding")).content.decode()
    assert reverse("web:onboarding_document_upload") not in page
    response = client.post(
        reverse("web:onboarding_document_upload"), {"kind": "bank_details", "file": pdf()}
    )
    assert response.status_code == 200
    assert "Account owner only" in response.content.decode()
    assert not OnboardingDocument.objects.exists()


def test_owner_accepts_new_platform_terms(client, shop, operator):
    terms = services.platform_terms_publish(actor=operator, version="v2", text="Nouvelles.")
    client.force_login(shop.owner)
    html = client.get(reverse("web:onboarding")).content.decode()
    assert "v2" in html
    url = reverse("web:onboarding_platform_terms", args=[terms.pk])
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    assert PlatformTermsAcceptance.objects.get(organization=shop.approved_buyer).decision == (
        "accepted"
    )


def test_owner_refuses_platform_terms_only_within_the_window(client, shop, operator):
    old = services.platform_terms_publish(
        actor=operator,
        version="v1",
        text="Anciennes.",
        published_at=clock.now() - timedelta(days=30),
    )
    new = services.platform_terms_publish(actor=operator, version="v2", text="Nouvelles.")
    client.force_login(shop.owner)
    client.post(reverse("web:onboarding_platform_terms", args=[old.pk]), {"decision": "refuse"})
    assert not PlatformTermsAcceptance.objects.filter(terms_version=old).exists()
    response = client.post(
        reverse("web:onboarding_platform_terms", args=[new.pk]), {"decision": "refuse"}, follow=True
    )
    assert "(P7)" in response.content.decode()
    assert PlatformTermsAcceptance.objects.get(terms_version=new).decision == "refused"


# --- operator ----------------------------------------------------------------------------------


def registered_org(client) -> Organization:
    register(client)
    upload_all(client)
    client.logout()
    return Organization.objects.get(legal_name="Boutique des Quais SARL")


def test_queue_lists_pending_organizations_oldest_first(client, operator):
    first = make_org(buyer=True, name="Première Candidate", active=False)
    second = make_org(seller=True, name="Seconde Candidate", active=False)
    make_org(buyer=True, name="Déjà Active Ici")
    Organization.objects.filter(pk=first.pk).update(created_at=clock.now() - timedelta(days=3))
    client.force_login(operator)
    response = client.get(reverse("web:operator_onboarding"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Première Candidate") < html.index("Seconde Candidate")
    assert "Déjà Active Ici" not in html
    assert reverse("web:operator_organization", args=[second.pk]) in html


def test_operator_downloads_a_document(client, operator):
    org = registered_org(client)
    document = org.documents.get(kind="kbis")
    client.force_login(operator)
    queue = client.get(reverse("web:operator_onboarding")).content.decode()
    url = reverse("web:operator_document_file", args=[document.pk])
    assert url in queue
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 onboarding test"
    assert response["Content-Disposition"].startswith("attachment")


def test_operator_validates_once_the_documents_are_in(client, operator):
    org = make_org(buyer=True, name="Sans Documents Encore", active=False)
    client.force_login(operator)
    action = reverse("web:operator_organization_action", args=[org.pk, "validate"])
    response = client.post(action, follow=True)
    assert "(P2)" in response.content.decode()
    org.refresh_from_db()
    assert org.state == OrganizationState.PENDING

    client.logout()
    org = registered_org(client)
    client.force_login(operator)
    detail = client.get(reverse("web:operator_organization", args=[org.pk])).content.decode()
    assert "Boutique des Quais SARL" in detail and 'data-testid="validate"' in detail
    response = client.post(
        reverse("web:operator_organization_action", args=[org.pk, "validate"]), follow=True
    )
    assert "validated" in response.content.decode()
    org.refresh_from_db()
    assert org.state == OrganizationState.ACTIVE and org.validated_at is not None

    client.force_login(User.objects.get(email="ines@quais.test"))
    html = client.get(reverse("web:onboarding")).content.decode()
    assert 'data-testid="state">Active<' in html


def test_refusal_needs_a_reason_and_is_shown_to_the_company(client, operator):
    org = registered_org(client)
    client.force_login(operator)
    url = reverse("web:operator_organization_action", args=[org.pk, "refuse"])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "reason is required" in response.content.decode()
    org.refresh_from_db()
    assert org.refused_at is None
    client.post(url, {"reason": "Kbis illisible."})
    org.refresh_from_db()
    assert org.refusal_reason == "Kbis illisible." and org.state == OrganizationState.PENDING

    client.force_login(User.objects.get(email="ines@quais.test"))
    html = client.get(reverse("web:onboarding")).content.decode()
    assert 'data-testid="refusal"' in html and "Kbis illisible." in html


def test_document_review_accept_and_reject_with_a_note(client, operator):
    org = registered_org(client)
    kbis = org.documents.get(kind="kbis")
    client.force_login(operator)
    url = reverse("web:operator_document_review", args=[kbis.pk])
    response = client.post(url, {"decision": "reject", "note": ""}, follow=True)
    assert "(P2)" in response.content.decode()
    kbis.refresh_from_db()
    assert kbis.status == "pending"
    client.post(url, {"decision": "reject", "note": "Extrait tronqué."})
    kbis.refresh_from_db()
    assert (kbis.status, kbis.review_note) == ("rejected", "Extrait tronqué.")
    # a rejected Kbis blocks validation (P2)
    client.post(reverse("web:operator_organization_action", args=[org.pk, "validate"]))
    org.refresh_from_db()
    assert org.state == OrganizationState.PENDING
    bank = org.documents.get(kind="bank_details")
    client.post(reverse("web:operator_document_review", args=[bank.pk]), {"decision": "accept"})
    bank.refresh_from_db()
    assert bank.status == "accepted"


def test_suspend_reactivate_terminate(client, operator, shop):
    org = shop.approved_buyer
    client.force_login(operator)
    detail = client.get(reverse("web:operator_organization", args=[org.pk])).content.decode()
    assert "suspend-reason" in detail and 'data-testid="validate"' not in detail

    def act(action: str, reason: str = ""):
        url = reverse("web:operator_organization_action", args=[org.pk, action])
        return client.post(url, {"reason": reason}, follow=True)

    assert "(P6)" in act("suspend").content.decode()
    org.refresh_from_db()
    assert org.state == OrganizationState.ACTIVE
    act("suspend", "Impayés répétés.")
    org.refresh_from_db()
    assert (org.state, org.suspension_reason) == ("suspended", "Impayés répétés.")
    assert "(P6)" in act("suspend", "Encore.").content.decode()  # already suspended
    act("reactivate")
    org.refresh_from_db()
    assert org.state == OrganizationState.ACTIVE
    act("terminate")
    org.refresh_from_db()
    assert org.state == OrganizationState.ACTIVE
    # a NUL character (PostgreSQL refuses it in a text) is refused before the view: 400, unchanged
    url = reverse("web:operator_organization_action", args=[org.pk, "terminate"])
    refused = client.post(url, {"reason": "Fin\x00"})
    assert refused.status_code == 400 and "NUL" in refused.content.decode()
    org.refresh_from_db()
    assert org.state == OrganizationState.ACTIVE
    act("terminate", "Fin de contrat.")
    org.refresh_from_db()
    assert (org.state, org.termination_reason) == ("terminated", "Fin de contrat.")
    detail = client.get(reverse("web:operator_organization", args=[org.pk])).content.decode()
    assert "suspend-reason" not in detail and "terminate-reason" not in detail


def test_unknown_action_and_organization_answer_404(client, operator, shop):
    client.force_login(operator)
    bad = reverse("web:operator_organization_action", args=[shop.approved_buyer.pk, "delete"])
    assert client.post(bad).status_code == 404
    missing = reverse("web:operator_organization", args=[999999])
    assert client.get(missing).status_code == 404
    assert client.get(reverse("web:operator_document_file", args=[999999])).status_code == 404


def test_organizations_filters_and_search(client, operator, shop):
    make_org(seller=True, name="Vendeur En Attente", active=False)
    client.force_login(operator)
    url = reverse("web:operator_organizations")
    html = client.get(url).content.decode()
    assert "Salon Approuvé" in html and "Maison Test Cosmétiques" in html
    html = client.get(url, {"state": "pending"}).content.decode()
    assert "Vendeur En Attente" in html and "Salon Approuvé" not in html
    html = client.get(url, {"role": "seller"}).content.decode()
    assert "Maison Test Cosmétiques" in html and "Boutique Voisine" not in html
    html = client.get(url, {"q": "voisine"}).content.decode()
    assert "Boutique Voisine" in html and "Salon Approuvé" not in html
    html = client.get(url, {"state": "nonsense", "role": "nonsense"}).content.decode()
    assert "Salon Approuvé" in html


def test_operator_publishes_platform_terms(client, operator):
    client.force_login(operator)
    url = reverse("web:operator_platform_terms_publish")
    response = client.post(url, {"version": "2026-2", "text": "Texte."}, follow=True)
    assert response.status_code == 200
    terms = PlatformTermsVersion.objects.get(version="2026-2")
    assert terms.effective_at - terms.published_at == timedelta(days=15)
    assert "2026-2" in client.get(reverse("web:operator_platform_terms")).content.decode()
    response = client.post(url, {"version": "2026-2", "text": "Encore."})
    assert response.status_code == 200
    assert "(P7)" in field_error(response, "version")
    response = client.post(url, {"version": "2026-3", "text": ""})
    assert field_error(response, "text")
    assert PlatformTermsVersion.objects.count() == 1


def test_member_of_the_operator_organization_is_an_operator(client):
    staff = make_user("claire@operateur.test")
    make_org(actor=make_operator_user(), is_operator=True, name="Opérateur Test", owner=staff)
    client.force_login(staff)
    assert client.get(reverse("web:operator_onboarding")).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["web:operator_onboarding", "web:operator_organizations", "web:operator_platform_terms"],
)
def test_non_operators_are_denied(client, shop, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("web:login") in response.url
    for user in (shop.owner, shop.other_owner):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_non_operator_cannot_validate_by_post(client, shop):
    pending = make_org(buyer=True, name="Candidate Forcée", active=False)
    client.force_login(shop.owner)
    url = reverse("web:operator_organization_action", args=[pending.pk, "validate"])
    assert client.post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.state == OrganizationState.PENDING
