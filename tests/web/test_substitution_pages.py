"""C6 on the order page: the seller proposes a replacement for a line, the buyer accepts or
declines it (POST with CSRF), P4 rights (prices, answering) and other companies (404)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from comptoir.core import clock
from comptoir.ordering.models import Order, SubstitutionProposal
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_cancel, order_place
from comptoir.parties import services
from comptoir.parties.models import Permission
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(AT)
    yield
    clock.freeze(None)


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _terms(shop, preset: str) -> None:
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset=preset)
        terms_version_publish(version=draft)


def _order(shop) -> Order:
    return order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-001", 6), LineRequest("HD-002", 6)),
            accepted_terms_version=1,
            idempotency_key="c6-pages",
        ),
    )


@pytest.fixture
def seller_user(shop):
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def order(shop, seller_user) -> Order:
    _terms(shop, "electronics-wholesale")  # Art. 4.6: substitution offered
    return _order(shop)


def _employee(shop, email: str, permissions: list[str]):
    user = make_user(email)
    services.membership_add(
        actor=shop.owner, organization=shop.approved_buyer, user=user, permissions=permissions
    )
    return user


def _detail(client, order) -> str:
    response = client.get(reverse("web:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def _propose(client, order, **form):
    line = order.lines.get(sku=form.pop("line", "HD-001"))
    data = {"line_id": line.pk, "quantity": 6, "note": "", **form}
    return client.post(reverse("web:substitution_propose", args=[order.number]), data)


def _answer(client, order, proposal, answer: str):
    url = reverse("web:substitution_answer", args=[order.number, proposal.pk])
    return client.post(url, {"answer": answer})


def _section(html: str) -> str:
    match = re.search(r'<section id="substitutions".*?</section>', html, re.S)
    assert match, "the C6 section is on the page"
    return match.group(0)


def test_the_seller_proposes_and_the_buyer_sees_and_accepts(client, shop, seller_user, order):
    client.force_login(seller_user)
    section = _section(_detail(client, order))
    assert 'data-testid="substitution-form-HD-001"' in section
    assert 'data-testid="substitution-form-HD-002"' in section
    assert 'name="csrfmiddlewaretoken"' in section
    assert '<label for="c6-product-' in section and '<label for="c6-sku-' in section
    response = _propose(
        client,
        order,
        product_id=shop.open_product.pk + 2,  # HD-003, chosen from the select
        note="Rupture fabricant.",
    )
    assert response.status_code == 302 and response.url.endswith("#substitutions")
    proposal = SubstitutionProposal.objects.get()
    assert (proposal.original_sku, proposal.sku, proposal.quantity) == ("HD-001", "HD-003", 6)
    page = client.get(response.url.split("#")[0]).content.decode()
    assert "Replacement HD-003 proposed for HD-001" in page
    seller_section = _section(page)
    assert 'data-testid="substitution-form-HD-001"' not in seller_section  # one at a time
    assert "Waiting for the buyer" in seller_section
    assert reverse("web:substitution_answer", args=[order.number, proposal.pk]) not in page

    client.force_login(shop.owner)
    buyer_section = _section(_detail(client, order))
    assert "Crème hydratante 003" in buyer_section and "HD-003" in buyer_section
    assert "Rupture fabricant." in buyer_section
    assert "75.00" in buyer_section  # 6 × 12.50 excl. VAT, the buyer's price
    assert 'data-testid="substitution-form-HD-002"' not in buyer_section  # the seller's form
    assert reverse("web:substitution_answer", args=[order.number, proposal.pk]) in buyer_section
    response = _answer(client, order, proposal, "accept")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.answered_by == shop.owner
    assert sorted(order.lines.values_list("sku", flat=True)) == ["HD-002", "HD-003"]
    page = client.get(response.url.split("#")[0]).content.decode()
    assert "Replacement accepted: HD-003 takes the place of HD-001." in page


def test_the_seller_chooses_by_sku_and_the_buyer_declines(client, shop, seller_user, order):
    client.force_login(seller_user)
    assert _propose(client, order, line="HD-002", sku=" HD-010 ").status_code == 302
    proposal = SubstitutionProposal.objects.get()
    assert (proposal.original_sku, proposal.sku) == ("HD-002", "HD-010")
    client.force_login(shop.owner)
    assert _answer(client, order, proposal, "decline").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    assert list(order.lines.values_list("sku", flat=True)) == ["HD-001"]
    order.refresh_from_db()
    assert order.state == "submitted"


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        ({"sku": "NOPE-1"}, "Replacement SKU — The seller has no product &#x27;NOPE-1&#x27;. (C6)"),
        ({}, "Replacement product — Choose the replacement product"),
        ({"sku": "HD-003", "quantity": "six"}, "Quantity — Enter a whole number. (C6)"),
        ({"sku": "HD-002"}, "Replacement product — HD-002 is already a line of the order"),
    ],
)
def test_refused_proposals_show_field_problem_and_rule(
    client, shop, seller_user, order, form, shown
):
    client.force_login(seller_user)
    response = _propose(client, order, **form)
    assert response.status_code == 302
    page = client.get(response.url.split("#")[0]).content.decode()
    assert shown in page
    assert not SubstitutionProposal.objects.exists()


def test_the_buyer_cannot_propose_and_the_seller_cannot_answer(client, shop, seller_user, order):
    client.force_login(shop.owner)
    page = client.get(_propose(client, order, sku="HD-003").url.split("#")[0]).content.decode()
    assert "Only the seller proposes a replacement. (C6)" in page
    assert not SubstitutionProposal.objects.exists()
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003")
    proposal = SubstitutionProposal.objects.get()
    page = client.get(_answer(client, order, proposal, "accept").url.split("#")[0])
    assert "(P4)" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_an_employee_without_place_orders_sees_the_proposal_without_answering_or_prices(
    client, shop, seller_user, order
):
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003", note="Même gamme.")
    proposal = SubstitutionProposal.objects.get()
    clerk = _employee(shop, "clerk@buyer-a.test", [Permission.VIEW_ORDERS])
    client.force_login(clerk)
    section = _section(_detail(client, order))
    assert "HD-003" in section and "Même gamme." in section
    assert "75.00" not in section and "12.50" not in section  # P4: no "see prices"
    assert reverse("web:substitution_answer", args=[order.number, proposal.pk]) not in section
    assert 'data-testid="substitution-no-right"' in section
    assert _answer(client, order, proposal, "accept").status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_an_employee_who_orders_but_sees_no_prices_answers_without_prices(
    client, shop, seller_user, order
):
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003")
    proposal = SubstitutionProposal.objects.get()
    buyer = _employee(shop, "buyer@buyer-a.test", [Permission.VIEW_ORDERS, Permission.PLACE_ORDERS])
    client.force_login(buyer)
    section = _section(_detail(client, order))
    assert "75.00" not in section
    assert reverse("web:substitution_answer", args=[order.number, proposal.pk]) in section
    assert _answer(client, order, proposal, "decline").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "declined" and proposal.answered_by == buyer


def test_other_companies_get_404(client, shop, seller_user, order):
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003")
    proposal = SubstitutionProposal.objects.get()
    client.force_login(shop.other_owner)
    assert client.get(reverse("web:order_detail", args=[order.number])).status_code == 404
    assert _answer(client, order, proposal, "accept").status_code == 404
    assert _propose(client, order, sku="HD-004").status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending" and SubstitutionProposal.objects.count() == 1


def test_a_proposal_of_another_order_is_not_found_under_this_one(client, shop, seller_user, order):
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003")
    proposal = SubstitutionProposal.objects.get()
    other = order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=(LineRequest("HD-005", 6),),
            accepted_terms_version=1,
            idempotency_key="c6-other",
        ),
    )
    client.force_login(shop.owner)
    assert _answer(client, other, proposal, "accept").status_code == 404


def test_answering_needs_the_csrf_token(shop, seller_user, order):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(seller_user)
    assert _propose(csrf_client, order, sku="HD-003").status_code == 403
    assert not SubstitutionProposal.objects.exists()


def test_a_cancelled_order_shows_its_proposal_as_no_longer_answerable(
    client, shop, seller_user, order
):
    client.force_login(seller_user)
    _propose(client, order, sku="HD-003")
    proposal = SubstitutionProposal.objects.get()
    order_cancel(actor=seller_user, order_id=order.pk, reason="Stock épuisé.", by="seller")
    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert "No longer answerable" in section
    assert reverse("web:substitution_answer", args=[order.number, proposal.pk]) not in section
    page = client.get(_answer(client, order, proposal, "accept").url.split("#")[0])
    assert "no longer be answered" in page.content.decode()


def test_terms_without_substitution_offer_no_form(client, shop, seller_user):
    _terms(shop, "selective-beauty")
    order = _order(shop)
    client.force_login(seller_user)
    html = _detail(client, order)
    assert 'id="substitutions"' not in html
    page = client.get(_propose(client, order, sku="HD-003").url.split("#")[0]).content.decode()
    assert "These terms provide no substitution of products. (C6)" in page
