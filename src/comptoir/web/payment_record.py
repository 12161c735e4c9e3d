"""A payment received, recorded by hand by the seller (PT1, PT4, PT7): a cheque, a transfer seen
in the bank's web portal, an LCR paid, and so on. The page is a form; the service
`payment_record` records the money on the day its funds are available (PT4) and allocates it as
the seller's terms say (PT7); the seller then lands on the buyer's statement of account with a
message saying what was paid and what is left as a credit.

Permissions (P4). As `POST /api/payments`: recording a payment is an owner's act, no grantable
right delegates it, so only an owner of the seller records one (403 for the other members, the
finance staff with "credit and invoices" included). A buyer's organization has no such page
(404). The buyer must be one the seller trades with (the buyers of the receivables page: an
order placed or anything on their account); another company's buyer is refused with the form
again (400), and a link preselecting one answers 404, as its statement does.

Double submission. The form carries an idempotency key (uuid4 hex) made when it is shown and
stored as `web:<key>`: the same form sent twice records one payment, and the second answer is the
same statement page with the same payment. Bad input answers the form again, with each field's
problem and rule, status 400, and records nothing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as IdentifierError

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import format_money_active
from comptoir.ledger.models import Matching, OpenItem
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments import rules
from comptoir.payments.models import Payment
from comptoir.payments.policy import payment_policy
from comptoir.payments.services import payment_record as record_service
from comptoir.payments.services.prepayments import PREPAYMENT_METHODS
from comptoir.web.catalog_admin import RuleForm, date_field, decimal_field, number
from comptoir.web.forms_flow import invalid, submit
from comptoir.web.ordering import page
from comptoir.web.payments import _buyers_of, _int, _kinds, _seller
from comptoir.web.prepayment import METHOD_LABELS

TEMPLATE = "web/payments/payment_record.html"
KEY_PREFIX = "web:"
MAX_AMOUNT = Decimal("999999999999.99")  # the column holds 14 digits, 2 of them cents
AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")

METHODS = PREPAYMENT_METHODS
"""Money a seller receives outside the platform's own flows, recorded by hand (PT1). Card
payments come through the provider, a financing partner's through its own service (with its fee,
PT3), a seller's set-off from the deposit (`deposit_set_off`, PT8) moves no money, and "pay by
invoice" is a term, not a means: none of these is recorded here."""

#: What the terms may offer (PT1), for the hint on the form.
OFFERED_LABELS: dict[str, Any] = {
    **{str(method): label for method, label in METHOD_LABELS.items()},
    "card": gettext_lazy("Card"),
    "pay_by_invoice": gettext_lazy("Pay by invoice"),
    "financing_partner": gettext_lazy("Financing partner"),
    "tip": gettext_lazy("TIP (interbank payment order)"),
}

#: How the terms allocate a payment (PT7), as the pages say it.
ORDER_LABELS: dict[str | None, Any] = {
    rules.INTEREST_FIRST: gettext_lazy(
        "interest and costs first, then the principal, oldest first"
    ),
    rules.OLDEST_FIRST: gettext_lazy("the oldest debt first, whatever the payer names"),
    None: gettext_lazy(
        "the debt the payer names in the reference first, then the oldest, as the Civil Code "
        "says when the terms are silent (art. 1342-10)"
    ),
}


# --- who records ---------------------------------------------------------------------------------


def _recorder(membership: Membership) -> Organization:
    """The seller an owner records for: 404 for a buyer's organization, 403 for a member who is
    not an owner (P4, as the API)."""
    seller = _seller(membership)
    if not membership.is_owner:
        raise HttpForbidden(
            _("Only an owner of the company records a payment received, as through the API (P4).")
        )
    return seller


# --- the form ------------------------------------------------------------------------------------


class PaymentRecordForm(RuleForm):
    """Types only, plus what the service would refuse without naming its rule: the amount in
    cents (PT4), the value date not to come (PT4) and within the seller's terms (PT7: they set
    the allocation), the payer's IBAN checked (P1). Each message names its rule."""

    rule = "PT4"
    buyer = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=gettext_lazy("Buyer who paid"),
        empty_label=gettext_lazy("Choose the buyer"),
    )
    amount = decimal_field(gettext_lazy("Amount received (€)"))
    method = forms.ChoiceField(label=gettext_lazy("Payment method"))
    value_date = date_field(gettext_lazy("Date the funds were available"))
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=140,
        help_text=gettext_lazy(
            "The cheque number, the transfer's wording, or the invoice the payer names (PT7)."
        ),
    )
    payer_iban = forms.CharField(
        label=gettext_lazy("Payer's IBAN (optional)"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    idempotency_key = forms.CharField(label="", max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, seller: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seller = seller
        fields = self.fields
        buyer = fields["buyer"]
        assert isinstance(buyer, forms.ModelChoiceField)
        buyer.queryset = _buyers_of(seller).only("pk", "legal_name", "trade_name")
        method = fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [("", _("Choose how the buyer paid"))] + [
            (m, METHOD_LABELS[m]) for m in METHODS
        ]
        today = clock.today()
        fields["value_date"].widget.attrs["max"] = today.isoformat()
        fields["value_date"].help_text = _(
            "The day the money is available to you, as your bank shows it (the value date): "
            "not the day the cheque or the notice arrived (PT4)."
        )
        specific = {
            "buyer": {
                "required": _("Choose the buyer who paid (P9)."),
                "invalid_choice": _("Choose one of the buyers you trade with (P9)."),
            },
            "method": {
                "required": _("Choose how the buyer paid (PT1)."),
                "invalid_choice": _("Choose one of the methods listed (PT1)."),
            },
            "reference": {
                "required": _(
                    "Give the cheque number, the transfer's wording or the invoice paid (PT7)."
                ),
                "max_length": _("At most 140 characters (PT7)."),
            },
            "amount": {"max_length": _("Enter an amount in euros, for example 1234,56 (PT4).")},
            "payer_iban": {"max_length": _("This IBAN is not valid: check it (P1).")},
            "idempotency_key": {
                "required": _("This form has expired: check it and send it again."),
                "max_length": _("This form has expired: check it and send it again."),
            },
        }
        for name, texts in specific.items():
            fields[name].error_messages.update(texts)

    def clean_amount(self) -> Decimal:
        text = number(self.cleaned_data["amount"])
        if text.startswith("-") or (AMOUNT_TEXT.fullmatch(text) and Decimal(text) == 0):
            raise ValidationError(_("The amount received must be more than zero (PT4)."))
        if not AMOUNT_TEXT.fullmatch(text):
            raise ValidationError(_("Enter an amount in euros, for example 1234,56 (PT4)."))
        value = Decimal(text)
        if value > MAX_AMOUNT:
            raise ValidationError(_("This amount is too large (PT4)."))
        if value != rules.cents(value):
            raise ValidationError(_("Euros and cents: at most two decimals (PT4)."))
        return rules.cents(value)

    def clean_value_date(self) -> date:
        day: date = self.cleaned_data["value_date"]
        today = clock.today()
        if day > today:
            raise ValidationError(
                _(
                    "A payment counts on the day its funds are available to you, "
                    "not on a day to come (PT4)."
                )
            )
        if payment_policy(self.seller, day) is None and payment_policy(self.seller, today):
            # allocated as the terms in force on that day say (PT7): none were, so a typo
            raise ValidationError(
                _(
                    "Your terms of sale were not yet in force on that day: check the date "
                    "(PT4, PT7)."
                )
            )
        return day

    def clean_reference(self) -> str:
        text = " ".join(self.cleaned_data["reference"].split())
        if not text:
            raise ValidationError(self.fields["reference"].error_messages["required"])
        return text

    def clean_payer_iban(self) -> str:
        text = self.cleaned_data["payer_iban"].strip()
        if not text:
            return ""
        try:
            return str(stdnum_iban.validate(text, check_country=True))
        except IdentifierError:
            raise ValidationError(_("This IBAN is not valid: check it (P1).")) from None

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"].strip()
        if not re.fullmatch(r"[0-9a-f]{32}", key):
            raise ValidationError(self.fields["idempotency_key"].error_messages["required"])
        return key

    def renew_key(self) -> None:
        """A fresh key, when the one sent cannot be used again (expired, or used for another
        payment): the form sent again records a new payment."""
        self.data = {**dict(self.data.items()), "idempotency_key": uuid.uuid4().hex}


# --- what the page says --------------------------------------------------------------------------


def _terms_hints(seller: Organization) -> dict[str, Any]:
    """What the seller's terms in force say about payments (PT1, PT4, PT5, PT7), for the form."""
    policy = payment_policy(seller, clock.today())
    if policy is None:
        return {"terms": None}
    section = policy.document.payment
    kept = section.method_kept_all_year
    return {
        "terms": True,
        "offered": ", ".join(str(OFFERED_LABELS.get(m, m)) for m in section.methods),
        "counts_clause": policy.clause("payment", "counts_as_paid"),
        "allocation": ORDER_LABELS.get(policy.allocation, policy.allocation),
        "allocation_clause": policy.clause("payment", "allocation"),
        "kept_all_year": kept is not None and kept.enabled,
        "kept_clause": kept.clause.article if kept is not None and kept.clause else "",
    }


def _context(seller: Organization, form: PaymentRecordForm) -> dict[str, Any]:
    buyer_id = form["buyer"].value()
    return {
        "seller": seller,
        "form": form,
        "back": (
            reverse("web:account_statement", args=[buyer_id])
            if not form.is_bound and buyer_id
            else reverse("web:receivables")
        ),
        **_terms_hints(seller),
    }


def _in_sentence(label: Any) -> str:
    """A label inside a sentence: "Cheque" → "cheque", but "LCR", "SEPA…", "PayPal" kept."""
    text = str(label)
    word = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if word[1:] == word[1:].lower() else text


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    again: bool  # the same form sent twice: the payment recorded the first time


def _allocation_text(payment: Payment) -> str:
    """What the payment paid, debt by debt, and what is left as a credit of the buyer (PT7)."""
    money = format_money_active
    kinds = _kinds()
    matched = list(
        Matching.objects.filter(item_b_id=payment.open_item_id)
        .select_related("item_a")
        .order_by("at", "pk")
    )
    parts = []
    if matched:
        policy = payment_policy(payment.seller, payment.value_date)
        order = policy.allocation if policy is not None else None
        clause = policy.clause("payment", "allocation") if policy is not None else ""
        items = []
        for m in matched:
            debt: OpenItem = m.item_a
            kind = _in_sentence(kinds.get(debt.kind, debt.kind))
            label = _("%(kind)s %(reference)s: %(amount)s") % {
                "kind": kind,
                "reference": debt.reference,
                "amount": money(m.amount),
            }
            state = (
                _("settled")
                if debt.open_amount == 0
                else _("still due %(amount)s") % {"amount": money(debt.open_amount)}
            )
            items.append(f"{label} ({state})")
        rule = f"PT7, {clause}" if clause else "PT7"
        parts.append(
            _("Allocation (%(rule)s: %(order)s): %(items)s.")
            % {"items": "; ".join(items), "order": ORDER_LABELS.get(order, order), "rule": rule}
        )
    item = OpenItem.objects.filter(pk=payment.open_item_id or 0).first()
    left = -item.open_amount if item is not None else rules.ZERO
    if left > 0 and not matched:
        parts.append(_("The buyer owed you nothing: all of it stays a credit of the buyer (PT7)."))
    elif left > 0:
        parts.append(
            _("%(amount)s was left over: it stays a credit of the buyer (PT7).")
            % {"amount": money(left)}
        )
    return " ".join(parts)


def _done_text(result: Recorded) -> str:
    payment = result.payment
    recorded = _(
        "%(amount)s received from %(buyer)s by %(method)s, value date %(day)s: "
        "it counts as paid on that day (PT4)."
    ) % {
        "amount": format_money_active(payment.amount),
        "buyer": payment.buyer.display_name,
        "method": _in_sentence(OFFERED_LABELS.get(payment.method, payment.method)),
        "day": payment.value_date.strftime("%d/%m/%Y"),
    }
    parts = [
        _("This form was already sent: the payment was recorded once.") if result.again else "",
        recorded,
        _allocation_text(payment),
    ]
    policy = payment_policy(payment.seller, payment.value_date)
    if policy is not None and payment.method not in policy.document.payment.methods:
        kept = policy.document.payment.method_kept_all_year
        parts.append(
            _(
                "Your terms do not offer this method (PT1), and the buyer keeps its method for "
                "the year unless you agree (PT5): it was recorded as you accepted it."
            )
            if kept is not None and kept.enabled
            else _("Your terms do not offer this method (PT1): it was recorded as you accepted it.")
        )
    return " ".join(p for p in parts if p)


# --- views ---------------------------------------------------------------------------------------


@page(Permission.VIEW_INVOICES)
def payment_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The form, with a fresh idempotency key, today's date and, from a buyer's row or statement,
    that buyer chosen (404 when the seller does not trade with it)."""
    seller = _recorder(membership)
    initial: dict[str, Any] = {"value_date": clock.today(), "idempotency_key": uuid.uuid4().hex}
    if request.GET.get("buyer"):
        buyer = _buyers_of(seller).filter(pk=_int(request.GET.get("buyer"))).first()
        if buyer is None:
            raise NotFound(_("Buyer"), field="buyer")
        initial["buyer"] = buyer.pk
    form = PaymentRecordForm(initial=initial, seller=seller)
    return render(request, TEMPLATE, _context(seller, form))


@require_POST
@page(Permission.VIEW_INVOICES)
def payment_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Record the payment (PT4), allocated by the terms (PT7); then the buyer's statement."""
    seller = _recorder(membership)
    form = PaymentRecordForm(request.POST, seller=seller)

    def call(data: dict[str, Any]) -> Recorded:
        key = KEY_PREFIX + data["idempotency_key"]
        again = Payment.objects.filter(seller=seller, idempotency_key=key).exists()
        try:
            payment = record_service(
                buyer=data["buyer"],
                seller=seller,
                amount=data["amount"],
                method=data["method"],
                value_date=data["value_date"],
                idempotency_key=key,
                reference=data["reference"],
                payer_iban=data["payer_iban"],
                source=Payment.Source.MANUAL,
                actor=request.user,
            )
        except DomainError as error:
            if error.code == "idempotency_conflict":
                raise DomainError(
                    code=error.code,
                    message=_(
                        "This form already recorded another payment (another amount or buyer): "
                        "see the statement of account. The form was renewed: send it again to "
                        "record this one as a new payment."
                    ),
                    field="idempotency_key",
                ) from None
            raise
        return Recorded(payment, again)

    def again(form: forms.Form) -> HttpResponse:
        assert isinstance(form, PaymentRecordForm)
        if "idempotency_key" in form.errors:
            form.renew_key()
        return invalid(request, TEMPLATE, _context(seller, form))

    return submit(
        request,
        form,
        call,
        done=_done_text,
        to=lambda result: reverse("web:account_statement", args=[result.payment.buyer_id]),
        page=again,
    )
