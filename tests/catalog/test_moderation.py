"""Moderation of reported products (C7, P6): reports, the operator's decisions, the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from comptoir.catalog.models import Brand, BrandApproval, Product, ProductReport
from comptoir.catalog.services import (
    product_remove,
    product_report,
    report_action_remove,
    report_dismiss,
    report_queue,
)
from comptoir.catalog.services.moderation import REPORT_TEXT_MAX
from comptoir.core import clock
from comptoir.core.errors import DomainError, NotFound, PermissionDenied
from comptoir.core.models import AuditEntry
from comptoir.core.queries import audit_verify
from comptoir.parties.models import Organization, User
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db

OPEN = ProductReport.Status.OPEN


@dataclass
class Market:
    seller: Organization
    seller_owner: User
    buyer: Organization
    buyer_owner: User
    other: Organization
    other_owner: User
    product: Product
    selective: Product


@pytest.fixture
def market() -> Market:
    seller_owner, buyer_owner, other_owner = make_user(), make_user(), make_user()
    seller = make_org(seller=True, owner=seller_owner)
    buyer = make_org(buyer=True, owner=buyer_owner)
    other = make_org(buyer=True, owner=other_owner)
    brand = Brand.objects.create(seller=seller, name="Luxe", selective=True)
    BrandApproval.objects.create(brand=brand, buyer=buyer)

    def product(sku: str, **extra) -> Product:
        return Product.objects.create(
            seller=seller, sku=sku, title=f"Produit {sku}", vat_rate=Decimal("20"), **extra
        )

    return Market(
        seller=seller,
        seller_owner=seller_owner,
        buyer=buyer,
        buyer_owner=buyer_owner,
        other=other,
        other_owner=other_owner,
        product=product("P-1"),
        selective=product("P-2", brand=brand),
    )


def _report(m: Market, reason: str = "counterfeit", text: str = "Faux logo", **kw):
    args = {"actor": m.buyer_owner, "reporter": m.buyer, "product": m.product} | kw
    return product_report(reason=reason, text=text, **args)


# --- reporting ---------------------------------------------------------------------------------


def test_a_member_reports_a_product_and_it_is_audited(market):
    with clock.frozen(datetime(2026, 3, 2, 10, 0)):
        report, created = _report(market)
    assert created
    assert (report.status, report.reason, report.text) == (OPEN, "counterfeit", "Faux logo")
    assert report.reporter_organization == market.buyer
    assert report.reporter_user == market.buyer_owner
    assert report.created_at == datetime(2026, 3, 2, 10, 0, tzinfo=clock.PARIS)
    entry = AuditEntry.objects.get(action="product.report")
    assert entry.organization_id == market.buyer.pk
    assert entry.actor_id == market.buyer_owner.pk
    assert entry.data == {
        "product_id": market.product.pk,
        "seller_id": market.seller.pk,
        "reason": "counterfeit",
    }


def test_reporting_again_while_open_returns_the_same_report(market):
    first, _ = _report(market)
    again, created = _report(market, reason="misleading", text="")
    assert not created and again.pk == first.pk
    assert again.reason == "counterfeit"  # the open report is kept as it was
    assert ProductReport.objects.count() == 1
    assert AuditEntry.objects.filter(action="product.report").count() == 1
    # a colleague of the same organization does not open a second one either
    colleague = make_user()
    from comptoir.parties import services as parties

    parties.membership_add(
        actor=market.buyer_owner, organization=market.buyer, user=colleague, permissions=[]
    )
    _, created = _report(market, actor=colleague)
    assert not created


def test_another_organization_opens_its_own_report(market):
    _report(market)
    other, created = _report(market, actor=market.other_owner, reporter=market.other)
    assert created and other.reporter_organization == market.other
    assert ProductReport.objects.filter(status=OPEN, product=market.product).count() == 2


@pytest.mark.parametrize(
    ("reason", "text", "code", "field"),
    [
        ("", "x", "invalid_reason", "reason"),
        ("spam", "x", "invalid_reason", "reason"),
        ("other", "   ", "text_required", "text"),
        ("misleading", "x" * (REPORT_TEXT_MAX + 1), "text_too_long", "text"),
    ],
)
def test_a_report_is_validated(market, reason, text, code, field):
    with pytest.raises(DomainError) as caught:
        _report(market, reason=reason, text=text)
    assert (caught.value.code, caught.value.field, caught.value.rule) == (code, field, "C7")
    assert not ProductReport.objects.exists()


def test_other_with_a_text_is_accepted_and_text_is_trimmed(market):
    report, _ = _report(market, reason="other", text="  Photo volée  ")
    assert report.text == "Photo volée"


def test_only_a_member_of_the_reporter_may_report(market):
    with pytest.raises(PermissionDenied):
        _report(market, actor=market.other_owner)  # member of another organization
    with pytest.raises(PermissionDenied):
        _report(market, actor=None)
    assert not ProductReport.objects.exists()


def test_a_seller_cannot_report_its_own_product(market):
    with pytest.raises(DomainError) as caught:
        _report(market, actor=market.seller_owner, reporter=market.seller)
    assert caught.value.code == "own_product"


def test_a_product_the_reporter_cannot_see_is_not_found(market):
    with pytest.raises(NotFound):  # selective brand, not approved (C2)
        _report(market, actor=market.other_owner, reporter=market.other, product=market.selective)
    report, created = _report(market, product=market.selective)  # approved buyer
    assert created and report.product == market.selective


def test_a_removed_product_cannot_be_reported(market, operator):
    product_remove(actor=operator, product=market.product, reason="Contrefaçon avérée")
    with pytest.raises(NotFound):
        _report(market)


def test_the_database_keeps_one_open_report_per_organization(market):
    report, _ = _report(market)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductReport.objects.create(
            product=market.product,
            reporter_organization=market.buyer,
            reporter_user=market.buyer_owner,
            reason="other",
        )
    ProductReport.objects.filter(pk=report.pk).update(status="dismissed", decided_at=clock.now())
    ProductReport.objects.create(  # once decided, a new one may be opened
        product=market.product,
        reporter_organization=market.buyer,
        reporter_user=market.buyer_owner,
        reason="other",
    )


def test_a_closed_report_needs_its_decision_date(market):
    report, _ = _report(market)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductReport.objects.filter(pk=report.pk).update(status="dismissed")


# --- the operator's decisions ------------------------------------------------------------------


def test_only_the_operator_dismisses_or_removes(market):
    _report(market)
    for actor in (market.buyer_owner, market.seller_owner, None):
        with pytest.raises(PermissionDenied):
            report_dismiss(actor=actor, product=market.product)
        with pytest.raises(PermissionDenied):
            report_action_remove(actor=actor, product=market.product, reason="Motif")
    assert ProductReport.objects.get().status == OPEN
    market.product.refresh_from_db()
    assert market.product.removed_at is None


def test_the_operator_dismisses_every_open_report_of_the_product(market, operator):
    _report(market)
    _report(market, actor=market.other_owner, reporter=market.other)
    with clock.frozen(datetime(2026, 3, 3, 9, 0)):
        assert report_dismiss(actor=operator, product=market.product, note="Conforme") == 2
    for report in ProductReport.objects.all():
        assert report.status == ProductReport.Status.DISMISSED
        assert report.decided_by == operator
        assert report.decided_at == datetime(2026, 3, 3, 9, 0, tzinfo=clock.PARIS)
        assert report.decision_note == "Conforme"
    market.product.refresh_from_db()
    assert market.product.is_active and market.product.removed_at is None
    assert report_dismiss(actor=operator, product=market.product) == 0  # nothing left: no-op
    assert AuditEntry.objects.filter(action="product.reports_dismiss").count() == 1
    # after the decision the same organization may report the product again
    _, created = _report(market)
    assert created


def test_removing_needs_a_reason_and_changes_nothing_without_one(market, operator):
    _report(market)
    with pytest.raises(DomainError) as caught:
        report_action_remove(actor=operator, product=market.product, reason="  ")
    assert (caught.value.code, caught.value.field, caught.value.rule) == (
        "reason_required",
        "reason",
        "C7",
    )
    market.product.refresh_from_db()
    assert market.product.removed_at is None and market.product.is_active
    assert ProductReport.objects.get().status == OPEN


def test_the_operator_removes_the_product_and_closes_its_reports(market, operator):
    _report(market)
    _report(market, actor=market.other_owner, reporter=market.other)
    kept, _ = _report(market, product=market.selective)  # another product: untouched
    assert report_action_remove(actor=operator, product=market.product, reason="Contrefaçon") == 2
    market.product.refresh_from_db()
    assert market.product.removed_at is not None and not market.product.is_active
    assert market.product.removal_reason == "Contrefaçon"
    closed = ProductReport.objects.filter(product=market.product)
    assert {r.status for r in closed} == {ProductReport.Status.ACTIONED}
    assert {r.decision_note for r in closed} == {"Contrefaçon"}
    kept.refresh_from_db()
    assert kept.status == OPEN
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["product.remove", "product.reports_action"]
    # again (a second click): the first removal and its reason stay, nothing is written
    count = AuditEntry.objects.count()
    assert report_action_remove(actor=operator, product=market.product, reason="Autre") == 0
    market.product.refresh_from_db()
    assert market.product.removal_reason == "Contrefaçon"
    assert AuditEntry.objects.count() == count
    assert audit_verify().ok


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_groups_open_reports_by_product_most_reported_first(market, operator):
    with clock.frozen(datetime(2026, 3, 1, 9, 0)):
        _report(market, product=market.selective, reason="misleading")
    with clock.frozen(datetime(2026, 3, 2, 9, 0)):
        _report(market)
    with clock.frozen(datetime(2026, 3, 3, 9, 0)):
        _report(market, actor=market.other_owner, reporter=market.other, reason="other", text="?")
    groups, total = report_queue()
    assert total == 2
    assert [g.product for g in groups] == [market.product, market.selective]
    first = groups[0]
    assert first.count == 2 and first.reasons == {"counterfeit": 1, "other": 1}
    assert [r.reporter_organization for r in first.reports] == [market.buyer, market.other]
    assert first.first_at == datetime(2026, 3, 2, 9, 0, tzinfo=clock.PARIS)
    report_dismiss(actor=operator, product=market.product)
    groups, total = report_queue()
    assert total == 1 and [g.product for g in groups] == [market.selective]
    groups, total = report_queue(limit=0)
    assert groups == [] and total == 1


def test_the_queue_reads_in_a_fixed_number_of_queries(market, django_assert_num_queries):
    owners = [make_user() for _ in range(3)]
    for owner in owners:
        org = make_org(buyer=True, owner=owner)
        product_report(actor=owner, reporter=org, product=market.product, reason="offensive")
    _report(market, product=market.selective)
    with django_assert_num_queries(4):
        groups, _ = report_queue()
        assert [len(g.reports) for g in groups] == [3, 1]
        assert all(g.product.seller.legal_name for g in groups)
        assert all(r.reporter_user.email for g in groups for r in g.reports)
