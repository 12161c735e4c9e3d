"""Registration (P1), one buyer account per SIREN (P3), onboarding and validation (P2),
suspension and termination (P6)."""

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.demo import identifiers
from comptoir.parties import queries, services
from comptoir.parties.models import Address, Organization, OrganizationState
from tests.parties.factories import make_org, make_user, next_siren

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 10, 0)


def pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def register(**overrides):
    siren = overrides.pop("siren", None) or next_siren()
    kwargs = {
        "actor": None,
        "legal_name": "Épicerie Fine Lambert",
        "siren": siren,
        "siret": identifiers.siret(siren),
        "vat_number": identifiers.vat_fr(siren),
        "iban": identifiers.iban_fr("30004", "00823", "00012345678"),
        "bic": "BNPAFRPP",
        "is_buyer": True,
    }
    kwargs.update(overrides)
    return services.organization_register(**kwargs)


def test_register_creates_a_pending_organization_with_customer_number():
    owner = make_user()
    org = register(
        owner=owner,
        registered_address=services.AddressInput(
            line1="12 rue des Rosiers", postcode="75004", city="Paris"
        ),
    )
    assert org.state == OrganizationState.PENDING
    assert org.customer_number == f"CPT{org.pk:06d}"
    assert org.vat_number.startswith("FR")
    membership = org.memberships.get()
    assert membership.user == owner and membership.is_owner
    assert membership.user_code == f"{org.customer_number}-001"
    assert Address.objects.get(organization=org).city == "Paris"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("siren", "123456789", "invalid_siren"),
        ("siret", "73282932000074", "siret_siren_mismatch"),
        ("vat_number", "FR00732829320", "invalid_vat_key"),
        ("iban", "FR7630004008230001234567818", "invalid_iban"),
        ("bic", "XX", "invalid_bic"),
    ],
)
def test_register_refuses_bad_identifier_naming_the_field(field, value, code):
    with pytest.raises(DomainError) as raised:
        register(**{field: value})
    assert (raised.value.field, raised.value.code, raised.value.rule) == (field, code, "P1")
    assert Organization.objects.count() == 0


def test_register_address_errors_name_the_nested_field():
    with pytest.raises(DomainError) as raised:
        register(
            registered_address=services.AddressInput(line1="1 rue X", postcode="750", city="Paris")
        )
    assert raised.value.field == "registered_address.postcode"
    assert Organization.objects.count() == 0


def test_second_buyer_with_same_siren_is_refused_rule_p3():
    siren = next_siren()
    register(siren=siren)
    with pytest.raises(DomainError) as raised:
        register(siren=siren, legal_name="Autre Nom Totalement Différent")
    assert raised.value.rule == "P3"
    assert raised.value.field == "siren"
    assert raised.value.code == "siren_already_registered"
    assert Organization.objects.filter(siren=siren).count() == 1


def test_second_buyer_allowed_with_explicit_operator_authorization(operator):
    siren = next_siren()
    first = register(siren=siren)
    second = register(
        siren=siren,
        legal_name="Épicerie Lambert — second magasin",
        actor=operator,
        authorize_duplicate_siren=True,
    )
    assert not first.siren_duplicate_authorized
    assert second.siren_duplicate_authorized
    assert Organization.objects.filter(siren=siren, is_buyer=True).count() == 2


def test_authorization_flag_needs_the_operator():
    siren = next_siren()
    register(siren=siren)
    buyer_user = make_user()
    with pytest.raises(PermissionDenied):
        register(siren=siren, actor=buyer_user, authorize_duplicate_siren=True)


def test_a_seller_may_share_its_siren_with_a_buyer_account():
    siren = next_siren()
    register(siren=siren)
    seller = register(siren=siren, is_buyer=False, is_seller=True, legal_name="Vente Lambert")
    assert seller.is_seller


def test_shop_name_that_is_a_domain_is_refused():
    with pytest.raises(DomainError) as raised:
        register(trade_name="www.epicerie-lambert.fr")
    assert (raised.value.field, raised.value.rule) == ("trade_name", "P3")


def test_similar_names_are_warnings_for_the_operator():
    existing = register(legal_name="Épicerie du Marais")
    org = register(legal_name="Epicerie du Marrais SARL")
    assert [w["organization_id"] for w in org.name_warnings] == [existing.pk]
    matches = queries.similar_names("EPICERIE DU MARAIS")
    assert {m.organization_id for m in matches} == {existing.pk, org.pk}
    assert queries.similar_names("Volta Distribution") == []


def test_kbis_older_than_three_months_is_refused(operator):
    org = register()
    with clock.frozen(NOW):
        with pytest.raises(DomainError) as raised:
            services.document_upload(
                actor=operator,
                organization=org,
                kind="kbis",
                file=pdf(),
                issue_date=date(2026, 8, 21),
            )
        assert (raised.value.code, raised.value.field, raised.value.rule) == (
            "kbis_too_old",
            "issue_date",
            "P2",
        )
        doc = services.document_upload(
            actor=operator, organization=org, kind="kbis", file=pdf(), issue_date=date(2026, 8, 22)
        )
    assert doc.file.name.startswith("onboarding/")
    assert org.documents.count() == 1


def test_validation_blocked_by_missing_documents_then_allowed(operator):
    owner = make_user()
    org = register(owner=owner, selective_distribution=True)
    with clock.frozen(NOW):
        services.document_upload(
            actor=owner, organization=org, kind="kbis", file=pdf(), issue_date=date(2026, 11, 2)
        )
        with pytest.raises(DomainError) as raised:
            services.organization_validate(actor=operator, organization=org)
        assert raised.value.rule == "P2"
        assert raised.value.details["problems"] == [
            {"kind": "bank_details", "problem": "missing"},
            {"kind": "signed_terms", "problem": "missing"},
            {"kind": "selective_contract", "problem": "missing"},
        ]
        org.refresh_from_db()
        assert org.state == OrganizationState.PENDING
        for kind in ("bank_details", "signed_terms", "selective_contract"):
            services.document_upload(actor=owner, organization=org, kind=kind, file=pdf())
        checklist = queries.onboarding_checklist(actor=owner, organization_id=org.pk)
        assert [item.problem for item in checklist] == [None, None, None, None]
        validated = services.organization_validate(actor=operator, organization=org)
    assert validated.state == OrganizationState.ACTIVE
    assert validated.validated_at == clock._aware(NOW)


def test_validation_blocked_when_kbis_expired_since_upload(operator):
    owner = make_user()
    org = register(owner=owner)
    with clock.frozen(datetime(2026, 6, 1, 9, 0)):
        services.document_upload(
            actor=owner, organization=org, kind="kbis", file=pdf(), issue_date=date(2026, 5, 20)
        )
        for kind in ("bank_details", "signed_terms"):
            services.document_upload(actor=owner, organization=org, kind=kind, file=pdf())
    with clock.frozen(NOW), pytest.raises(DomainError) as raised:
        services.organization_validate(actor=operator, organization=org)
    assert raised.value.details["problems"] == [{"kind": "kbis", "problem": "expired"}]


def test_only_the_operator_validates():
    owner = make_user()
    org = register(owner=owner)
    with pytest.raises(PermissionDenied):
        services.organization_validate(actor=owner, organization=org)


def test_refusal_records_the_reason(operator):
    org = register()
    with pytest.raises(DomainError) as raised:
        services.organization_refuse(actor=operator, organization=org, reason="  ")
    assert raised.value.field == "reason"
    refused = services.organization_refuse(
        actor=operator, organization=org, reason="Kbis illisible"
    )
    assert refused.refusal_reason == "Kbis illisible"
    assert refused.refused_at is not None
    assert refused.state == OrganizationState.PENDING


def test_suspend_reactivate_terminate_with_reasons(operator):
    org = make_org(buyer=True)
    suspended = services.organization_suspend(
        actor=operator, organization=org, reason="Impayés répétés"
    )
    assert (suspended.state, suspended.suspension_reason) == ("suspended", "Impayés répétés")
    with pytest.raises(DomainError) as raised:
        services.organization_suspend(actor=operator, organization=org, reason="encore")
    assert raised.value.code == "invalid_transition"
    services.organization_reactivate(actor=operator, organization=org)
    terminated = services.organization_terminate(
        actor=operator, organization=org, reason="Fin de contrat"
    )
    assert terminated.state == OrganizationState.TERMINATED
    assert terminated.termination_reason == "Fin de contrat"


def test_owner_may_delete_its_account_but_an_employee_may_not():
    owner = make_user()
    org = make_org(buyer=True, owner=owner)
    employee = make_user()
    services.membership_add(actor=owner, organization=org, user=employee, permissions=["use_cart"])
    with pytest.raises(PermissionDenied):
        services.organization_terminate(actor=employee, organization=org, reason="au revoir")
    services.organization_terminate(actor=owner, organization=org, reason="Cessation d'activité")
    assert not queries.memberships_for(owner).exists()


def test_update_revalidates_identifiers():
    owner = make_user()
    org = make_org(buyer=True, owner=owner)
    with pytest.raises(DomainError) as raised:
        services.organization_update(
            actor=owner, organization=org, changes={"iban": "FR7612345678901234567890123"}
        )
    assert raised.value.field == "iban"
    updated = services.organization_update(
        actor=owner, organization=org, changes={"phone": "01 23 45 67 89"}
    )
    assert updated.phone == "01 23 45 67 89"


def test_operator_authorization_is_recorded_in_the_audit_log(operator):
    from comptoir.core.models import AuditEntry

    siren = next_siren()
    register(siren=siren)
    second = register(
        siren=siren, legal_name="Second magasin", actor=operator, authorize_duplicate_siren=True
    )
    entry = AuditEntry.objects.filter(
        action="organization.register", organization_id=second.pk
    ).get()
    assert entry.actor == operator
    assert entry.data["siren_duplicate_authorized"] is True
    assert entry.data["siren"] == siren
