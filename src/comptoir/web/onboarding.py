"""Registration and onboarding pages (P1, P2, P3, P6, P7).

A company registers itself with its owner account and follows its onboarding (documents, platform
terms) on its own page; the operator works the queue of pending organizations, validates, refuses,
reviews documents, suspends, reactivates or terminates members, and publishes platform terms.
Views parse input, call the parties services and queries, and render; refusals show their rule.
Operator pages answer 404 to every logged-in user who is not the operator (they do not exist for
them) and send anonymous visitors to the login page.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.downloads import attachment_response
from comptoir.core.errors import DomainError, NotFound
from comptoir.parties import backends
from comptoir.parties import services as parties
from comptoir.parties.acting import SESSION_KEY
from comptoir.parties.models import (
    DocumentKind,
    DocumentStatus,
    Membership,
    OnboardingDocument,
    Organization,
    OrganizationState,
    Permission,
    PlatformTermsVersion,
    TermsDecision,
    TermsPreset,
)
from comptoir.parties.permissions import is_operator
from comptoir.parties.queries import (
    document_problems_for,
    onboarding_checklist,
    organization_for_user,
    organizations_for_operator,
    platform_terms_in_force,
    platform_terms_pending_for,
)
from comptoir.web.ordering import _error, page
from comptoir.web.ratelimit import rate_limited

StrOrPromise = str | Promise

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
ORGANIZATIONS_PER_PAGE = 50
QUEUE_LIMIT = 200

# --- labels (the model choices are not translated) ---------------------------------------------

STATE_LABELS: dict[str, StrOrPromise] = {
    OrganizationState.PENDING: gettext_lazy("Pending validation"),
    OrganizationState.ACTIVE: gettext_lazy("Active"),
    OrganizationState.SUSPENDED: gettext_lazy("Suspended"),
    OrganizationState.TERMINATED: gettext_lazy("Terminated"),
}
KIND_LABELS: dict[str, StrOrPromise] = {
    DocumentKind.KBIS: gettext_lazy("Kbis extract (less than 3 months old)"),
    DocumentKind.BANK_DETAILS: gettext_lazy("Bank details (RIB)"),
    DocumentKind.SIGNED_TERMS: gettext_lazy("Signed terms (“read and approved”)"),
    DocumentKind.SELECTIVE_CONTRACT: gettext_lazy("Signed selective-distribution contract"),
    DocumentKind.REPRESENTATIVE_ID: gettext_lazy("ID of the legal representative"),
    DocumentKind.BENEFICIAL_OWNERS: gettext_lazy("Beneficial owners (over 25 %)"),
}
STATUS_LABELS: dict[str, StrOrPromise] = {
    DocumentStatus.PENDING: gettext_lazy("To review"),
    DocumentStatus.ACCEPTED: gettext_lazy("Accepted"),
    DocumentStatus.REJECTED: gettext_lazy("Rejected"),
}
PROBLEM_LABELS: dict[str | None, StrOrPromise] = {
    None: gettext_lazy("Provided"),
    "missing": gettext_lazy("Missing"),
    "expired": gettext_lazy("Expired"),
    "rejected": gettext_lazy("Rejected: upload a new one"),
}
ROLE_LABELS: dict[str, StrOrPromise] = {
    "buyer": gettext_lazy("Buyer"),
    "seller": gettext_lazy("Seller"),
    "operator": gettext_lazy("Operator"),
}
PRESET_LABELS: dict[str, StrOrPromise] = {
    TermsPreset.MARKETPLACE: gettext_lazy("Marketplace"),
    TermsPreset.MONTHLY_INTRANET: gettext_lazy("Monthly invoicing intranet"),
    TermsPreset.ELECTRONICS_WHOLESALE: gettext_lazy("Electronics wholesale"),
    TermsPreset.SELECTIVE_BEAUTY: gettext_lazy("Selective beauty"),
    TermsPreset.DIGITAL_GOODS: gettext_lazy("Digital goods"),
}


def _roles(org: Organization) -> str:
    return ", ".join(str(ROLE_LABELS[r]) for r in ("buyer", "seller", "operator") if r in org.roles)


def _decorate(org: Organization) -> Organization:
    org.state_label = STATE_LABELS.get(org.state, org.state)  # type: ignore[attr-defined]
    org.role_labels = _roles(org)  # type: ignore[attr-defined]
    return org


def decorate_document(doc: OnboardingDocument) -> OnboardingDocument:
    """A document with its translated kind and status labels and its file name."""
    doc.kind_label = KIND_LABELS.get(doc.kind, doc.kind)  # type: ignore[attr-defined]
    doc.status_label = STATUS_LABELS.get(doc.status, doc.status)  # type: ignore[attr-defined]
    doc.filename = os.path.basename(doc.file.name or "")  # type: ignore[attr-defined]
    return doc


@dataclass(frozen=True)
class ChecklistRow:
    kind: str
    label: str
    problem: str | None
    problem_label: str
    document: OnboardingDocument | None


def _checklist(actor: Any, organization: Organization) -> list[ChecklistRow]:
    rows = []
    for item in onboarding_checklist(actor=actor, organization_id=organization.pk):
        rows.append(
            ChecklistRow(
                kind=item.kind,
                label=str(KIND_LABELS.get(item.kind, item.label)),
                problem=item.problem,
                problem_label=str(PROBLEM_LABELS.get(item.problem, item.problem or "")),
                document=decorate_document(item.document) if item.document else None,
            )
        )
    return rows


def _rule(error: DomainError) -> str:
    return f"{error.message} ({error.rule})" if error.rule else error.message


def _mark_invalid(form: forms.Form) -> forms.Form:
    """Point each invalid input to its error message (aria-invalid, aria-describedby)."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"id_{name}_error"
    return form


# --- registration (P1, P3) ---------------------------------------------------------------------


class RegistrationForm(forms.Form):
    """What P1 asks of a registering company, and its owner's account."""

    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Your company registers as"),
        choices=[
            ("buyer", gettext_lazy("Buyer: I order from sellers")),
            ("seller", gettext_lazy("Seller: I sell to professional buyers")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    legal_name = forms.CharField(label=gettext_lazy("Legal name"), max_length=200)
    trade_name = forms.CharField(
        label=gettext_lazy("Trade name (shop name)"), max_length=200, required=False
    )
    siren = forms.CharField(label="SIREN", max_length=20)
    siret = forms.CharField(label=gettext_lazy("SIRET (head office)"), max_length=30)
    vat_number = forms.CharField(label=gettext_lazy("Intra-EU VAT number"), max_length=20)
    iban = forms.CharField(label="IBAN", max_length=50)
    bic = forms.CharField(label="BIC", max_length=15)
    address_line1 = forms.CharField(label=gettext_lazy("Address"), max_length=200)
    address_line2 = forms.CharField(
        label=gettext_lazy("Address (continued)"), max_length=200, required=False
    )
    address_postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=16)
    address_city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    address_country = forms.CharField(
        label=gettext_lazy("Country (ISO code)"), max_length=2, initial="FR"
    )
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30)
    email = forms.EmailField(label=gettext_lazy("Company e-mail"), max_length=254)
    social_handle = forms.CharField(
        label=gettext_lazy("Social media handle (optional)"), max_length=100, required=False
    )
    is_company = forms.BooleanField(
        label=gettext_lazy("A company (not a sole trader)"), required=False, initial=True
    )
    selective_distribution = forms.BooleanField(
        label=gettext_lazy("Buyer: I apply for selective brands"), required=False
    )
    financing_enabled = forms.BooleanField(
        label=gettext_lazy("Seller: I offer financed payments"), required=False
    )
    terms_preset = forms.ChoiceField(
        label=gettext_lazy("Seller: terms of sale to start from"),
        choices=[("", "—")] + list(PRESET_LABELS.items()),
        required=False,
    )
    owner_full_name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    owner_email = forms.EmailField(label=gettext_lazy("Your e-mail (login)"), max_length=254)
    owner_password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    owner_password_confirm = forms.CharField(
        label=gettext_lazy("Password (again)"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    owner_language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[("fr", "Français"), ("en", "English")]
    )
    accept_platform_terms = forms.BooleanField(required=False)

    def __init__(self, *args: Any, terms: PlatformTermsVersion | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.terms = terms
        field = self.fields["accept_platform_terms"]
        if terms is None:
            del self.fields["accept_platform_terms"]
        else:
            field.required = True
            field.label = _("I accept the platform terms, version %(version)s (P7)") % {
                "version": terms.version
            }
        self.fields["owner_email"].widget.attrs["autocomplete"] = "email"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("owner_password")
        if password and data.get("owner_password_confirm") not in (None, password):
            self.add_error("owner_password_confirm", _("The two passwords differ."))
        if password:
            try:
                validate_password(password)
            except ValidationError as exc:
                self.add_error("owner_password", exc)
        return data


#: Service fields that the registration form calls differently.
REGISTER_FIELDS = {
    "registered_address.line1": "address_line1",
    "registered_address.line2": "address_line2",
    "registered_address.postcode": "address_postcode",
    "registered_address.city": "address_city",
    "registered_address.country": "address_country",
}
USER_FIELDS = {"email": "owner_email", "language": "owner_language"}


class _Failed(Exception):
    def __init__(self, field: str | None, error: DomainError) -> None:
        super().__init__(error.message)
        self.field = field
        self.error = error


def _register(form: RegistrationForm) -> tuple[Any, Organization]:
    """Create the owner and the organization, and record the platform terms accepted: all or
    nothing (a refused SIREN leaves no orphan login behind)."""
    data = form.cleaned_data
    roles = set(data["roles"])
    with transaction.atomic():
        try:
            user = parties.user_create(
                email=data["owner_email"],
                password=data["owner_password"],
                full_name=data["owner_full_name"],
                language=data["owner_language"],
            )
        except DomainError as error:
            raise _Failed(USER_FIELDS.get(error.field or ""), error) from None
        try:
            org = parties.organization_register(
                actor=user,
                legal_name=data["legal_name"],
                trade_name=data["trade_name"],
                siren=data["siren"],
                siret=data["siret"],
                vat_number=data["vat_number"],
                iban=data["iban"],
                bic=data["bic"],
                contact_name=data["contact_name"],
                phone=data["phone"],
                email=data["email"],
                social_handle=data["social_handle"],
                is_buyer="buyer" in roles,
                is_seller="seller" in roles,
                terms_preset=data["terms_preset"] if "seller" in roles else "",
                selective_distribution=data["selective_distribution"] and "buyer" in roles,
                financing_enabled=data["financing_enabled"] and "seller" in roles,
                is_company=data["is_company"],
                registered_address=parties.AddressInput(
                    line1=data["address_line1"],
                    line2=data["address_line2"],
                    postcode=data["address_postcode"],
                    city=data["address_city"],
                    country=data["address_country"],
                ),
                owner=user,
            )
        except DomainError as error:
            field = REGISTER_FIELDS.get(error.field or "", error.field)
            raise _Failed(field, error) from None
        if form.terms is not None:
            try:
                parties.platform_terms_accept(
                    actor=user, organization=org, terms_version=form.terms
                )
            except DomainError as error:
                raise _Failed("accept_platform_terms", error) from None
    return user, org


@sensitive_post_parameters("owner_password", "owner_password_confirm")
@never_cache
@rate_limited("register")
def register(request: HttpRequest) -> HttpResponse:
    """A company registers as buyer and/or seller with its owner account (P1); it stays pending
    until the operator validates it (P1, P2)."""
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in: log out to register another company."))
        return redirect("web:home")
    terms = platform_terms_in_force()
    if request.method != "POST":
        form = RegistrationForm(initial={"owner_language": get_language() or "fr"}, terms=terms)
        return render(request, "web/onboarding/register.html", {"form": form, "terms": terms})
    form = RegistrationForm(request.POST, terms=terms)
    if form.is_valid():
        try:
            user, org = _register(form)
        except _Failed as failed:
            target = failed.field if failed.field in form.fields else None
            form.add_error(target, _rule(failed.error))
        except IntegrityError:
            form.add_error(
                None,
                _("This company or this e-mail has just been registered. Check and try again."),
            )
        else:
            login(request, user, backend=backends.PATH)
            request.session[SESSION_KEY] = org.pk
            messages.success(
                request,
                _(
                    "%(name)s is registered, pending validation by the operator (P1). "
                    "Upload the documents listed below (P2)."
                )
                % {"name": org.display_name},
            )
            return redirect("web:onboarding")
    return render(
        request,
        "web/onboarding/register.html",
        {"form": _mark_invalid(form), "terms": terms},
    )


# --- the member's onboarding page (P2, P7) -----------------------------------------------------


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG or PNG, 10 MB at most)"))
    issue_date = forms.DateField(
        label=gettext_lazy("Issue date (required for a Kbis)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_DOCUMENT_SIZE:
            raise ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith(DOCUMENT_EXTENSIONS):
            raise ValidationError(_("Send a PDF, JPEG or PNG file."))
        return upload


def _terms_to_answer(actor: Any, organization: Organization) -> list[PlatformTermsVersion]:
    """The versions the company has not answered: the one in force and the announced ones."""
    pending = platform_terms_pending_for(actor=actor, organization_id=organization.pk)
    in_force = platform_terms_in_force()
    now = clock.now()
    shown = []
    for version in pending:
        if in_force is not None and version.effective_at < in_force.effective_at:
            continue
        version.refusable = now < version.effective_at  # type: ignore[attr-defined]
        shown.append(version)
    return shown


def _onboarding_page(
    request: HttpRequest, membership: Membership, form: DocumentForm | None = None
) -> HttpResponse:
    org = _decorate(membership.organization)
    documents = [decorate_document(d) for d in org.documents.order_by("-uploaded_at", "-id")]
    return render(
        request,
        "web/onboarding/status.html",
        {
            "organization": org,
            "is_owner": membership.is_owner,
            "checklist": _checklist(request.user, org),
            "documents": documents,
            "form": _mark_invalid(form or DocumentForm()),
            "terms_to_answer": _terms_to_answer(request.user, org),
            "answers": list(
                org.terms_acceptances.select_related("terms_version").order_by("-decided_at")
            ),
        },
    )


@never_cache
@page(Permission.MANAGE_USERS)
def onboarding(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The company's onboarding: its state, the documents required and sent, the platform terms
    to answer (P1, P2, P7)."""
    return _onboarding_page(request, membership)


@require_POST
@page(Permission.MANAGE_USERS)
def onboarding_document_upload(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Send an onboarding document (P2): the owner does (the service checks it)."""
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _onboarding_page(request, membership, form)
    try:
        document = parties.document_upload(
            actor=request.user,  # type: ignore[arg-type]
            organization=membership.organization,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            issue_date=form.cleaned_data["issue_date"],
        )
    except DomainError as error:
        target = error.field if error.field in form.fields else None
        form.add_error(target, _rule(error))
        return _onboarding_page(request, membership, form)
    messages.success(
        request,
        _("%(kind)s received: the operator will review it (P2).")
        % {"kind": KIND_LABELS.get(document.kind, document.kind)},
    )
    return redirect("web:onboarding")


@require_POST
@page(Permission.MANAGE_USERS)
def onboarding_platform_terms(
    request: HttpRequest, membership: Membership, terms_id: int
) -> HttpResponse:
    """Accept, or refuse within its 15-day window, a platform terms version (P7)."""
    version = PlatformTermsVersion.objects.filter(
        pk=terms_id, published_at__lte=clock.now()
    ).first()
    if version is None:
        raise Http404("Platform terms version not found.")
    decision = request.POST.get("decision", "")
    services: dict[str, Callable[..., Any]] = {
        "accept": parties.platform_terms_accept,
        "refuse": parties.platform_terms_refuse,
    }
    if decision not in services:
        messages.error(request, _("Choose to accept or to refuse the platform terms."))
        return redirect("web:onboarding")
    try:
        services[decision](
            actor=request.user, organization=membership.organization, terms_version=version
        )
    except DomainError as error:
        _error(request, error)
        return redirect("web:onboarding")
    if decision == "accept":
        messages.success(
            request,
            _("Platform terms %(version)s accepted.") % {"version": version.version},
        )
    else:
        messages.warning(
            request,
            _(
                "Platform terms %(version)s refused: your membership ends on %(date)s, when "
                "they take effect (P7)."
            )
            % {
                "version": version.version,
                "date": version.effective_at.astimezone(clock.PARIS).strftime("%d/%m/%Y"),
            },
        )
    return redirect("web:onboarding")


# --- operator pages ----------------------------------------------------------------------------


def operator_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Operator only: anonymous → login; any other logged-in user → 404; not found → 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise Http404("Not found.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return never_cache(wrapped)


def _organization(request: HttpRequest, organization_id: int) -> Organization:
    return organization_for_user(request.user, organization_id)  # type: ignore[arg-type]


def _document(document_id: int) -> OnboardingDocument:
    document = (
        OnboardingDocument.objects.select_related("organization").filter(pk=document_id).first()
    )
    if document is None:
        raise NotFound(_("Document"))
    return document


@operator_page
def operator_onboarding(request: HttpRequest) -> HttpResponse:
    """The onboarding queue: organizations pending validation, oldest first, with their
    documents and what still blocks their validation (P1, P2, P3)."""
    pending = (
        organizations_for_operator(actor=request.user, state=OrganizationState.PENDING)  # type: ignore[arg-type]
        .order_by("created_at", "id")
        .prefetch_related("documents", "memberships__user")
    )
    rows = []
    for org in pending[:QUEUE_LIMIT]:
        _decorate(org)
        problems = [
            f"{KIND_LABELS.get(p.kind, p.kind)} — {PROBLEM_LABELS.get(p.problem, p.problem)}"
            for p in document_problems_for(org)
        ]
        documents = [decorate_document(d) for d in org.documents.all()]
        owners = [m.user.email for m in org.memberships.all() if m.is_owner]
        rows.append({"org": org, "problems": problems, "documents": documents, "owners": owners})
    return render(
        request,
        "web/onboarding/operator_queue.html",
        {"rows": rows, "total": pending.count(), "limit": QUEUE_LIMIT},
    )


ROLE_FILTERS = {
    "buyer": Q(is_buyer=True),
    "seller": Q(is_seller=True),
    "operator": Q(is_operator=True),
}


@operator_page
def operator_organizations(request: HttpRequest) -> HttpResponse:
    """Every organization, filtered by state and role, searched by name, SIREN or customer
    number."""
    state = request.GET.get("state", "")
    state = state if state in OrganizationState.values else ""
    role = request.GET.get("role", "")
    role = role if role in ROLE_FILTERS else ""
    search = request.GET.get("q", "").strip()[:100]
    qs: QuerySet[Organization] = organizations_for_operator(
        actor=request.user,  # type: ignore[arg-type]
        state=state or None,
        search=search or None,
    )
    if role:
        qs = qs.filter(ROLE_FILTERS[role])
    paginator = Paginator(qs, ORGANIZATIONS_PER_PAGE)
    current = paginator.get_page(request.GET.get("page"))
    for org in current.object_list:
        _decorate(org)
    query = {k: v for k, v in (("state", state), ("role", role), ("q", search)) if v}
    return render(
        request,
        "web/onboarding/operator_organizations.html",
        {
            "page_obj": current,
            "state": state,
            "role": role,
            "search": search,
            "states": list(STATE_LABELS.items()),
            "roles": list(ROLE_LABELS.items()),
            "query": urlencode(query),
        },
    )


@operator_page
def operator_organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    """One organization for the operator: details, close names (P3), checklist and documents
    (P2), platform terms answers (P7) and the actions its state allows (P1, P6)."""
    org = _decorate(_organization(request, organization_id))
    actions = [
        action for action, (sources, _target) in parties.TRANSITIONS.items() if org.state in sources
    ]
    documents = [decorate_document(d) for d in org.documents.order_by("-uploaded_at", "-id")]
    return render(
        request,
        "web/onboarding/operator_organization.html",
        {
            "organization": org,
            "addresses": list(org.addresses.all()),
            "members": list(org.memberships.select_related("user").order_by("-is_owner", "id")),
            "checklist": _checklist(request.user, org),
            "documents": documents,
            "answers": list(
                org.terms_acceptances.select_related("terms_version").order_by("-decided_at")
            ),
            "can_validate": "validate" in actions,
            "can_suspend": "suspend" in actions,
            "can_reactivate": "reactivate" in actions,
            "can_terminate": "terminate" in actions,
        },
    )


def _validate(request: HttpRequest, org: Organization, reason: str) -> str:
    parties.organization_validate(actor=request.user, organization=org)  # type: ignore[arg-type]
    return _("%(name)s is validated: it can now order (P1).")


def _refuse(request: HttpRequest, org: Organization, reason: str) -> str:
    parties.organization_refuse(actor=request.user, organization=org, reason=reason)  # type: ignore[arg-type]
    return _("%(name)s is refused; it stays pending until it sends what is missing (P1).")


def _suspend(request: HttpRequest, org: Organization, reason: str) -> str:
    parties.organization_suspend(actor=request.user, organization=org, reason=reason)  # type: ignore[arg-type]
    return _("%(name)s is suspended (P6).")


def _reactivate(request: HttpRequest, org: Organization, reason: str) -> str:
    parties.organization_reactivate(actor=request.user, organization=org)  # type: ignore[arg-type]
    return _("%(name)s is active again (P6).")


def _terminate(request: HttpRequest, org: Organization, reason: str) -> str:
    parties.organization_terminate(actor=request.user, organization=org, reason=reason)  # type: ignore[arg-type]
    return _("%(name)s is terminated (P6).")


ACTIONS: dict[str, Callable[[HttpRequest, Organization, str], str]] = {
    "validate": _validate,
    "refuse": _refuse,
    "suspend": _suspend,
    "reactivate": _reactivate,
    "terminate": _terminate,
}


@require_POST
@operator_page
def operator_organization_action(
    request: HttpRequest, organization_id: int, action: str
) -> HttpResponse:
    """Validate or refuse a pending organization (P1, P2); suspend, reactivate or terminate a
    member (P6). Refusal, suspension and termination need a reason."""
    if action not in ACTIONS:
        raise Http404("Unknown action.")
    org = _organization(request, organization_id)
    try:
        message = ACTIONS[action](request, org, request.POST.get("reason", "")[:2000])
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, message % {"name": org.display_name})
    return redirect("web:operator_organization", organization_id=org.pk)


@require_POST
@operator_page
def operator_document_review(request: HttpRequest, document_id: int) -> HttpResponse:
    """Accept or reject an onboarding document; a rejection needs a note (P2)."""
    document = _document(document_id)
    decision = request.POST.get("decision", "")
    if decision not in ("accept", "reject"):
        messages.error(request, _("Choose to accept or to reject the document."))
    else:
        try:
            parties.document_review(
                actor=request.user,  # type: ignore[arg-type]
                document=document,
                accepted=decision == "accept",
                note=request.POST.get("note", "")[:2000],
            )
        except DomainError as error:
            _error(request, error)
        else:
            label = KIND_LABELS.get(document.kind, document.kind)
            if decision == "accept":
                messages.success(request, _("%(kind)s accepted.") % {"kind": label})
            else:
                messages.success(request, _("%(kind)s rejected (P2).") % {"kind": label})
    return redirect("web:operator_organization", organization_id=document.organization_id)


@operator_page
def operator_document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """Download an onboarding document (always as an attachment, never shown inline)."""
    return document_response(_document(document_id))


def document_response(document: OnboardingDocument) -> FileResponse:
    """An onboarding document's file, always as an attachment (never shown inline); a file
    missing from the storage answers 404."""
    name = os.path.basename(document.file.name or "document")
    return attachment_response(document.file, filename=name)


class PlatformTermsForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("Version"), max_length=20)
    text = forms.CharField(
        label=gettext_lazy("Text"), max_length=200_000, widget=forms.Textarea(attrs={"rows": 12})
    )


def _platform_terms_page(request: HttpRequest, form: PlatformTermsForm) -> HttpResponse:
    versions = PlatformTermsVersion.objects.annotate(
        accepted=Count("acceptances", filter=Q(acceptances__decision=TermsDecision.ACCEPTED)),
        refused=Count("acceptances", filter=Q(acceptances__decision=TermsDecision.REFUSED)),
    ).order_by("-published_at", "-id")
    return render(
        request,
        "web/onboarding/operator_platform_terms.html",
        {
            "versions": list(versions),
            "in_force": platform_terms_in_force(),
            "form": _mark_invalid(form),
        },
    )


@operator_page
def operator_platform_terms(request: HttpRequest) -> HttpResponse:
    """The platform terms versions, their answers, and the form to publish a new one (P7)."""
    return _platform_terms_page(request, PlatformTermsForm())


@require_POST
@operator_page
def operator_platform_terms_publish(request: HttpRequest) -> HttpResponse:
    """Publish a new version: it takes effect 15 calendar days later (P7)."""
    form = PlatformTermsForm(request.POST)
    if not form.is_valid():
        return _platform_terms_page(request, form)
    try:
        terms = parties.platform_terms_publish(
            actor=request.user,  # type: ignore[arg-type]
            version=form.cleaned_data["version"],
            text=form.cleaned_data["text"],
        )
    except DomainError as error:
        target = error.field if error.field in form.fields else None
        form.add_error(target, _rule(error))
        return _platform_terms_page(request, form)
    messages.success(
        request,
        _("Platform terms %(version)s published; they take effect on %(date)s (P7).")
        % {
            "version": terms.version,
            "date": terms.effective_at.astimezone(clock.PARIS).strftime("%d/%m/%Y"),
        },
    )
    return redirect("web:operator_platform_terms")
