"""The company account: its details and addresses (P1), its users and their rights (P4), the
invitations it sends and their landing page, the export of its own data (P6, P9).

Managing the account is the owner's act or that of a member holding "manage other users'
permissions" (P4 right `manage_users`); anybody else gets 403, as on the API keys page. The
services decide the rest: a manager grants only rights it holds itself, only the owner
deactivates or reactivates an employee, an invitation is accepted with the invited e-mail only.

An invitation travels as an unguessable token (32 random bytes) in a link sent to the invited
e-mail; it is never shown on a page. Its landing page lets the invited person accept it when
logged in with that e-mail, or create a login for that e-mail and accept at once.
"""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.billing.snapshots import printed_address
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties import backends
from comptoir.parties import services as parties
from comptoir.parties.acting import SESSION_KEY
from comptoir.parties.models import AddressKind, Invitation, Membership, Permission, User
from comptoir.parties.queries import (
    addresses_of,
    document_of,
    documents_of,
    invitation_by_token,
    invitations_for,
    login_exists,
    members_of,
)
from comptoir.web.company_export import export_filename, write_export
from comptoir.web.forms_flow import act, confirm, submit
from comptoir.web.onboarding import decorate_document, document_response
from comptoir.web.ordering import _error, page

MANAGE = Permission.MANAGE_USERS


def _user(request: HttpRequest) -> User:
    """The logged-in user (the `page` decorator has sent anybody else to the login page)."""
    return cast(User, request.user)


def permission_labels() -> list[tuple[str, str]]:
    """The P4 rights in the order of the rule, labelled in the page's language."""
    return [
        (Permission.VIEW_PRODUCTS, _("See product information")),
        (Permission.VIEW_PRICES, _("See prices")),
        (Permission.VIEW_ORDERS, _("See orders")),
        (Permission.VIEW_INVOICES, _("See credit and invoices")),
        (Permission.USE_CART, _("Use the cart")),
        (Permission.PLACE_ORDERS, _("Place orders")),
        (Permission.AUTO_REPLENISHMENT, _("Auto-replenishment")),
        (Permission.MANAGE_USERS, _("Manage other users' permissions")),
    ]


def _detail_fields() -> list[tuple[str, str, str]]:
    """(field, label, input type) of the details a manager edits; the SIREN is fixed (P1) and
    the onboarding options (P2) stay with the operator's review."""
    return [
        ("legal_name", _("Legal name"), "text"),
        ("trade_name", _("Trade name"), "text"),
        ("siret", _("SIRET"), "text"),
        ("vat_number", _("VAT number"), "text"),
        ("iban", _("IBAN"), "text"),
        ("bic", _("BIC"), "text"),
        ("contact_name", _("Contact person"), "text"),
        ("phone", _("Phone"), "tel"),
        ("email", _("E-mail"), "email"),
        ("social_handle", _("Social-media handle"), "text"),
    ]


def _address_kinds() -> list[tuple[str, str]]:
    return [(kind, str(kind.label)) for kind in (AddressKind.DELIVERY, AddressKind.BILLING)]


def _kind_labels() -> dict[str, str]:
    return {AddressKind.REGISTERED: _("Registered office"), **dict(_address_kinds())}


# --- the account: details and addresses --------------------------------------------------------


def _account_page(
    request: HttpRequest,
    membership: Membership,
    *,
    values: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> HttpResponse:
    organization = membership.organization
    labels = _kind_labels()
    addresses = list(addresses_of(organization))
    printed = printed_address(addresses)
    for address in addresses:
        address.kind_label = labels.get(address.kind, address.kind)  # type: ignore[attr-defined]
        address.on_invoices = address is printed  # type: ignore[attr-defined]
    fields = [
        {
            "name": name,
            "label": label,
            "type": kind,
            "value": (values or {}).get(name, getattr(organization, name) or ""),
            "error": error.message if error is not None and error.field == name else "",
        }
        for name, label, kind in _detail_fields()
    ]
    return render(
        request,
        "web/company/account.html",
        {
            "organization": organization,
            "fields": fields,
            "error": error,
            "addresses": addresses,
            "address_kinds": _address_kinds(),
            "documents": [decorate_document(d) for d in documents_of(organization)[:100]],
            "may_export": _may_export(membership),
        },
    )


@never_cache
@page(MANAGE)
def account(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's details and addresses, with links to the other account pages."""
    return _account_page(request, membership)


@require_POST
@page(MANAGE)
def account_update(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Change the company's details; identifiers are validated again by the service (P1)."""
    organization = membership.organization
    values = {
        name: request.POST[name].strip()[:200]
        for name, _label, _kind in _detail_fields()
        if name in request.POST
    }
    changes: dict[str, object] = {
        k: v for k, v in values.items() if v != (getattr(organization, k) or "")
    }
    if not changes:
        messages.info(request, _("Nothing to change."))
        return redirect("web:account")
    try:
        parties.organization_update(
            actor=_user(request), organization=organization, changes=changes
        )
    except DomainError as error:
        return _account_page(request, membership, values=values, error=error)
    messages.success(request, _("The company's details are saved."))
    return redirect("web:account")


@require_POST
@page(MANAGE)
def address_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Add a delivery or billing address (the registered office comes with registration)."""
    kind = request.POST.get("kind", "")
    if kind not in dict(_address_kinds()):
        messages.error(request, _("Choose a delivery or a billing address."))
        return redirect("web:account")
    return act(
        request,
        lambda: parties.address_add(
            actor=_user(request),
            organization=membership.organization,
            address=parties.AddressInput(
                kind=kind,
                label=request.POST.get("label", "")[:100],
                line1=request.POST.get("line1", "")[:200],
                line2=request.POST.get("line2", "")[:200],
                postcode=request.POST.get("postcode", "")[:16],
                city=request.POST.get("city", "")[:100],
                country=request.POST.get("country", "FR")[:2],
            ),
        ),
        done=_("Address added."),
        to="web:account",
    )


class AddressForm(forms.Form):
    """A delivery or billing address (the registered office is not edited here, P1)."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=())
    label = forms.CharField(
        label=gettext_lazy("Label (point of sale, warehouse…)"), required=False, max_length=100
    )
    line1 = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    line2 = forms.CharField(
        label=gettext_lazy("Address (continued)"), required=False, max_length=200
    )
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=16)
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    country = forms.CharField(label=gettext_lazy("Country (ISO code)"), max_length=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _address_kinds()  # type: ignore[attr-defined]
        autocomplete = {
            "line1": "address-line1",
            "line2": "address-line2",
            "postcode": "postal-code",
            "city": "address-level2",
            "country": "country",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value


def _address_update(
    request: HttpRequest, membership: Membership, address_id: int, data: dict[str, Any]
) -> Any:
    try:
        return parties.address_update(
            actor=_user(request),
            organization=membership.organization,
            address_id=address_id,
            address=parties.AddressInput(**data),
        )
    except DomainError as error:  # the service names "address.city": the form's "city"
        error.field = (error.field or "").removeprefix("address.") or None
        raise


def _own_address(membership: Membership, address_id: int) -> Any:
    """A delivery or billing address of the company; another company's answers 404 (P9), its
    registered office too (it is not edited here)."""
    address = addresses_of(membership.organization).filter(pk=address_id).first()
    if address is None or address.kind not in dict(_address_kinds()):
        raise NotFound(_("Address"))
    return address


@require_http_methods(["GET", "POST"])
@page(MANAGE)
def address_edit(request: HttpRequest, membership: Membership, address_id: int) -> HttpResponse:
    """Change a delivery or billing address; orders and invoices keep the copy they were given."""
    address = _own_address(membership, address_id)
    initial = {name: getattr(address, name) for name in AddressForm.base_fields}
    form = AddressForm(request.POST if request.method == "POST" else None, initial=initial)
    return submit(
        request,
        form,
        lambda data: _address_update(request, membership, address.pk, data),
        done=_("Address saved."),
        to="web:account",
        page=lambda form: render(
            request,
            "web/company/address_form.html",
            {"form": form, "address": address},
            status=400 if form.is_bound else 200,
        ),
    )


@require_http_methods(["GET", "POST"])
@page(MANAGE)
def address_delete(request: HttpRequest, membership: Membership, address_id: int) -> HttpResponse:
    """Delete a delivery or billing address after confirmation; past orders and invoices keep
    their own copy of it."""
    address = _own_address(membership, address_id)
    address.kind_label = _kind_labels().get(address.kind, address.kind)  # type: ignore[attr-defined]
    return confirm(
        request,
        lambda: parties.address_delete(
            actor=_user(request), organization=membership.organization, address_id=address.pk
        ),
        done=_("Address deleted."),
        to="web:account",
        template="web/company/address_delete.html",
        context={"address": address},
    )


# --- onboarding documents (P2) -----------------------------------------------------------------


@never_cache
@page(MANAGE)
def document_file(request: HttpRequest, membership: Membership, document_id: int) -> HttpResponse:
    """Download one of the company's own onboarding documents (always as an attachment);
    another company's answers 404 (P9)."""
    return document_response(document_of(membership.organization, document_id))  # type: ignore[return-value]


# --- users and invitations (P4) ----------------------------------------------------------------


def _users_page(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    mine = membership.effective_permissions
    labels = permission_labels()
    rows = []
    for member in members_of(actor=_user(request), organization=organization):
        held = member.effective_permissions if member.is_owner else frozenset(member.permissions)
        rows.append(
            {
                "membership": member,
                "cells": [
                    {"value": value, "label": label, "checked": value in held, "may": value in mine}
                    for value, label in labels
                ],
                "beyond_mine": bool(held - mine) and not member.is_owner,
            }
        )
    invitations = list(invitations_for(actor=_user(request), organization=organization)[:100])
    label_of = dict(labels)
    for invitation in invitations:
        invitation.labels = [label_of.get(p, p) for p in invitation.permissions]  # type: ignore[attr-defined]
    return render(
        request,
        "web/company/users.html",
        {
            "organization": organization,
            "rows": rows,
            "labels": labels,
            "grantable": [(v, label) for v, label in labels if v in mine],
            "invitations": invitations,
            "is_owner": membership.is_owner,
            "now": clock.now(),
        },
    )


@never_cache
@page(MANAGE)
def users(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's users and their rights, the invitations sent, the form to invite."""
    return _users_page(request, membership)


def _member(request: HttpRequest, membership: Membership, membership_id: int) -> Membership:
    found = members_of(actor=_user(request), organization=membership.organization).filter(
        pk=membership_id
    )
    member = found.select_related("organization").first()
    if member is None:
        raise NotFound(_("Membership"))
    return member


def send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """The invitation e-mail, in French then English (the invited person's language is not
    known yet), with the link to accept it."""
    link = request.build_absolute_uri(reverse("web:invitation", args=[invitation.token]))
    context: dict[str, Any] = {
        "organization": invitation.organization,
        "link": link,
        "expires_at": invitation.expires_at,
        "invited_by": request.user,
    }
    with translation.override("fr"):
        subject = _("Invitation to join %(org)s on Comptoir") % {
            "org": invitation.organization.display_name
        }
    parts = []
    for language in ("fr", "en"):
        with translation.override(language):
            parts.append(render_to_string("web/company/invitation_email.txt", context))
    body = "\n\n-----\n\n".join(parts)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@require_POST
@page(MANAGE)
def member_invite(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Invite somebody by e-mail with the rights ticked, within the inviter's own (P4)."""
    try:
        invitation = parties.membership_invite(
            actor=_user(request),
            organization=membership.organization,
            email=request.POST.get("email", "")[:254],
            permissions=request.POST.getlist("permissions"),
        )
    except DomainError as error:
        _error(request, error)
        return redirect("web:account_users")
    try:
        send_invitation(request, invitation)
    except OSError:  # the mail server is down: the invitation stands, revoke and send again
        messages.warning(request, _("The invitation is recorded but the e-mail could not leave."))
        return redirect("web:account_users")
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("web:account_users")


@require_POST
@page(MANAGE)
def member_permissions(
    request: HttpRequest, membership: Membership, membership_id: int
) -> HttpResponse:
    """Grant exactly the rights ticked (P4); the service refuses a right the manager lacks."""
    member = _member(request, membership, membership_id)
    return act(
        request,
        lambda: parties.membership_set_permissions(
            actor=_user(request), membership=member, permissions=request.POST.getlist("permissions")
        ),
        done=_("Rights of %(email)s saved.") % {"email": member.user.email},
        to="web:account_users",
    )


@require_POST
@page(MANAGE)
def member_deactivate(
    request: HttpRequest, membership: Membership, membership_id: int
) -> HttpResponse:
    """The owner deactivates an employee, who loses every right at once (P4)."""
    member = _member(request, membership, membership_id)
    return act(
        request,
        lambda: parties.membership_deactivate(actor=_user(request), membership=member),
        done=_("%(email)s is deactivated.") % {"email": member.user.email},
        to="web:account_users",
    )


@require_POST
@page(MANAGE)
def member_reactivate(
    request: HttpRequest, membership: Membership, membership_id: int
) -> HttpResponse:
    member = _member(request, membership, membership_id)
    return act(
        request,
        lambda: parties.membership_reactivate(actor=_user(request), membership=member),
        done=_("%(email)s is active again.") % {"email": member.user.email},
        to="web:account_users",
    )


@require_POST
@page(MANAGE)
def invitation_revoke(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    """Revoke an invitation not yet accepted: its link no longer works."""
    invitation = (
        invitations_for(actor=_user(request), organization=membership.organization)
        .filter(pk=invitation_id)
        .select_related("organization")
        .first()
    )
    if invitation is None:
        raise NotFound(_("Invitation"))
    return act(
        request,
        lambda: parties.invitation_revoke(actor=_user(request), invitation=invitation),
        done=_("Invitation to %(email)s revoked.") % {"email": invitation.email},
        to="web:account_users",
    )


# --- the invitation's landing page -------------------------------------------------------------


def _invitation_page(
    request: HttpRequest, invitation: Invitation, errors: list[str] | None = None
) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    label_of = dict(permission_labels())
    return render(
        request,
        "web/company/invitation.html",
        {
            "invitation": invitation,
            "rights": [label_of.get(p, p) for p in invitation.permissions],
            "matches": user is not None and user.email.lower() == invitation.email.lower(),
            "has_login": user is None and login_exists(invitation.email),
            "login_url": f"{reverse('web:login')}?next={request.path}",
            "errors": errors or [],
            "full_name": request.POST.get("full_name", "")[:200],
        },
    )


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[SESSION_KEY] = membership.organization_id
    request.__dict__.pop("_comptoir_memberships", None)
    messages.success(
        request,
        _("Welcome to %(org)s: you now act for this company.")
        % {"org": membership.organization.display_name},
    )
    return redirect("web:home")


def _create_login_and_join(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Create the invited person's login (the e-mail is the invited one) and accept at once."""
    password = request.POST.get("password", "")
    errors = []
    if password != request.POST.get("password_again", ""):
        errors.append(_("The two passwords differ."))
    else:
        try:
            validate_password(password)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        return _invitation_page(request, invitation, errors)
    try:
        with transaction.atomic():
            user = parties.user_create(
                email=invitation.email,
                password=password,
                full_name=request.POST.get("full_name", "")[:200],
                language="en" if (translation.get_language() or "")[:2] == "en" else "fr",
            )
            membership = parties.invitation_accept(token=invitation.token, user=user)
    except DomainError as error:
        return _invitation_page(request, invitation, [error.message])
    login(request, user, backend=backends.PATH)
    return _joined(request, membership)


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation (P4): logged in with the invited e-mail, or by creating a login for
    it. An unknown, expired, revoked or used token is refused with one clear page (404)."""
    try:
        found = invitation_by_token(token[:64])
    except NotFound:
        return render(request, "web/company/invitation_invalid.html", status=404)
    if request.method != "POST":
        return _invitation_page(request, found)
    if not request.user.is_authenticated:
        if login_exists(found.email):
            return redirect(f"{reverse('web:login')}?next={request.path}")
        return _create_login_and_join(request, found)
    try:
        membership = parties.invitation_accept(token=found.token, user=_user(request))
    except DomainError as error:
        _error(request, error)
        return redirect("web:invitation", token=found.token)
    return _joined(request, membership)


# --- export of the company's own data (P6, P9) -------------------------------------------------


def _may_export(membership: Membership) -> bool:
    """The export holds orders and invoices: it needs the rights to see them too (P4)."""
    return {Permission.VIEW_ORDERS, Permission.VIEW_INVOICES} <= membership.effective_permissions


@never_cache
@page(MANAGE)
def export(request: HttpRequest, membership: Membership) -> HttpResponse:
    """A zip of the company's own data: details, members, addresses, orders and their lines,
    invoices and credit notes as issued, statements of account, payments."""
    if not _may_export(membership):
        raise HttpForbidden(_("Exporting needs the rights to see orders and invoices (P4)."))
    organization = membership.organization
    out = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
    write_export(actor=_user(request), organization=organization, out=out)  # type: ignore[arg-type]
    out.seek(0)
    response = FileResponse(
        out,
        as_attachment=True,
        filename=export_filename(organization),
        content_type="application/zip",
    )
    return response  # type: ignore[return-value]  # a streamed answer
