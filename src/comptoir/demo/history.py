"""Demo history: orders of every preset spread over the last weeks, in every state the services
can reach, so that every page, document and list has real data. Everything goes through the
ordering services with the clock set to the moment each step happens; the deadlines that fall
due in between are applied by the same sweep the platform runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Sum

from comptoir.core import clock
from comptoir.core.sweeps import run_all
from comptoir.fulfilment import services as fulfilment
from comptoir.fulfilment.models import Shipment
from comptoir.ledger.models import OpenItem
from comptoir.ordering import services as ordering
from comptoir.ordering.models import Order, OrderState
from comptoir.ordering.quoting import LineRequest
from comptoir.parties.models import Organization, User
from comptoir.payments import services as payments
from comptoir.terms.queries import terms_in_force

Step = Callable[[Order], Any]


@dataclass(frozen=True)
class Script:
    """One demo order: who orders what from whom, when, and what happens after (days later)."""

    key: str
    seller: str
    buyer: str
    days_ago: int
    lines: tuple[tuple[str, int], ...]
    steps: tuple[tuple[int, str, str], ...] = ()  # (days after placing, action, note)
    payment_method: str = ""


SCRIPTS = (
    # monthly intranet (O6): processed on the second Tuesday, invoiced then (I1)
    Script(
        "brasseurs-1",
        "brasseurs",
        "buyer1",
        40,
        (("BV-BLO-33", 48), ("BV-AMB-75", 12)),
        ((22, "ship", ""), (24, "deliver", ""), (38, "pay", "")),  # paid late: interest, 40 €
    ),
    Script("brasseurs-2", "brasseurs", "buyer3", 3, (("BV-BLO-33", 24), ("BV-BRU-33", 24))),
    # electronics wholesale (O8 manual, 2 working days, pending on silence)
    Script(
        "volta-1",
        "volta",
        "buyer3",
        30,
        (("VD-CAB-USBC-1", 50), ("VD-CHG-20W", 48)),
        ((1, "accept", ""), (3, "ship", ""), (5, "deliver", "")),
    ),
    Script("volta-2", "volta", "buyer1", 2, (("VD-CAB-HDMI-2", 20),)),
    Script(
        "volta-3",
        "volta",
        "buyer2",
        12,
        (("VD-CAB-LGT-1", 40),),
        ((1, "modify", "Seulement 30 câbles disponibles cette semaine."),),
    ),
    Script(
        "volta-4",
        "volta",
        "buyer3",
        9,
        (("VD-CAB-USBC-2", 30),),
        ((1, "refuse", "Quantité hors de notre allocation fabricant ce mois-ci."),),
    ),
    # selective beauty (auto acceptance, invoiced at shipment)
    Script(
        "lumiere-1",
        "lumiere",
        "buyer2",
        25,
        (("ML-P-SER-ECL", 6), ("ML-P-CRE-NUI", 6)),
        ((1, "start", ""), (2, "ship", ""), (4, "deliver", ""), (6, "pay", "")),  # on time
    ),
    Script("lumiere-2", "lumiere", "buyer2", 1, (("ML-P-SER-HYA", 6),)),
    # paid by LCR at 30 days end of month (PT1, PT4): its invoice, issued at shipment, is open
    # and due ahead, so the LCR page and `comptoir payments lcr --out` have a bill to remit
    Script(
        "lumiere-3",
        "lumiere",
        "buyer2",
        6,
        (("ML-P-CRE-NUI", 6),),
        ((1, "start", ""), (2, "ship", "")),
        payment_method="lcr",
    ),
    # digital goods (5 days from the next day, then the offer lapses)
    Script("logitheque-1", "logitheque", "buyer1", 15, (("LN-CPT-PRO-1", 2),)),
    Script("logitheque-2", "logitheque", "buyer3", 1, (("LN-CPT-PRO-5", 1),)),
    Script(
        "logitheque-3", "logitheque", "buyer2", 12, (("LN-CPT-LOC-12", 3),), ((1, "accept", ""),)
    ),
    # marketplace (validation or silence freezes the order, invoiced then)
    Script(
        "carmin-1",
        "carmin",
        "buyer1",
        20,
        (("AC-CAR-A5-LIG", 12), ("AC-AGE-2027", 6)),
        ((1, "accept", ""), (2, "ship", ""), (4, "deliver", ""), (5, "freeze", ""), (9, "pay", "")),
    ),
    Script("carmin-2", "carmin", "buyer2", 4, (("AC-CAR-A6-POC", 12),)),
    Script(
        "carmin-3",
        "carmin",
        "buyer3",
        8,
        (("AC-CAR-VOE", 24),),
        ((1, "accept", ""), (2, "ship", "")),
    ),
    Script(
        "carmin-4",
        "carmin",
        "buyer2",
        4,
        (("AC-CAR-A5-POI", 18),),
        ((0, "accept", ""), (1, "ship", ""), (3, "deliver", "")),
    ),
)


def _at(day: datetime, hour: int = 10) -> datetime:
    return datetime.combine(day.date(), time(hour), tzinfo=clock.PARIS)


class History:
    def __init__(
        self,
        sellers: dict[str, Organization],
        buyers: dict[str, Organization],
        users: dict[str, User],
    ) -> None:
        self.sellers, self.buyers, self.users = sellers, buyers, users
        self.orders: dict[str, Order] = {}

    def _place(self, script: Script) -> None:
        seller, buyer = self.sellers[script.seller], self.buyers[script.buyer]
        version = terms_in_force(seller, clock.now())
        if version is None:
            return
        self.orders[script.key] = ordering.order_place(
            actor=self.users[script.buyer],
            submission=ordering.Submission(
                buyer=buyer,
                seller=seller,
                lines=tuple(LineRequest(sku, qty) for sku, qty in script.lines),
                accepted_terms_version=version.version,
                idempotency_key=f"demo-{script.key}",
                payment_method=script.payment_method,
            ),
            signature=ordering.Signature(ip="198.51.100.7", user_agent="Comptoir demo"),
        )

    def _step(self, script: Script, action: str, note: str) -> None:
        order = Order.objects.get(pk=self.orders[script.key].pk)
        seller_user = self.users[script.seller]
        buyer_user = self.users[script.buyer]
        if action == "accept":
            ordering.order_accept(actor=seller_user, order_id=order.pk)
        elif action == "start":
            ordering.order_start(actor=seller_user, order_id=order.pk)
        elif action == "refuse":
            ordering.order_refuse(actor=seller_user, order_id=order.pk, reason=note)
        elif action == "modify":
            first = order.lines.first()
            assert first is not None
            ordering.order_modify(
                actor=seller_user,
                order_id=order.pk,
                lines=[LineRequest(first.sku, max(1, first.quantity * 3 // 4))],
                reason=note,
            )
        elif action == "ship":
            fulfilment.shipment_create(
                actor=seller_user,
                order_id=order.pk,
                lines={line.pk: line.quantity for line in order.lines.all()},
                carrier="Colissimo",
                parcels=[f"6A{order.pk:09d}FR"],
            )
        elif action == "deliver":
            shipment = Shipment.objects.filter(order=order).order_by("-pk").first()
            assert shipment is not None
            fulfilment.delivery_record(
                actor=seller_user,
                shipment_id=shipment.pk,
                delivered_on=clock.today(),
                signed_by=buyer_user.full_name or buyer_user.email,
            )
        elif action == "freeze" and order.state == OrderState.DELIVERED:
            # Silence may already have frozen it, depending on the weekday (F4).
            fulfilment.delivery_validate(actor=buyer_user, order_id=order.pk)
        elif action == "pay" and order.invoice is not None:
            self._pay(order)

    def _pay(self, order: Order) -> None:
        """The buyer pays what its invoice still owes, by the order's method (PT1, PT4)."""
        assert order.invoice is not None
        owed = OpenItem.objects.filter(
            party=order.buyer, counterparty=order.seller, reference=order.invoice.number
        ).aggregate(s=Sum("open_amount"))["s"]
        if owed and owed > 0:
            payments.payment_record(
                buyer=order.buyer,
                seller=order.seller,
                amount=owed,
                method=order.payment_method or "transfer",
                value_date=clock.today(),
                idempotency_key=f"demo-pay-{order.number}",
                reference=order.invoice.number,
            )

    def build(self) -> int:
        if Order.objects.filter(idempotency_key__startswith="demo-").exists():
            return 0
        today = clock.now()
        events: list[tuple[datetime, int, Script, str, str]] = []
        for n, script in enumerate(SCRIPTS):
            placed = _at(today - timedelta(days=script.days_ago), 9 + n % 8)
            events.append((placed, n, script, "place", ""))
            for days, action, note in script.steps:
                events.append((placed + timedelta(days=days), n, script, action, note))
        for at, _, script, action, note in sorted(events, key=lambda e: (e[0], e[1])):
            if at > today:
                continue
            with clock.frozen(at):  # the sweeps act as of that moment (invoice dates…)
                run_all(until=at)
                if action == "place":
                    self._place(script)
                elif script.key in self.orders:
                    self._step(script, action, note)
        run_all(until=today)
        return len(self.orders)
