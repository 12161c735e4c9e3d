"""Organizations: registration (P1, P3), validation and refusal (P1, P2), suspension and
termination (P6), addresses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.parties import permissions as perms
from comptoir.parties import rules
from comptoir.parties.models import (
    Address,
    AddressKind,
    Membership,
    Organization,
    OrganizationState,
    Permission,
    TermsPreset,
)
from comptoir.parties.permissions import active_membership, require_operator
from comptoir.parties.queries import document_problems_for, similar_names
from comptoir.parties.services._audit import _audit, _audit_organization
from comptoir.parties.services.memberships import _new_membership

if TYPE_CHECKING:
    from comptoir.parties.models import User

S = OrganizationState

#: The organization life cycle: action → (states it starts from, state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "validate": (frozenset({S.PENDING}), S.ACTIVE),
    "suspend": (frozenset({S.ACTIVE}), S.SUSPENDED),
    "reactivate": (frozenset({S.SUSPENDED}), S.ACTIVE),
    "terminate": (frozenset({S.PENDING, S.ACTIVE, S.SUSPENDED}), S.TERMINATED),
}


@dataclass(frozen=True)
class AddressInput:
    line1: str
    postcode: str
    city: str
    country: str = "FR"
    line2: str = ""
    label: str = ""
    kind: str = AddressKind.REGISTERED


def _check_address(address: AddressInput, *, prefix: str) -> AddressInput:
    if address.kind not in AddressKind.values:
        raise DomainError("invalid_address_kind", _("Unknown address type."), f"{prefix}.kind")
    for name in ("line1", "postcode", "city"):
        if not getattr(address, name).strip():
            raise DomainError("required", _("This field is required."), f"{prefix}.{name}")
    country = address.country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise DomainError(
            "invalid_country",
            _("ISO 3166 alpha-2 code expected (FR, BE…)."),
            f"{prefix}.country",
        )
    postcode = address.postcode.strip()
    if country == "FR" and not (len(postcode) == 5 and postcode.isdigit()):
        raise DomainError(
            "invalid_postcode",
            _("A French postcode has 5 digits."),
            f"{prefix}.postcode",
        )
    return AddressInput(
        line1=address.line1.strip(),
        line2=address.line2.strip(),
        postcode=postcode,
        city=address.city.strip(),
        country=country,
        label=address.label.strip(),
        kind=address.kind,
    )


def _require_manager(actor: User | None, organization: Organization) -> None:
    """The operator, or a member of the organization allowed to manage it (owner/manage_users)."""
    if perms.is_operator(actor):
        return
    membership = active_membership(actor, organization)
    if membership is None or Permission.MANAGE_USERS not in membership.effective_permissions:
        raise PermissionDenied(_("Account owner only."))


def _lock(organization: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _transition(organization: Organization, action: str) -> tuple[Organization, str]:
    sources, target = TRANSITIONS[action]
    locked = _lock(organization)
    if locked.state not in sources:
        raise DomainError(
            code="invalid_transition",
            message=_("Action “%(action)s” is not possible: the organization is “%(state)s”.")
            % {"action": action, "state": OrganizationState(locked.state).label},
            field="state",
            rule="P6" if action in ("suspend", "reactivate", "terminate") else "P1",
            details={"from": locked.state, "action": action},
        )
    return locked, target


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required",
            _("A reason is required."),
            field="reason",
            rule="P6",
        )
    return reason


@transaction.atomic
def organization_register(
    *,
    actor: User | None,
    legal_name: str,
    siren: str,
    is_buyer: bool = False,
    is_seller: bool = False,
    is_operator: bool = False,
    trade_name: str = "",
    siret: str = "",
    vat_number: str = "",
    iban: str = "",
    bic: str = "",
    contact_name: str = "",
    phone: str = "",
    email: str = "",
    social_handle: str = "",
    terms_preset: str = "",
    selective_distribution: bool = False,
    financing_enabled: bool = False,
    is_company: bool = True,
    registered_address: AddressInput | None = None,
    owner: User | None = None,
    authorize_duplicate_siren: bool = False,
) -> Organization:
    """Register an organization, pending the operator's validation (P1).

    Identifiers are checksum-validated (field named on error). A second buyer account for a SIREN
    is refused (P3) unless the operator passes `authorize_duplicate_siren=True`, which is recorded
    on the organization and in the audit log. Close names are stored in `name_warnings` for the
    operator (P3). With `owner`, the owner's membership is created (holding every permission).
    """
    legal_name = (legal_name or "").strip()
    trade_name = (trade_name or "").strip()
    if not legal_name:
        raise DomainError("required", _("The legal name is required."), "legal_name", "P1")
    if not (is_buyer or is_seller or is_operator):
        raise DomainError(
            "role_required",
            _("Pick at least one role: buyer, seller or operator."),
            "roles",
            "P1",
        )
    if is_operator:
        require_operator(actor)
    ids = rules.validate_identifiers(
        siren=siren, siret=siret, vat_number=vat_number, iban=iban, bic=bic
    )
    rules.check_shop_name(field="trade_name", name=trade_name)
    rules.check_shop_name(field="legal_name", name=legal_name)
    if terms_preset and (not is_seller or terms_preset not in TermsPreset.values):
        raise DomainError("invalid_terms_preset", _("Unknown terms preset."), "terms_preset", "P1")
    duplicate_authorized = False
    if is_buyer:
        existing = list(
            Organization.objects.select_for_update()
            .filter(is_buyer=True, siren=ids.siren)
            .values_list("pk", flat=True)
        )
        if existing:
            if not authorize_duplicate_siren:
                raise DomainError(
                    code="siren_already_registered",
                    message=_(
                        "A buyer account already exists for the SIREN %(siren)s: one buyer "
                        "account per SIREN; a second one needs the operator's authorization."
                    )
                    % {"siren": ids.siren},
                    field="siren",
                    rule="P3",
                    details={"existing_organization_ids": existing},
                )
            require_operator(actor)
            duplicate_authorized = True
    now = clock.now()
    warnings = [m.as_dict() for m in similar_names(trade_name or legal_name)]
    org = Organization(
        is_buyer=is_buyer,
        is_seller=is_seller,
        is_operator=is_operator,
        legal_name=legal_name,
        trade_name=trade_name,
        siren=ids.siren,
        siret=ids.siret,
        vat_number=ids.vat_number,
        iban=ids.iban,
        bic=ids.bic,
        contact_name=contact_name.strip(),
        phone=phone.strip(),
        email=email.strip().lower(),
        social_handle=social_handle.strip(),
        terms_preset=terms_preset,
        selective_distribution=selective_distribution,
        financing_enabled=financing_enabled,
        is_company=is_company,
        siren_duplicate_authorized=duplicate_authorized,
        name_warnings=warnings,
        state=OrganizationState.PENDING,
        created_at=now,
        updated_at=now,
    )
    org.save()
    org.customer_number = f"CPT{org.pk:06d}"
    org.save(update_fields=["customer_number"])
    if registered_address is not None:
        checked = _check_address(registered_address, prefix="registered_address")
        Address.objects.create(
            organization=org,
            kind=AddressKind.REGISTERED,
            label=checked.label,
            line1=checked.line1,
            line2=checked.line2,
            postcode=checked.postcode,
            city=checked.city,
            country=checked.country,
        )
    if owner is not None:
        _new_membership(organization=org, user=owner, is_owner=True, permissions=())
    _audit_organization(
        actor,
        org,
        "organization.register",
        {
            "legal_name": org.legal_name,
            "siren": org.siren,
            "roles": sorted(org.roles),
            "customer_number": org.customer_number,
            "siren_duplicate_authorized": duplicate_authorized,
            "name_warnings": warnings,
        },
    )
    return org


EDITABLE_FIELDS = (
    "legal_name",
    "trade_name",
    "siret",
    "vat_number",
    "iban",
    "bic",
    "contact_name",
    "phone",
    "email",
    "social_handle",
    "selective_distribution",
    "financing_enabled",
    "is_company",
)


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, changes: dict[str, object]
) -> Organization:
    """Edit an organization's details; identifiers are re-validated (P1). SIREN is fixed."""
    _require_manager(actor, organization)
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise DomainError("not_editable", _("This field cannot be changed."), unknown[0], "P1")
    org = _lock(organization)
    values = {name: getattr(org, name) for name in EDITABLE_FIELDS} | dict(changes)
    ids = rules.validate_identifiers(
        siren=org.siren,
        siret=str(values["siret"] or ""),
        vat_number=str(values["vat_number"] or ""),
        iban=str(values["iban"] or ""),
        bic=str(values["bic"] or ""),
    )
    values.update(siret=ids.siret, vat_number=ids.vat_number, iban=ids.iban, bic=ids.bic)
    if not str(values["legal_name"]).strip():
        raise DomainError("required", _("The legal name is required."), "legal_name", "P1")
    rules.check_shop_name(field="trade_name", name=str(values["trade_name"]))
    before = {name: getattr(org, name) for name in changes}
    for name in changes:
        setattr(org, name, values[name])
    org.updated_at = clock.now()
    org.save(update_fields=[*changes, "updated_at"])
    _audit_organization(
        actor,
        org,
        "organization.update",
        {"before": before, "after": {name: getattr(org, name) for name in changes}},
    )
    return org


@transaction.atomic
def address_add(
    *, actor: User | None, organization: Organization, address: AddressInput
) -> Address:
    _require_manager(actor, organization)
    checked = _check_address(address, prefix="address")
    created = Address.objects.create(
        organization=organization,
        kind=checked.kind,
        label=checked.label,
        line1=checked.line1,
        line2=checked.line2,
        postcode=checked.postcode,
        city=checked.city,
        country=checked.country,
    )
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="address.add",
        obj_type="parties.Address",
        obj_id=created.pk,
        data={"kind": created.kind, "city": created.city, "country": created.country},
    )
    return created


def _address_fields(address: Address) -> dict[str, str]:
    return {
        name: getattr(address, name)
        for name in ("kind", "label", "line1", "line2", "postcode", "city", "country")
    }


def _own_address(organization: Organization, address_id: int) -> Address:
    """The organization's delivery or billing address, locked; another organization's address is
    `NotFound` (P9). The registered office is not changed here: it is the one registered and
    checked against the Kbis (P1, P2)."""
    found = (
        Address.objects.select_for_update()
        .filter(pk=address_id, organization_id=organization.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("Address"), field="address")
    if found.kind == AddressKind.REGISTERED:
        raise DomainError(
            "registered_office",
            _("The registered office is not changed here."),
            "address",
            "P1",
        )
    return found


@transaction.atomic
def address_update(
    *, actor: User | None, organization: Organization, address_id: int, address: AddressInput
) -> Address:
    """Change a delivery or billing address (P1). Orders and invoices keep the copy they were
    given (`Order.delivery_address`, the invoice's party snapshot), so past documents stay as
    they were."""
    _require_manager(actor, organization)
    row = _own_address(organization, address_id)
    checked = _check_address(address, prefix="address")
    if checked.kind == AddressKind.REGISTERED:
        raise DomainError("invalid_address_kind", _("Delivery or billing."), "kind", "P1")
    before = _address_fields(row)
    for name in ("kind", "label", "line1", "line2", "postcode", "city", "country"):
        setattr(row, name, getattr(checked, name))
    row.save()
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="address.update",
        obj_type="parties.Address",
        obj_id=row.pk,
        data={"before": before, "after": _address_fields(row)},
    )
    return row


@transaction.atomic
def address_delete(*, actor: User | None, organization: Organization, address_id: int) -> None:
    """Delete a delivery or billing address. Orders keep their own copy of the delivery address
    and invoices the billing address they were issued with, so nothing refers to the row."""
    _require_manager(actor, organization)
    row = _own_address(organization, address_id)
    data = _address_fields(row)
    row.delete()
    _audit(
        actor=actor,
        organization_id=organization.pk,
        action="address.delete",
        obj_type="parties.Address",
        obj_id=address_id,
        data=data,
    )


@transaction.atomic
def organization_validate(*, actor: User | None, organization: Organization) -> Organization:
    """The operator validates a pending member (P1); blocked while documents are missing or
    expired (P2), with the list of problems in `details["problems"]`."""
    require_operator(actor)
    org, target = _transition(organization, "validate")
    problems = document_problems_for(org)
    if problems:
        listing = ", ".join(f"{p.kind} ({p.problem})" for p in problems)
        raise DomainError(
            code="onboarding_incomplete",
            message=ngettext(
                "Validation blocked by a missing or expired document: %(documents)s.",
                "Validation blocked by missing or expired documents: %(documents)s.",
                len(problems),
            )
            % {"documents": listing},
            field="documents",
            rule="P2",
            details={"problems": [p.as_dict() for p in problems]},
        )
    now = clock.now()
    org.state = target
    org.validated_at = now
    org.refused_at = None
    org.refusal_reason = ""
    org.updated_at = now
    org.save(update_fields=["state", "validated_at", "refused_at", "refusal_reason", "updated_at"])
    _audit_organization(actor, org, "organization.validate", {"state": org.state})
    return org


@transaction.atomic
def organization_refuse(
    *, actor: User | None, organization: Organization, reason: str
) -> Organization:
    """The operator refuses a pending membership with a reason (P1): it stays pending, marked
    refused, until it supplies what is missing and is validated."""
    require_operator(actor)
    reason = _required_reason(reason)
    org, _target = _transition(organization, "validate")
    now = clock.now()
    org.refused_at = now
    org.refusal_reason = reason
    org.updated_at = now
    org.save(update_fields=["refused_at", "refusal_reason", "updated_at"])
    _audit_organization(actor, org, "organization.refuse", {"reason": reason})
    return org


@transaction.atomic
def organization_suspend(
    *, actor: User | None, organization: Organization, reason: str
) -> Organization:
    require_operator(actor)
    reason = _required_reason(reason)
    org, target = _transition(organization, "suspend")
    now = clock.now()
    org.state = target
    org.suspended_at = now
    org.suspension_reason = reason
    org.updated_at = now
    org.save(update_fields=["state", "suspended_at", "suspension_reason", "updated_at"])
    _audit_organization(actor, org, "organization.suspend", {"reason": reason})
    return org


@transaction.atomic
def organization_reactivate(*, actor: User | None, organization: Organization) -> Organization:
    require_operator(actor)
    org, target = _transition(organization, "reactivate")
    org.state = target
    org.updated_at = clock.now()
    org.save(update_fields=["state", "updated_at"])
    _audit_organization(
        actor, org, "organization.reactivate", {"previous_suspension_reason": org.suspension_reason}
    )
    return org


@transaction.atomic
def organization_terminate(
    *, actor: User | None, organization: Organization, reason: str
) -> Organization:
    """Terminate a member (P6), by the operator or by its owner (account deletion).

    What the member still owes is checked by the contexts that know it (payments) before they call
    this; every membership is closed.
    """
    if not perms.is_operator(actor):
        membership = active_membership(actor, organization)
        if membership is None or not membership.is_owner:
            raise PermissionDenied(_("Reserved for the account owner or the operator."), rule="P6")
    reason = _required_reason(reason)
    org, target = _transition(organization, "terminate")
    now = clock.now()
    org.state = target
    org.terminated_at = now
    org.termination_reason = reason
    org.updated_at = now
    org.save(update_fields=["state", "terminated_at", "termination_reason", "updated_at"])
    Membership.objects.filter(organization=org, is_active=True).update(
        is_active=False, deactivated_at=now
    )
    _audit_organization(actor, org, "organization.terminate", {"reason": reason})
    return org
