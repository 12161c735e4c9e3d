"""Card payment providers (PT1): one interface, the operator's PSP over HTTP and a local one for
development and tests. Settings: ``COMPTOIR_PAYMENT_PROVIDER`` = "local" (default) or "psp",
with ``COMPTOIR_PSP_URL`` and ``COMPTOIR_PSP_KEY`` for the latter."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError


@dataclass(frozen=True)
class ProviderPayment:
    reference: str  # the provider's id of the payment
    status: str  # "pending", "succeeded" or "failed"
    redirect_url: str = ""  # where the buyer authenticates the card (3-D Secure), if anywhere


class PaymentProvider(Protocol):
    name: str

    def create(self, *, amount: Decimal, reference: str, return_url: str) -> ProviderPayment: ...

    def retrieve(self, provider_reference: str) -> ProviderPayment: ...

    def refund(self, provider_reference: str, amount: Decimal) -> str: ...


class LocalProvider:
    """Accepts every card at once, except amounts ending in .13 (declined), so that both paths
    can be tried without a PSP. Refunds always succeed."""

    name = "local"

    def __init__(self) -> None:
        self._status: dict[str, str] = {}

    def create(self, *, amount: Decimal, reference: str, return_url: str) -> ProviderPayment:
        status = (
            "failed" if amount.quantize(Decimal("0.01")) % 1 == Decimal("0.13") else "succeeded"
        )
        ref = f"local_{secrets.token_hex(8)}"
        self._status[ref] = status
        return ProviderPayment(ref, status)

    def retrieve(self, provider_reference: str) -> ProviderPayment:
        return ProviderPayment(
            provider_reference, self._status.get(provider_reference, "succeeded")
        )

    def refund(self, provider_reference: str, amount: Decimal) -> str:
        return f"refund_{provider_reference}_{amount}"


class HttpProvider:
    """The operator's PSP: a JSON API with ``POST /payments``, ``GET /payments/{id}`` and
    ``POST /payments/{id}/refunds``, authenticated by a bearer key; amounts in cents."""

    name = "psp"

    def __init__(self, base_url: str, key: str, timeout: float = 10.0) -> None:
        self.base_url, self.key, self.timeout = base_url.rstrip("/"), key, timeout

    def _call(self, method: str, path: str, body: dict[str, object] | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise DomainError(
                code="provider_unavailable",
                message=_("The payment provider did not answer: %(error)s") % {"error": exc},
                rule="PT1",
            ) from exc

    @staticmethod
    def _payment(data: dict) -> ProviderPayment:
        return ProviderPayment(
            str(data["id"]), str(data.get("status", "pending")), str(data.get("redirect_url", ""))
        )

    def create(self, *, amount: Decimal, reference: str, return_url: str) -> ProviderPayment:
        cents = int((amount * 100).to_integral_value())
        body = {
            "amount": cents,
            "currency": "EUR",
            "reference": reference,
            "return_url": return_url,
        }
        return self._payment(self._call("POST", "/payments", body))

    def retrieve(self, provider_reference: str) -> ProviderPayment:
        return self._payment(self._call("GET", f"/payments/{provider_reference}"))

    def refund(self, provider_reference: str, amount: Decimal) -> str:
        cents = int((amount * 100).to_integral_value())
        data = self._call("POST", f"/payments/{provider_reference}/refunds", {"amount": cents})
        return str(data.get("id", ""))


_LOCAL = LocalProvider()


def payment_provider() -> PaymentProvider:
    kind = getattr(settings, "COMPTOIR_PAYMENT_PROVIDER", "local")
    if kind == "psp":
        return HttpProvider(settings.COMPTOIR_PSP_URL, settings.COMPTOIR_PSP_KEY)
    return _LOCAL
