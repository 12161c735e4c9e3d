"""The operator marks an exported payout paid (PT14), from the payouts page.

Access as every /operator/ page (`oversight.operator_page`): a visitor goes to the login page,
anybody but the operator gets 404. The form is a POST with its CSRF token; the service checks
the operator again, refuses a pending payout or one already paid, and audits the change.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.payments.services.payouts import payout_mark_paid
from comptoir.web.ordering import _error
from comptoir.web.oversight import operator_page


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the payouts page, with the filters the operator had (a local URL only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("web:oversight_payouts")


@require_POST
@operator_page
def payout_paid(request: HttpRequest, payout_id: int) -> HttpResponse:
    """The operator's bank has debited this payout's transfer: mark it paid today (PT14)."""
    try:
        payout = payout_mark_paid(actor=request.user, payout_id=payout_id)
    except DomainError as error:
        if error.code == "not_found":
            raise
        _error(request, error)
        return _back(request)
    messages.success(
        request,
        _("Payout %(ref)s to %(seller)s marked paid (PT14).")
        % {"ref": payout.end_to_end_id, "seller": payout.seller.legal_name},
    )
    return _back(request)
