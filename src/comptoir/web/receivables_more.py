"""A buyer's security deposits (PT9) and quarterly rebates (PT13), seen and managed by its seller:
`/seller/buyers/<party_id>/deposit-and-rebates/`, reached from the buyer's row on the
receivables page.

The page lists the deposits (received, held, set off, returned, with their days) and the rebate
agreements (quarter, tiers, status, settlement: earned, forfeited and why, offset, due), each
with its rule and the seller's clause. Its three forms call the payments services:
`deposit_receive`, `deposit_return` and `rebate_agreement_set`; the quarterly settlement stays
the sweep's (`payments.rebates`).

Permissions (P4), as the receivables page and its credit-limit form: the seller's members with
"credit and invoices" (`Permission.VIEW_INVOICES`), 403 for the others; a buyer's organization
has no such page (404); a buyer the seller never traded with (no order, nothing on its account,
as the statement of account) answers 404.

Refusals: the page again, status 400, each field's problem and rule beside it; nothing recorded.

Double submission of a deposit: the form carries a key (uuid4 hex) made when it is shown. The
deposit and an audit entry naming the key (`payments.deposit_form`) are written in one
transaction, with the seller's row locked first: the same form sent twice finds the entry and
records nothing more. The return is safe by itself (the held deposits are locked and marked
returned), and a rebate agreement is one per quarter (a second post sets the same tiers)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.core.i18n import format_money_active
from comptoir.core.models import AuditEntry
from comptoir.core.services import audit_record
from comptoir.ledger import queries as ledger
from comptoir.parties.models import Membership, Organization, Permission
from comptoir.payments.models import Deposit, RebateAgreement, RebateSettlement
from comptoir.payments.policy import PaymentPolicy, deposit_refund_days, payment_policy
from comptoir.payments.rebates_rules import PERIOD_MONTHS, period_label, period_valid
from comptoir.payments.rules import ZERO, cents
from comptoir.payments.services.credit import deposit_receive, deposit_return
from comptoir.payments.services.rebates import rebate_agreement_set, rebate_settle_now
from comptoir.web.catalog_admin import RuleForm, date_field, decimal_field, number
from comptoir.web.forms_flow import error_text, form_error, invalid
from comptoir.web.ordering import page
from comptoir.web.payments import _buyers_of, _seller

FINANCE = Permission.VIEW_INVOICES
TEMPLATE = "web/receivables_more/buyer.html"
FORM_OBJECT = "payments.deposit_form"
MAX_AMOUNT = Decimal("999999999999.99")  # the column holds 14 digits, 2 of them cents
AMOUNT_TEXT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
KEY_TEXT = re.compile(r"[0-9a-f]{32}")
MAX_TIERS = 20


# --- who sees whom -------------------------------------------------------------------------------


def _pair(membership: Membership, party_id: int) -> tuple[Organization, Organization]:
    """(seller, buyer): 404 for a buyer's organization and for a buyer the seller never traded
    with (as the statement of account)."""
    seller = _seller(membership)
    buyer = None
    if party_id != seller.pk:
        buyer = _buyers_of(seller).filter(pk=party_id).first()
    if buyer is None:
        raise NotFound(_("Buyer"), field="party")
    return seller, buyer


def _money(value: Decimal) -> str:
    return format_money_active(value)


def _with(data: Mapping[str, Any], name: str, value: str) -> QueryDict:
    """The posted data with one value replaced (the form shown again)."""
    copy = QueryDict(mutable=True)
    if isinstance(data, QueryDict):
        copy = data.copy()
    else:
        copy.update(data)
    copy[name] = value
    return copy


def _amount(text: str, rule: str) -> Decimal:
    """An amount in euros typed with a comma or a point, more than 0, in cents."""
    value = number(text)
    if value.startswith("-") or (AMOUNT_TEXT.fullmatch(value) and Decimal(value) == 0):
        raise ValidationError(_("The amount must be more than zero (%(rule)s).") % {"rule": rule})
    if not AMOUNT_TEXT.fullmatch(value):
        if re.fullmatch(r"[0-9]+\.[0-9]{3,}", value):
            raise ValidationError(
                _("Euros and cents: at most two decimals (%(rule)s).") % {"rule": rule}
            )
        raise ValidationError(
            _("Enter an amount in euros, for example 2000 or 1234,56 (%(rule)s).") % {"rule": rule}
        )
    amount = Decimal(value)
    if amount > MAX_AMOUNT:
        raise ValidationError(_("This amount is too large (%(rule)s).") % {"rule": rule})
    return cents(amount)


# --- the forms -----------------------------------------------------------------------------------


class DepositReceiveForm(RuleForm):
    """A security deposit received (PT9): its amount and the day it was received."""

    rule = "PT9"
    amount = decimal_field(gettext_lazy("Amount received (€)"))
    received_on = date_field(gettext_lazy("Received on"))
    form_key = forms.CharField(label="", max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="deposit", **kwargs)
        self.fields["received_on"].widget.attrs["max"] = clock.today().isoformat()
        expired = _("This form has expired: check it and send it again.")
        self.fields["form_key"].error_messages.update(required=expired, max_length=expired)

    def clean_amount(self) -> Decimal:
        return _amount(self.cleaned_data["amount"], "PT9")

    def clean_received_on(self) -> date:
        day: date = self.cleaned_data["received_on"]
        if day > clock.today():
            raise ValidationError(
                _("A deposit is recorded once received: not on a day to come (PT9).")
            )
        return day

    def clean_form_key(self) -> str:
        key = self.cleaned_data["form_key"].strip()
        if not KEY_TEXT.fullmatch(key):
            raise ValidationError(self.fields["form_key"].error_messages["required"])
        return key

    def renew_key(self) -> None:
        """A fresh key, when the one sent cannot be used again."""
        self.data = _with(self.data, self.add_prefix("form_key"), uuid.uuid4().hex)


class DepositReturnForm(RuleForm):
    """The contract ended: what the buyer owes is deducted and the rest returned (PT9)."""

    rule = "PT9"
    contract_ended_on = date_field(gettext_lazy("Contract ended on"))
    owed_seen = forms.CharField(label="", max_length=32, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm: deduct what the buyer owes and return the rest."),
    )

    def __init__(self, *args: Any, first_received: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, prefix="return", **kwargs)
        self.first_received = first_received
        self.fields["contract_ended_on"].widget.attrs["max"] = clock.today().isoformat()
        self.fields["confirm"].error_messages["required"] = _(
            "Tick the box to confirm the return, after checking what is deducted (PT9)."
        )

    def clean_contract_ended_on(self) -> date:
        day: date = self.cleaned_data["contract_ended_on"]
        if day > clock.today():
            raise ValidationError(
                _("Return the deposit once the contract has ended: not on a day to come (PT9).")
            )
        if self.first_received is not None and day < self.first_received:
            raise ValidationError(
                _("The contract cannot end before the deposit was received, on %(day)s (PT9).")
                % {"day": self.first_received.strftime("%d/%m/%Y")}
            )
        return day

    def clean_owed_seen(self) -> Decimal | None:
        """The balance the page showed (None when unreadable: the balance counts as changed)."""
        value = self.cleaned_data["owed_seen"].strip()
        return Decimal(value) if re.fullmatch(r"-?[0-9]{1,13}(\.[0-9]{1,2})?", value) else None


class RebateAgreementForm(RuleForm):
    """The tiers of one quarter (PT13): 'threshold;percent' lines."""

    rule = "PT13"
    period_start = date_field(gettext_lazy("First day of the quarter"))
    tiers = forms.CharField(
        label=gettext_lazy("Tiers, one a line: threshold excl. VAT (€);percent"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "For example “0;2” then “5000;3”: 2 percent of the rebatable turnover from 0 €, "
            "3 percent from 5,000 € excl. VAT. The highest threshold reached gives its percent to "
            "the whole turnover."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="rebate", **kwargs)
        self.fields["tiers"].error_messages["max_length"] = _("At most %(count)s tiers (PT13).") % {
            "count": MAX_TIERS
        }

    def clean_period_start(self) -> date:
        day: date = self.cleaned_data["period_start"]
        if not period_valid(day):
            raise ValidationError(
                _("A quarter starts on 1 January, 1 April, 1 July or 1 October (PT13).")
            )
        if day < clock.today():
            raise ValidationError(
                _(
                    "The tiers of a quarter are set at its start, on its first day at the "
                    "latest (PT13)."
                )
            )
        return day

    def clean_tiers(self) -> list[tuple[Decimal, Decimal]]:
        lines = [ln.strip() for ln in self.cleaned_data["tiers"].splitlines() if ln.strip()]
        if not lines:
            raise ValidationError(self.fields["tiers"].error_messages["required"])
        if len(lines) > MAX_TIERS:
            raise ValidationError(self.fields["tiers"].error_messages["max_length"])
        out = []
        for i, line in enumerate(lines, start=1):
            parts = [p.strip() for p in line.split(";")]
            where = {"line": i, "text": line[:40]}
            if len(parts) != 2:
                raise ValidationError(
                    _(
                        "Line %(line)s (“%(text)s”): write the threshold and the percent "
                        "separated by a semicolon, for example 5000;3 (PT13)."
                    )
                    % where
                )
            threshold, percent = number(parts[0]), number(parts[1].rstrip("%").strip())
            if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", threshold):
                raise ValidationError(
                    _(
                        "Line %(line)s (“%(text)s”): the threshold is an amount excl. VAT in "
                        "euros and cents, 0 or more (PT13)."
                    )
                    % where
                )
            if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", percent) or not (
                0 < Decimal(percent) <= 100
            ):
                raise ValidationError(
                    _(
                        "Line %(line)s (“%(text)s”): the percent is more than 0 and at most "
                        "100, with at most two decimals (PT13)."
                    )
                    % where
                )
            if Decimal(threshold) > MAX_AMOUNT:
                raise ValidationError(
                    _("Line %(line)s (“%(text)s”): this threshold is too large (PT13).") % where
                )
            out.append((cents(Decimal(threshold)), Decimal(percent)))
        thresholds = [tier[0] for tier in out]
        if len(set(thresholds)) != len(thresholds):
            raise ValidationError(_("Each threshold appears once (PT13)."))
        ordered = sorted(out)
        if any(high[1] < low[1] for low, high in zip(ordered, ordered[1:], strict=False)):
            raise ValidationError(_("A higher threshold cannot give a lower percent (PT13)."))
        return out


# --- what the page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositTerms:
    """What the seller's terms in force say of the security deposit (PT9)."""

    amount: Decimal | None
    refund_days: int
    refund_unit_ok: bool  # the terms count the refund time in calendar days (or say nothing)
    clause: str
    text: str


def _deposit_terms(policy: PaymentPolicy | None) -> DepositTerms:
    section = policy.document.credit.security_deposit if policy is not None else None
    days = deposit_refund_days(policy)
    if section is None:
        return DepositTerms(None, days, True, "", "")
    within = section.refund_within
    unit_ok = within is None or within.unit == "calendar_days"
    clause = section.clause
    return DepositTerms(
        section.amount,
        days,
        unit_ok,
        clause.article if clause is not None else "",
        clause.text if clause is not None else "",
    )


def _rebate_terms(policy: PaymentPolicy | None) -> dict[str, Any]:
    section = policy.document.rebates if policy is not None else None
    if section is None:
        return {"rebates_granted": False, "rebate_clause": "", "rebate_text": ""}
    clause = section.clause
    return {
        "rebates_granted": True,
        "rebate_quarterly": section.period == "quarter",
        "rebate_clause": clause.article if clause is not None else "",
        "rebate_text": clause.text if clause is not None else "",
    }


def next_quarter_start(today: date) -> date:
    """Today when it starts a quarter, else the first day of the next quarter."""
    if period_valid(today):
        return today
    month = today.month - 1 + PERIOD_MONTHS["quarter"] - (today.month - 1) % 3
    return date(today.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class AgreementRow:
    agreement: RebateAgreement
    label: str
    tiers: list[tuple[Decimal, Decimal]]
    status: str
    status_label: str
    settlement: RebateSettlement | None


def _agreement_rows(buyer: Organization, seller: Organization, today: date) -> list[AgreementRow]:
    labels = {
        "to_come": _("Set: the quarter has not started"),
        "running": _("Running"),
        "waiting": _("Quarter over: waiting for its invoices to be paid or due"),
        "earned": _("Earned"),
        "forfeited": _("Forfeited"),
    }
    rows = []
    agreements = (
        RebateAgreement.objects.filter(buyer=buyer, seller=seller)
        .select_related("settlement")
        .order_by("-period_start", "-pk")
    )
    for agreement in agreements:
        settlement = getattr(agreement, "settlement", None)
        if settlement is not None:
            status = "forfeited" if settlement.forfeited else "earned"
        elif agreement.period_start > today:
            status = "to_come"
        elif agreement.period_end >= today:
            status = "running"
        else:
            status = "waiting"
        tiers = [
            (Decimal(str(t["threshold"])), Decimal(str(t["percent"]))) for t in agreement.tiers
        ]
        rows.append(
            AgreementRow(
                agreement,
                period_label(agreement.period_start),
                tiers,
                status,
                labels[status],
                settlement,
            )
        )
    return rows


def _deposits(buyer: Organization, seller: Organization) -> list[Deposit]:
    return list(Deposit.objects.filter(buyer=buyer, seller=seller).order_by("received_on", "pk"))


def _context(
    seller: Organization,
    buyer: Organization,
    *,
    receive: DepositReceiveForm | None = None,
    give_back: DepositReturnForm | None = None,
    rebate: RebateAgreementForm | None = None,
) -> dict[str, Any]:
    today = clock.today()
    policy = payment_policy(seller, today)
    deposits = _deposits(buyer, seller)
    held_rows = [d for d in deposits if d.status == Deposit.Status.HELD]
    held = sum((d.held for d in held_rows), ZERO)
    owed = max(ledger.balance(buyer, seller), ZERO)
    deducted = min(owed, held)
    first_received = min((d.received_on for d in held_rows), default=None)
    terms = _deposit_terms(policy)
    if receive is None:
        initial: dict[str, Any] = {"received_on": today, "form_key": uuid.uuid4().hex}
        if terms.amount is not None and not deposits:
            initial["amount"] = str(terms.amount)  # the amount the terms set (2,000 € [001 §4])
        receive = DepositReceiveForm(initial=initial)
    if give_back is None:
        give_back = DepositReturnForm(
            initial={"contract_ended_on": today, "owed_seen": str(owed)},
            first_received=first_received,
        )
    if rebate is None:
        rebate = RebateAgreementForm(initial={"period_start": next_quarter_start(today)})
    return {
        "seller": seller,
        "buyer": buyer,
        "today": today,
        "has_terms": policy is not None,
        "deposits": deposits,
        "deposit_held": held,
        "any_held": bool(held_rows),
        "owed": owed,
        "deducted": deducted,
        "returned": held - deducted,
        "uncovered": owed - deducted,
        "return_due_on": today + timedelta(days=terms.refund_days),
        "deposit_terms": terms,
        "agreements": _agreement_rows(buyer, seller, today),
        "receive_form": receive,
        "return_form": give_back,
        "rebate_form": rebate,
        **_rebate_terms(policy),
    }


def _page_url(buyer: Organization, anchor: str = "") -> str:
    url = reverse("web:receivables_more_buyer", args=[buyer.pk])
    return f"{url}#{anchor}" if anchor else url


def _done(request: HttpRequest, text: str, buyer: Organization, anchor: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(_page_url(buyer, anchor))


# --- views ---------------------------------------------------------------------------------------


@page(FINANCE)
def buyer_deposit_rebates(
    request: HttpRequest, membership: Membership, party_id: int
) -> HttpResponse:
    """The buyer's deposits and rebate agreements, with the seller's forms (PT9, PT13)."""
    seller, buyer = _pair(membership, party_id)
    return render(request, TEMPLATE, _context(seller, buyer))


def _deposit_once(
    seller: Organization, buyer: Organization, data: dict[str, Any], actor: Any
) -> tuple[Deposit, bool]:
    """The deposit, recorded once per form key: (deposit, recorded earlier by the same form)."""
    key = data["form_key"]
    with transaction.atomic():
        # the seller's row locked first: a second post of the form waits, then finds the key
        list(Organization.objects.select_for_update().filter(pk=seller.pk).values_list("pk"))
        sent = (
            AuditEntry.objects.filter(
                object_type=FORM_OBJECT, object_id=key, organization_id=seller.pk
            )
            .values_list("data", flat=True)
            .first()
        )
        if sent is not None:
            deposit = Deposit.objects.filter(pk=sent.get("deposit"), seller=seller).first()
            same = (
                deposit is not None
                and deposit.buyer_id == buyer.pk
                and deposit.amount == data["amount"]
                and deposit.received_on == data["received_on"]
            )
            if deposit is None or not same:
                raise DomainError(
                    code="form_key_used",
                    message=_(
                        "This form already recorded another deposit: see the list above. The "
                        "form was renewed: send it again to record this one as a new deposit."
                    ),
                    field="form_key",
                    rule="PT9",
                )
            return deposit, True
        deposit = deposit_receive(
            buyer=buyer,
            seller=seller,
            amount=data["amount"],
            received_on=data["received_on"],
            actor=actor,
        )
        audit_record(
            actor=actor,
            organization_id=seller.pk,
            action="payments.deposit_form_sent",
            obj_type=FORM_OBJECT,
            obj_id=key,
            data={"deposit": deposit.pk, "buyer": buyer.pk, "rule": "PT9"},
        )
        return deposit, False


@require_POST
@page(FINANCE)
def deposit_receive_view(
    request: HttpRequest, membership: Membership, party_id: int
) -> HttpResponse:
    """Record a security deposit received from the buyer (PT9), once per form."""
    seller, buyer = _pair(membership, party_id)
    form = DepositReceiveForm(request.POST)
    if form.is_valid():
        try:
            deposit, again = _deposit_once(seller, buyer, form.cleaned_data, request.user)
        except DomainError as error:
            form_error(form, error)
            if error.field == "form_key":
                form.renew_key()
        else:
            text = _("Deposit of %(amount)s received on %(day)s recorded: it is held (PT9).") % {
                "amount": _money(deposit.amount),
                "day": deposit.received_on.strftime("%d/%m/%Y"),
            }
            if again:
                text = _("This form was already sent: the deposit was recorded once.") + " " + text
            return _done(request, text, buyer, "deposits")
    elif "form_key" in form.errors:
        form.renew_key()
    return invalid(request, TEMPLATE, _context(seller, buyer, receive=form))


@require_POST
@page(FINANCE)
def deposit_return_view(
    request: HttpRequest, membership: Membership, party_id: int
) -> HttpResponse:
    """The contract ended: deduct what the buyer owes and return the rest (PT9 [001 §4])."""
    seller, buyer = _pair(membership, party_id)
    context = _context(seller, buyer)
    form = DepositReturnForm(request.POST, first_received=context["return_form"].first_received)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if not context["any_held"]:
                raise DomainError(
                    code="no_deposit_held",
                    message=_("No deposit of this buyer is held: there is nothing to return."),
                    field="contract_ended_on",
                    rule="PT9",
                )
            # an unreadable balance seen counts as changed
            seen = data["owed_seen"] if data["owed_seen"] is not None else Decimal("-1")
            deposit = deposit_return(
                buyer=buyer,
                seller=seller,
                contract_ended_on=data["contract_ended_on"],
                owed_seen=seen,
                actor=request.user,
            )
            if deposit is None:  # returned meanwhile by another post
                raise DomainError(
                    code="no_deposit_held",
                    message=_("No deposit of this buyer is held: there is nothing to return."),
                    field="contract_ended_on",
                    rule="PT9",
                )
        except DomainError as error:
            if error.field == "owed_seen":  # hidden: said beside the confirmation
                error.field = "confirm"
            form_error(form, error)
        else:
            before = {
                d.pk: d.deducted for d in context["deposits"] if d.status == Deposit.Status.HELD
            }
            returned_rows = [
                d
                for d in _deposits(buyer, seller)
                if d.pk in before and d.status == Deposit.Status.RETURNED
            ]
            returned = sum((d.returned_amount for d in returned_rows), ZERO)
            deducted = sum((d.deducted - before[d.pk] for d in returned_rows), ZERO)
            text = _(
                "Deposit returned: %(deducted)s deducted for what the buyer owed, %(returned)s "
                "to transfer back by %(day)s (PT9)."
            ) % {
                "deducted": _money(deducted),
                "returned": _money(returned),
                "day": (deposit.return_due_on or data["contract_ended_on"]).strftime("%d/%m/%Y"),
            }
            return _done(request, text, buyer, "deposits")
    # the balance shown with the form again is the one of now
    form.data = _with(form.data, form.add_prefix("owed_seen"), str(context["owed"]))
    return invalid(request, TEMPLATE, {**context, "return_form": form})


@require_POST
@page(FINANCE)
def rebate_agreement_view(
    request: HttpRequest, membership: Membership, party_id: int
) -> HttpResponse:
    """Set the rebate tiers of a quarter for the buyer (PT13 [003 §8])."""
    seller, buyer = _pair(membership, party_id)
    form = RebateAgreementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = rebate_agreement_set(
                buyer=buyer,
                seller=seller,
                period_start=data["period_start"],
                tiers=data["tiers"],
                actor=request.user,
            )
        except DomainError as error:
            if error.field and error.field.startswith("tiers"):
                error = DomainError(
                    code=error.code, message=error.message, field="tiers", rule=error.rule
                )
            if error.code == "no_rebates":
                error = DomainError(
                    code=error.code,
                    message=_(
                        "Your terms in force on that day grant no rebates: publish terms with "
                        "a rebates section first."
                    ),
                    field="period_start",
                    rule="PT13",
                )
            form_error(form, error)
        else:
            text = _("Rebate tiers of %(quarter)s set for %(buyer)s (PT13).") % {
                "quarter": period_label(agreement.period_start),
                "buyer": buyer.display_name,
            }
            return _done(request, text, buyer, "rebates")
    return invalid(request, TEMPLATE, _context(seller, buyer, rebate=form))


@require_POST
@page(FINANCE)
def rebate_settle_view(
    request: HttpRequest, membership: Membership, party_id: int, agreement_id: int
) -> HttpResponse:
    """Settle a quarter now rather than at the night's sweep (PT13 [003 §8])."""
    seller, buyer = _pair(membership, party_id)
    if not RebateAgreement.objects.filter(pk=agreement_id, seller=seller, buyer=buyer).exists():
        raise Http404
    try:
        settlement = rebate_settle_now(seller=seller, agreement_id=agreement_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error_text(error))
        return redirect(_page_url(buyer, "rebates"))
    quarter = period_label(settlement.agreement.period_start)
    if settlement.forfeited:
        text = _(
            "Rebate of %(quarter)s forfeited: an invoice of the quarter was not paid on its due "
            "date (PT13)."
        ) % {"quarter": quarter}
    else:
        text = _("Rebate of %(quarter)s settled: %(due)s due to %(buyer)s (PT13).") % {
            "quarter": quarter,
            "due": _money(settlement.due),
            "buyer": buyer.display_name,
        }
    return _done(request, text, buyer, "rebates")
