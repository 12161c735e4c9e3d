"""C6 substitution, line by line [002 §4.6]: "S'il est impossible d'accepter la commande d'un
Produit spécifique, le Vendeur consultera l'Acheteur ... afin de fournir un Produit de
remplacement." The seller proposes a replacement product of its own at the buyer's price on the
order's date; the buyer accepts (the line is replaced, the order re-quoted under its own terms
version and agreed prices, stock held) or declines (the product cannot be supplied, so the line
leaves the order: a partial order, or, when it was the last line, the order is cancelled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound
from comptoir.ordering.models import (
    Order,
    OrderLine,
    SubstitutionProposal,
    SubstitutionStatus,
)
from comptoir.ordering.notes import Note, words
from comptoir.ordering.policy import ordering_policy
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.rules import TRANSITIONS, transition_check
from comptoir.ordering.services._common import (
    REQUOTED,
    apply,
    lines_of,
    locked,
    quote_order,
    refund_if_paid,
    refuse_on_violations,
    release_stock,
    require_buyer,
    require_seller,
    requote,
    restore_voucher,
    set_reason,
)


def proposed(proposal: SubstitutionProposal) -> Note:
    """C6: what a replacement proposal says, from what it stores; the seller's words follow."""
    return Note.of(
        "substitution_proposed",
        original_sku=proposal.original_sku,
        original_quantity=proposal.original_quantity,
        sku=proposal.sku,
        quantity=proposal.quantity,
        net_amount=proposal.net_amount,
    ) + words(proposal.note)


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def substitution_offered(order: Order) -> bool:
    """The order's terms version provides substitution (C6 [002 §4.6])."""
    flag = ordering_policy(order.terms_version).document.ordering.substitution
    return flag is not None and bool(flag.enabled)


@dataclass(frozen=True, slots=True)
class SubstitutionOptions:
    """What the order's C6 section may offer now: whether its terms provide substitution, and
    whether its state and invoice still let the seller propose and the buyer answer. Who acts
    (seller or buyer, with place_orders) is checked by the services."""

    offered: bool
    may_propose: bool
    may_answer: bool


def substitution_options(order: Order) -> SubstitutionOptions:
    offered = substitution_offered(order)
    open_ = order.invoice_id is None
    return SubstitutionOptions(
        offered=offered,
        may_propose=offered
        and open_
        and order.state in TRANSITIONS["propose_substitution"].sources,
        may_answer=open_ and order.state in TRANSITIONS["answer_substitution"].sources,
    )


def _check_offered(order: Order) -> None:
    """The seller's terms provide substitution (C6); without the clause nothing is proposed."""
    if not substitution_offered(order):
        raise DomainError(
            "substitution_not_offered",
            _("These terms provide no substitution of products."),
            field="order",
            rule="C6",
        )


def _check_not_invoiced(order: Order) -> None:
    if order.invoice_id is not None:
        raise DomainError(
            "already_invoiced",
            _("The order is invoiced: its lines no longer change."),
            field="order",
            rule="I9",
        )


def _open_line(order: Order, line: OrderLine | None) -> OrderLine:
    """The line still to supply: not shipped, not withdrawn (C6: before shipment only)."""
    if line is None:
        raise NotFound(_("Order line"), field="line_id")
    if line.shipped_quantity > 0 or line.withdrawn_at is not None:
        raise DomainError(
            "line_not_open",
            _("%(sku)s: already shipped or withdrawn; it can no longer be replaced.")
            % {"sku": line.sku},
            field="line_id",
            rule="C6",
        )
    return line


@transaction.atomic
def order_substitution_propose(
    *,
    actor: Any,
    order_id: int,
    line_id: int,
    product_id: int | None = None,
    sku: str = "",
    quantity: int,
    note: str = "",
) -> SubstitutionProposal:
    """The seller proposes `quantity` of its product (`product_id`, or its `sku`) in place of
    the line it cannot supply (C6). The order with the replacement is quoted under its terms
    version at its date: what the buyer could not order (no price, selective brand, kind not
    sold) is refused now, and the proposal shows the buyer's price. Proposals are for orders
    not yet shipped; one waits per line at a time; it lapses when the order ends, ships or
    gets its invoice."""
    order = locked(order_id)
    require_seller(actor, order)
    transition_check("propose_substitution", order.state)
    _check_offered(order)
    _check_not_invoiced(order)
    line = _open_line(order, order.lines.filter(pk=line_id).first())
    if quantity <= 0:
        raise DomainError(
            "invalid_quantity", _("Quantities must be at least 1."), field="quantity", rule="C6"
        )
    product = _replacement(order, product_id, sku)
    current = list(order.lines.all())
    if any(other.sku == product.sku for other in current):
        raise DomainError(
            "already_in_order",
            _("%(sku)s is already a line of the order: change its quantity instead.")
            % {"sku": product.sku},
            field="product_id",
            rule="C6",
        )
    if SubstitutionProposal.objects.filter(
        order=order, original_sku=line.sku, status=SubstitutionStatus.PENDING
    ).exists():
        raise DomainError(
            "proposal_pending",
            _("A replacement for %(sku)s already waits for the buyer's answer.")
            % {"sku": line.sku},
            field="line_id",
            rule="C6",
        )
    priced = quote_order(order, _with_replacement(current, line.sku, product.sku, quantity))
    refuse_on_violations(priced)
    quoted = next(ql for ql in priced.quote.lines if ql.sku == product.sku)
    proposal = SubstitutionProposal.objects.create(
        order=order,
        line=line,
        original_sku=line.sku,
        original_title=line.title,
        original_quantity=line.quantity,
        product=product,
        sku=product.sku,
        title=product.title,
        quantity=quoted.quantity,  # O4: adjusted to the packaging standard
        unit_price=quoted.list_unit_price,
        vat_rate=quoted.vat_rate,
        net_amount=quoted.net_amount,
        note=note.strip()[:2000],
        proposed_at=clock.now(),
        proposed_by=_user(actor),
    )
    apply(
        order,
        "propose_substitution",
        actor=actor,
        note=proposed(proposal),
        data={
            "proposal": proposal.pk,
            "line": line.sku,
            "replacement": product.sku,
            "quantity": quoted.quantity,
            "unit_price": quoted.list_unit_price,
            "net_amount": quoted.net_amount,
        },
    )
    return proposal


def _replacement(order: Order, product_id: int | None, sku: str) -> Product:
    """The seller's product chosen by id or by SKU (C6: a product of the same seller)."""
    sku = (sku or "").strip()
    if product_id is None and not sku:
        raise DomainError(
            "product_required",
            _("Choose the replacement product (by SKU or from the list)."),
            field="product_id",
            rule="C6",
        )
    products = Product.objects.filter(seller_id=order.seller_id)
    if product_id is not None:
        product = products.filter(pk=product_id).first()
        if product is None:
            raise NotFound(_("Product"), field="product_id")
        return product
    product = products.filter(sku=sku[:64]).first()
    if product is None:
        raise DomainError(
            "unknown_sku",
            _("The seller has no product '%(sku)s'.") % {"sku": sku[:64]},
            field="sku",
            rule="C6",
        )
    return product


def _with_replacement(
    lines: list[OrderLine], original: str, replacement: str, quantity: int
) -> list[LineRequest]:
    return [
        LineRequest(replacement, quantity)
        if line.sku == original
        else LineRequest(line.sku, line.requested_quantity)
        for line in lines
    ]


@transaction.atomic
def order_substitution_answer(
    *, actor: Any, proposal_id: int, accept: bool
) -> SubstitutionProposal:
    """The buyer accepts or declines one proposal (C6). Accepted: the line is replaced and the
    order re-quoted (agreed prices, its terms version), the replacement's stock held. Declined:
    the product cannot be supplied, so the line leaves the order; when it was the last line the
    order is cancelled (stock, voucher and a card payment given back, O12)."""
    order_id = (
        SubstitutionProposal.objects.filter(pk=proposal_id)
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        raise NotFound(_("Substitution proposal"), field="proposal_id")
    order = locked(order_id)  # the order first, as every ordering service locks it
    proposal = SubstitutionProposal.objects.select_for_update().get(pk=proposal_id)
    require_buyer(actor, order)
    if proposal.status == SubstitutionStatus.LAPSED:
        raise DomainError(
            "proposal_lapsed",
            _("This proposal can no longer be answered: the order ended, shipped or was invoiced."),
            field="proposal_id",
            rule="C6",
        )
    transition_check("answer_substitution", order.state)
    if proposal.status != SubstitutionStatus.PENDING:
        raise DomainError(
            "already_answered",
            _("This proposal was already accepted.")
            if proposal.status == SubstitutionStatus.ACCEPTED
            else _("This proposal was already declined."),
            field="proposal_id",
            rule="C6",
        )
    _check_not_invoiced(order)
    current = list(order.lines.all())
    _open_line(order, next((ln for ln in current if ln.sku == proposal.original_sku), None))
    before = lines_of(order)
    data: dict[str, Any] = {"proposal": proposal.pk, "accepted": accept, "before": before}
    remaining = [ln for ln in current if ln.sku != proposal.original_sku]
    if accept:
        requests = _with_replacement(
            current, proposal.original_sku, proposal.sku, proposal.quantity
        )
        requote(order, requests, substitutes={proposal.sku: proposal.original_sku})
        note = Note.of(
            "substitution_accepted",
            original_sku=proposal.original_sku,
            sku=proposal.sku,
            quantity=proposal.quantity,
        )
    elif remaining:
        # the seller's shortage makes the order partial: the terms' thresholds (minimum order)
        # do not stop it, the quote's violations are kept in the timeline
        priced = requote(
            order, [LineRequest(ln.sku, ln.requested_quantity) for ln in remaining], enforce=False
        )
        data["violations"] = [{"code": v.code, "rule": v.rule} for v in priced.quote.violations]
        note = Note.of("substitution_declined_line_removed", sku=proposal.original_sku)
    else:
        note = Note.of("substitution_declined_last_line", sku=proposal.original_sku)
    proposal.status = SubstitutionStatus.ACCEPTED if accept else SubstitutionStatus.DECLINED
    proposal.answered_at = clock.now()
    proposal.answered_by = _user(actor)
    proposal.save(update_fields=["status", "answered_at", "answered_by"])
    data["after"] = lines_of(order) if (accept or remaining) else before
    apply(
        order,
        "answer_substitution",
        actor=actor,
        note=note,
        fields=REQUOTED if (accept or remaining) else (),
        data=data,
    )
    if not accept and not remaining:
        reason = Note.of("nothing_to_supply")
        fields = set_reason(order, reason)
        release_stock(order)
        refund_if_paid(order, order.reason, actor)
        restore_voucher(order)
        apply(order, "cancel", actor=actor, note=reason, fields=fields, rule="C6")
    return proposal
