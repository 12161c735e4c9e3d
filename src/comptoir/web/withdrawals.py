"""A consumer's withdrawal on the order page (O17 [001 §10; 004 §7; C. conso. L221-18 to
L221-28]): the period (its end, or that it ended, and what it runs from), each line's right or
its legal exception, the lines already withdrawn from, the withdrawals recorded with their refund,
and the consumer's form to withdraw from the whole order or from ticked lines.

The section is a partial of the order page (`web/withdrawals/_panel.html`), fed by `panel()`,
shown only for an order placed as a consumer: both sides read the same facts, the buyer alone
is offered the form, while `order_withdraw` would accept (concluded order, period running, a
line still open) and with place_orders (P4); the seller reads. Amounts show only with
view_prices (P4). The form posts here and comes back to the order with the outcome; refusals
show the field, the problem and the rule. A second submit of the same form (a double click)
is refused by the service (lines already withdrawn from) and said as such."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.core import clock
from comptoir.core.errors import DomainError, PermissionDenied
from comptoir.core.i18n import active_lang, format_money_active
from comptoir.ordering import queries
from comptoir.ordering.models import Order, OrderLine, OrderState, OrderWithdrawal
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.rules import exception_reason, refund_due_on
from comptoir.ordering.services import order_withdraw
from comptoir.parties.models import Membership, Permission
from comptoir.terms.schema.base import Clause
from comptoir.terms.schema.fulfilment import WITHDRAWAL_EXCEPTIONS, Withdrawal
from comptoir.web.ordering import _error, page

MAX_NOTE = 500
"""What the service keeps of the consumer's note."""

FIELD_LABELS = {
    "lines": gettext_lazy("Lines withdrawn from"),
    "scope": gettext_lazy("What you withdraw from"),
    "order": gettext_lazy("Order"),
    "state": gettext_lazy("Order state"),
}
_REPEAT_CODES = {"unknown_line", "nothing_to_withdraw", "invalid_transition"}
"""The service's refusals a form sent again meets (its lines are no longer open)."""
BEFORE_CONCLUSION = {OrderState.SUBMITTED, OrderState.HELD, OrderState.MODIFIED}
"""States in which the contract is not concluded yet: the withdrawal opens at acceptance."""
ENDED_STATES = {OrderState.REFUSED, OrderState.LAPSED, OrderState.CANCELLED}
"""States in which the order has ended: its period no longer runs."""


def _date(day: date | None) -> str:
    return date_format(day, "d/m/Y")


def _terms(order: Order) -> tuple[Withdrawal, Clause | None]:
    """The withdrawal terms of the order's terms version (the legal 14 days when silent) and
    the clause that states them (the withdrawal's own, else the consumers' one)."""
    consumers = ordering_policy(order.terms_version).document.consumers
    withdrawal = consumers.withdrawal or Withdrawal()
    return withdrawal, withdrawal.clause or consumers.clause


def _line(line: OrderLine, excluded: bool, lang: str) -> dict[str, Any]:
    key = line.withdrawal_exception
    return {
        "line": line,
        "exception": key,
        "law": WITHDRAWAL_EXCEPTIONS.get(key, "") if key else "",
        "reason": exception_reason(key, lang) if key else "",
        "excluded": excluded,
        "withdrawn_at": line.withdrawn_at,
        "open": not excluded and line.withdrawn_at is None,
    }


def _recorded(withdrawal: OrderWithdrawal) -> dict[str, Any]:
    return {
        "notified_at": withdrawal.notified_at,
        "lines": [
            {"sku": w.get("sku", ""), "quantity": w.get("quantity"), "amount": w.get("amount")}
            for w in withdrawal.lines
        ],
        "refund_amount": withdrawal.refund_amount,
        "refund_due_on": withdrawal.refund_due_on,
    }


def _period(order: Order, status: queries.WithdrawalStatus, today: date) -> str:
    """How the page states the period: "none" (no line carries the right), "closed" (the order
    ended: refused, lapsed, cancelled), "ended", "until" (its last day), or, before that day is
    known, "at_delivery" / "at_acceptance" (the event that sets it)."""
    if not status.runs_from:
        return "none"
    if order.state in ENDED_STATES:
        return "closed"
    if status.due_on is not None:
        return "ended" if today > status.due_on else "until"
    return "at_delivery" if status.runs_from == "delivery" else "at_acceptance"


def panel(
    membership: Membership, order: Order, lines: Sequence[OrderLine] | None = None
) -> dict[str, Any]:
    """The context of the order page's O17 section. An order not placed as a consumer reads
    nothing (decided from the order already read); a consumer's order reads its withdrawals,
    and its lines unless the page passes those it read."""
    if not order.consumer:
        return {"shown": False}
    if lines is None:
        lines = list(order.lines.all())
    prefetch_related_objects([order], "withdrawals")  # withdrawal_status reads them
    today = clock.today()
    status = queries.withdrawal_status(order, today, lines)
    if status is None:  # (not a consumer's: handled above)
        return {"shown": False}
    (terms, clause), lang = _terms(order), active_lang()
    rights = membership.effective_permissions
    as_buyer = order.buyer_id == membership.organization_id
    may_act = Permission.PLACE_ORDERS in rights
    lines = [
        _line(line, facts.excluded, lang) for line, facts in zip(lines, status.lines, strict=True)
    ]
    may_withdraw = as_buyer and may_act and status.open_today
    return {
        "shown": True,
        "as_buyer": as_buyer,
        "as_seller": order.seller_id == membership.organization_id,
        "show_prices": Permission.VIEW_PRICES in rights,  # P4
        "period": _period(order, status, today),
        "runs_from": status.runs_from,
        "due_on": status.due_on,
        "days": terms.days,
        "return_costs": terms.return_costs,
        "clause": clause,
        "lines": lines,
        "open_lines": [row for row in lines if row["open"]],
        "withdrawals": [_recorded(w) for w in status.withdrawals],
        "not_concluded": order.state in BEFORE_CONCLUSION,
        "may_withdraw": may_withdraw,
        "withdraw_blocked": as_buyer and not may_act and status.open_today,
        # the refund of a withdrawal notified today is due by this day (L221-24)
        "refund_due_on": refund_due_on(today, terms.refund_within_days) if may_withdraw else None,
    }


# --- the consumer's form ------------------------------------------------------------------


def _line_ids(values: Sequence[str]) -> list[int]:
    """The ids of the ticked lines, as the form sends them; anything else is refused."""
    ids: list[int] = []
    for value in values:
        text = value.strip()
        if not text.isdigit() or len(text) > 18 or int(text) == 0:
            raise DomainError(
                "invalid_line",
                _("Tick lines of this order shown in the form."),
                field="lines",
                rule="O17",
            )
        ids.append(int(text))
    return ids


def _chosen(post: Any) -> list[int] | None:
    """None for the whole order, else the ticked lines (at least one)."""
    scope = post.get("scope", "")
    if scope == "all":
        return None
    if scope != "some":
        raise DomainError(
            "invalid_scope",
            _("Choose to withdraw from the whole order or from the ticked lines."),
            field="scope",
            rule="O17",
        )
    ids = _line_ids(post.getlist("lines"))
    if not ids:
        raise DomainError(
            "no_line_ticked",
            _("Tick at least one line, or withdraw from the whole order."),
            field="lines",
            rule="O17",
        )
    return ids


def _said(error: DomainError, order: Order) -> DomainError:
    """The service's refusals this page meets most, in the reader's language; others as they
    come (each keeps its field and rule)."""
    texts = {
        "withdrawal_period_over": lambda: (
            _("The withdrawal period ended on %(date)s: a withdrawal is no longer possible.")
            % {"date": _date(order.withdrawal_due_on)}
        ),
        "unknown_line": lambda: _("Tick lines of this order not yet withdrawn from."),
        "invalid_transition": lambda: (
            _("This order cannot be withdrawn from in its state (%(state)s).")
            % {"state": order.get_state_display()}
        ),
    }
    text = texts.get(error.code)
    if text is None or (error.code == "withdrawal_period_over" and not order.withdrawal_due_on):
        return error
    return DomainError(error.code, text(), field=error.field, rule=error.rule)


def _repeated(order: Order, ids: list[int] | None, code: str) -> list[OrderLine]:
    """The lines a refused form named that are already withdrawn from, when that is why it was
    refused: the same form sent again (a double click, the back button). Empty otherwise."""
    if code not in _REPEAT_CODES:
        return []
    prefetch_related_objects([order], "lines")
    status = queries.withdrawal_status(order, clock.today())
    if status is None:
        return []
    lines = list(order.lines.all())
    if ids is None:  # the whole order: every line open to withdrawal is withdrawn from
        if any(not facts.excluded and not facts.withdrawn for facts in status.lines):
            return []
        return [line for line in lines if line.withdrawn_at is not None]
    named = [line for line in lines if line.pk in set(ids)]
    if len(named) != len(set(ids)) or any(line.withdrawn_at is None for line in named):
        return []
    return named


def _repeat_message(lines: Sequence[OrderLine]) -> str:
    last = max(line.withdrawn_at for line in lines if line.withdrawn_at is not None)
    return _(
        "Already withdrawn from %(skus)s (recorded on %(date)s): nothing more was done. (O17)"
    ) % {
        "skus": ", ".join(line.sku for line in lines),
        "date": date_format(timezone.localtime(last), "d/m/Y H:i"),
    }


def _back(order: Order) -> HttpResponse:
    return redirect(reverse("web:order_detail", args=[order.number]) + "#withdrawals")


@require_POST
@page(Permission.PLACE_ORDERS)
def order_withdraw_page(request: HttpRequest, membership: Membership, number: str) -> HttpResponse:
    """The consumer withdraws from the whole order or from the ticked lines, with an optional
    note (O17); the outcome, or the refusal with its rule, is shown on the order page."""
    order = queries.order_for(membership.organization, number)
    post = request.POST
    ids: list[int] | None = None
    try:
        if order.buyer_id != membership.organization_id:
            raise PermissionDenied(
                _("Only the consumer who placed the order withdraws from it."), rule="O17"
            )
        if not order.consumer:
            raise DomainError(
                "not_a_consumer_order",
                _("Only an order placed as a consumer carries a withdrawal right."),
                field="order",
                rule="O17",
            )
        ids = _chosen(post)
        done = order_withdraw(
            actor=request.user,
            order_id=order.pk,
            lines=ids,
            note=(post.get("note") or "")[:MAX_NOTE],
        )
    except DomainError as error:
        again = _repeated(order, ids, error.code)
        if again:
            messages.info(request, _repeat_message(again))
        else:
            _error(request, _said(error, order), FIELD_LABELS)
        return _back(order)
    withdrawal = done.withdrawals.last()
    skus = ", ".join(str(w.get("sku", "")) for w in withdrawal.lines) if withdrawal else ""
    due = _date(withdrawal.refund_due_on) if withdrawal else ""
    if withdrawal is not None and Permission.VIEW_PRICES in membership.effective_permissions:
        text = _(
            "Withdrawal recorded for %(skus)s: a refund of %(amount)s is due by %(date)s. (O17)"
        ) % {"skus": skus, "amount": format_money_active(withdrawal.refund_amount), "date": due}
    else:
        text = _("Withdrawal recorded for %(skus)s: the refund is due by %(date)s. (O17)") % {
            "skus": skus,
            "date": due,
        }
    messages.success(request, text)
    return _back(order)
