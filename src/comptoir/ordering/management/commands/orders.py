"""`comptoir orders list [--seller ORG] [--buyer ORG] [--state S] [--json]`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from comptoir.ordering.models import Order, OrderState
from comptoir.parties.models import Organization


def _org_id(value: str | None) -> int | None:
    """An organization given by id or SIREN."""
    if not value:
        return None
    org = Organization.objects.filter(siren=value).first()
    if org is None and value.isdigit():
        org = Organization.objects.filter(pk=int(value)).first()
    if org is None:
        raise CommandError(f"No organization with id or SIREN {value!r}.")
    return org.pk


class Command(BaseCommand):
    help = "Orders with their state and their next deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p_list = sub.add_parser("list", help="orders, newest first")
        p_list.add_argument("--seller", help="organization id or SIREN")
        p_list.add_argument("--buyer", help="organization id or SIREN")
        p_list.add_argument("--state", choices=OrderState.values)
        p_list.add_argument("--json", action="store_true", dest="as_json")
        p_list.add_argument("--limit", type=int, default=500)

    def handle(self, *args: object, action: str, **options: object) -> None:
        query = Order.objects.select_related("buyer", "seller").order_by("-placed_at", "-pk")
        if (seller := _org_id(options.get("seller"))) is not None:  # type: ignore[arg-type]
            query = query.filter(seller_id=seller)
        if (buyer := _org_id(options.get("buyer"))) is not None:  # type: ignore[arg-type]
            query = query.filter(buyer_id=buyer)
        if options.get("state"):
            query = query.filter(state=options["state"])
        rows = [
            {
                "number": o.number,
                "seller": o.seller.legal_name,
                "buyer": o.buyer.legal_name,
                "state": o.state,
                "placed_at": o.placed_at.isoformat(),
                "total_incl_vat": f"{o.total_incl_vat:.2f}",
                "next_action": o.next_action or None,
                "next_deadline_at": o.next_deadline_at.isoformat() if o.next_deadline_at else None,
                "invoice": o.invoice.number if o.invoice_id and o.invoice else None,
            }
            for o in query.select_related("invoice")[: int(options["limit"])]  # type: ignore[call-overload]
        ]
        if options.get("as_json"):
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            nxt = f"{r['next_action']} at {r['next_deadline_at']}" if r["next_action"] else "—"
            self.stdout.write(
                f"{r['number']:<16} {r['state']:<12} {r['total_incl_vat']:>12} € "
                f"{r['seller'][:28]:<28} → {r['buyer'][:28]:<28} next: {nxt}"
            )
