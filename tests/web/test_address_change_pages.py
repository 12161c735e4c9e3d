"""F6 on the order page: the buyer asks in writing to be delivered to one of its saved
addresses or to a typed one, the seller approves (the order's delivery address changes) or
refuses with a note (POST with CSRF); one request at a time; P4 rights, the wrong side, other
companies (404), bad input (a message, nothing changed) and what the panel reads."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.core import clock
from comptoir.fulfilment.models import AddressChangeRequest
from comptoir.fulfilment.services import shipment_create
from comptoir.ordering.models import Order
from comptoir.ordering.quoting import LineRequest
from comptoir.ordering.services import Submission, order_place
from comptoir.parties import services
from comptoir.parties.models import Address, AddressKind, Permission
from comptoir.terms.services import terms_version_create_from_preset, terms_version_publish
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 24, 10, 0, tzinfo=clock.PARIS)
TYPED = {
    "source": "new",
    "name": "Salon Approuvé — réserve",
    "line1": "12 quai des Marques",
    "line2": "Porte B",
    "postcode": "1000",
    "city": "Bruxelles",
    "country": "be",
}


@pytest.fixture(autouse=True)
def _now():
    clock.freeze(AT)
    yield
    clock.freeze(None)


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def seller_user(shop):
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


def _order(shop, key: str = "f6-pages", skus: tuple[str, str] = ("HD-001", "HD-002")) -> Order:
    return order_place(
        actor=shop.owner,
        submission=Submission(
            buyer=shop.approved_buyer,
            seller=shop.seller,
            lines=tuple(LineRequest(sku, 6) for sku in skus),
            accepted_terms_version=1,
            idempotency_key=key,
        ),
    )


@pytest.fixture
def order(shop, seller_user) -> Order:
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        draft = terms_version_create_from_preset(seller=shop.seller, preset="selective-beauty")
        terms_version_publish(version=draft)
    return _order(shop)


@pytest.fixture
def saved(shop) -> Address:
    """Buyer A's warehouse, a saved delivery address."""
    return Address.objects.create(
        organization=shop.approved_buyer,
        kind=AddressKind.DELIVERY,
        label="Entrepôt",
        line1="8 rue des Docks",
        postcode="69007",
        city="Lyon",
        country="FR",
    )


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


def _section(html: str) -> str:
    match = re.search(r'<section id="address-changes".*?</section>', html, re.S)
    assert match, "the F6 section is on the page"
    return match.group(0)


def _ask(client, order, **form):
    return client.post(reverse("web:address_change_request", args=[order.number]), form)


def _decide(client, order, request, decision: str, note: str = ""):
    url = reverse("web:address_change_decide", args=[order.number, request.pk])
    return client.post(url, {"decision": decision, "note": note})


def _followed(client, response) -> str:
    assert response.status_code == 302
    return client.get(response.url.split("#")[0]).content.decode()


def test_the_buyer_asks_for_a_saved_address_and_the_seller_approves(
    client, shop, seller_user, order, saved
):
    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert 'aria-labelledby="address-changes-title"' in section
    assert '<h2 id="address-changes-title">' in section
    assert "Art. 3" in section  # the terms' clause [003 §3]
    assert "address on file" in section  # no address given when ordering
    assert 'data-testid="address-change-saved-form"' in section
    assert 'data-testid="address-change-new-form"' in section
    assert f'<option value="{saved.pk}">Entrepôt — 8 rue des Docks, 69007 Lyon (FR)' in section
    assert '<label for="f6-address-id">' in section and 'id="f6-address-id"' in section
    assert '<label for="f6-city">' in section and 'id="f6-city"' in section
    assert 'name="csrfmiddlewaretoken"' in section
    response = _ask(client, order, source="saved", address_id=saved.pk)
    assert response.url.endswith("#address-changes")
    request = AddressChangeRequest.objects.get()
    assert request.status == "pending" and request.requested_by == shop.owner
    assert request.requested_address == {
        "name": "Salon Approuvé",
        "line1": "8 rue des Docks",
        "postcode": "69007",
        "city": "Lyon",
        "country": "FR",
    }
    page = _followed(client, response)
    assert "Request sent: the seller is asked to approve delivery to Salon Approuvé, 8 rue" in page
    section = _section(page)
    assert 'data-testid="address-change-pending"' in section
    assert "owner@buyer-a.test" in section and "24/11/2026 10:00" in section
    assert 'data-testid="address-change-saved-form"' not in section  # one at a time
    assert "address_change_decide" not in section and "/decide/" not in section

    client.force_login(seller_user)
    section = _section(_detail(client, order))
    assert "8 rue des Docks" in section
    assert 'data-testid="address-change-decide-form"' in section
    assert 'value="approve"' in section and '<label for="f6-note">' in section
    assert 'data-testid="address-change-new-form"' not in section  # the buyer's form
    with clock.frozen(datetime(2026, 11, 25, 9, 30, tzinfo=clock.PARIS)):
        response = _decide(client, order, request, "approve", "Livraison jeudi.")
    page = _followed(client, response)
    assert "Address change approved: the order is now delivered to Salon Approuvé" in page
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == seller_user
    assert request.note == "Livraison jeudi."
    order.refresh_from_db()
    assert order.delivery_address == request.requested_address
    assert order.delivery_country == "FR"
    section = _section(page)
    current = section.split('data-testid="address-change-current"')[1].split("</div>")[0]
    assert "8 rue des Docks" in current and "69007 Lyon (FR)" in current
    assert "Approved" in section and "Livraison jeudi." in section
    assert "sales@seller.test" in section and "25/11/2026 09:30" in section
    assert 'data-testid="address-change-decide-form"' not in section

    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert "Approved" in section and "Livraison jeudi." in section
    assert 'data-testid="address-change-new-form"' in section  # may ask again


def test_the_buyer_types_an_address_and_the_seller_refuses_with_a_note(
    client, shop, seller_user, order
):
    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert 'data-testid="address-change-saved-form"' not in section  # no saved address
    assert 'value="Salon Approuvé"' in section  # the recipient, prefilled
    page = _followed(client, _ask(client, order, **TYPED))
    assert "Porte B, 1000 Bruxelles (BE)" in page
    request = AddressChangeRequest.objects.get()
    typed = {k: v for k, v in TYPED.items() if k != "source"}
    assert request.requested_address == {**typed, "country": "BE"}

    client.force_login(seller_user)
    page = _followed(client, _decide(client, order, request, "refuse", "Hors zone.\nDésolé."))
    assert "Address change refused: the order keeps its delivery address." in page
    request.refresh_from_db()
    assert request.status == "refused" and request.note == "Hors zone.\nDésolé."
    order.refresh_from_db()
    assert order.delivery_address == {} and order.delivery_country == "FR"
    section = _section(page)
    assert "Refused" in section and "Hors zone.<br>Désolé." in section

    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert "Refused" in section and "Hors zone." in section
    assert 'data-testid="address-change-pending"' not in section
    assert 'data-testid="address-change-new-form"' in section  # a new request is possible


def test_the_buyer_country_is_FR_by_default_and_typed_fields_are_trimmed(client, shop, order):
    client.force_login(shop.owner)
    form = {"source": "new", "line1": "  3 rue Neuve ", "postcode": "75003", "city": " Paris"}
    _ask(client, order, **form, country="")
    request = AddressChangeRequest.objects.get()
    assert request.requested_address == {
        "line1": "3 rue Neuve",
        "postcode": "75003",
        "city": "Paris",
        "country": "FR",
    }


def test_the_same_request_sent_twice_is_said_already_sent(client, shop, order, saved):
    client.force_login(shop.owner)
    assert _ask(client, order, **TYPED).status_code == 302
    page = _followed(client, _ask(client, order, **TYPED))
    assert "This request was already sent: it waits for the seller." in page
    assert "already waiting" not in page
    assert AddressChangeRequest.objects.count() == 1


def test_a_second_request_while_one_waits_is_refused(client, shop, order, saved):
    client.force_login(shop.owner)
    assert _ask(client, order, source="saved", address_id=saved.pk).status_code == 302
    page = _followed(client, _ask(client, order, **TYPED))
    assert "Order — A request is already waiting for the seller. (F6)" in page
    assert "already sent" not in page
    assert AddressChangeRequest.objects.count() == 1
    assert 'data-testid="address-change-pending"' in _section(page)


def test_another_users_waiting_request_is_refused_not_said_sent(client, shop, order, saved):
    colleague = make_user("colleague@buyer.test")
    services.membership_add(
        actor=shop.owner,
        organization=shop.approved_buyer,
        user=colleague,
        permissions={Permission.PLACE_ORDERS, Permission.VIEW_ORDERS},
    )
    client.force_login(shop.owner)
    assert _ask(client, order, **TYPED).status_code == 302
    client.force_login(colleague)
    page = _followed(client, _ask(client, order, **TYPED))
    assert "A request is already waiting for the seller. (F6)" in page
    assert AddressChangeRequest.objects.count() == 1


def test_the_seller_does_not_ask_and_the_buyer_does_not_decide(
    client, shop, seller_user, order, saved
):
    client.force_login(seller_user)
    page = _followed(client, _ask(client, order, **TYPED))
    assert "Only the buyer asks for another delivery address. (F6)" in page
    assert not AddressChangeRequest.objects.exists()

    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    for decision in ("approve", "refuse"):
        page = _followed(client, _decide(client, order, request, decision))
        assert "Only the seller approves or refuses an address change. (F6)" in page
    request.refresh_from_db()
    assert request.status == "pending" and request.decided_by is None
    order.refresh_from_db()
    assert order.delivery_address == {}


def test_an_employee_without_place_orders_reads_the_section_without_forms(
    client, shop, seller_user, order, saved
):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    clerk = _employee(shop, "clerk@buyer-a.test", [Permission.VIEW_ORDERS])
    client.force_login(clerk)
    section = _section(_detail(client, order))
    assert "8 rue des Docks" in section and 'data-testid="address-change-pending"' in section
    assert "<form" not in section
    assert 'data-testid="address-change-no-right"' in section
    assert _ask(client, order, **TYPED).status_code == 403
    assert _decide(client, order, request, "refuse").status_code == 403
    request.refresh_from_db()
    assert request.status == "pending" and AddressChangeRequest.objects.count() == 1


def test_a_seller_employee_without_place_orders_cannot_decide(
    client, shop, seller_user, order, saved
):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    clerk = make_user("clerk@seller.test")
    services.membership_add(
        actor=seller_user,
        organization=shop.seller,
        user=clerk,
        permissions=[Permission.VIEW_ORDERS],
    )
    client.force_login(clerk)
    section = _section(_detail(client, order))
    assert "8 rue des Docks" in section and "<form" not in section
    assert _decide(client, order, request, "approve").status_code == 403
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == "pending" and order.delivery_address == {}


@pytest.mark.parametrize(
    ("form", "shown"),
    [
        ({**TYPED, "city": ""}, "City — This field is required. (F6)"),
        ({**TYPED, "line1": "   "}, "Address line 1 — This field is required. (F6)"),
        ({**TYPED, "line1": "x" * 201}, "Address line 1 — At most 200 characters. (F6)"),
        ({**TYPED, "name": "x" * 201}, "Recipient — At most 200 characters. (F6)"),
        ({**TYPED, "postcode": "1" * 21}, "Postcode — At most 20 characters. (F6)"),
        ({**TYPED, "city": "x" * 101}, "City — At most 100 characters. (F6)"),
        ({**TYPED, "country": "FRA"}, "Country — At most 2 characters. (F6)"),
        ({**TYPED, "country": "F1"}, "Country — Give the country as its two-letter code"),
        ({**TYPED, "city": "Lyon\x1b"}, "City — This text holds a character that is not allowed."),
        ({**TYPED, "source": ""}, "Address — Choose a saved address or type a new one. (F6)"),
        ({"source": "saved"}, "One of your addresses — Choose one of your saved addresses. (F6)"),
        (
            {"source": "saved", "address_id": "abc"},
            "One of your addresses — Choose one of your saved addresses. (F6)",
        ),
        (
            {"source": "saved", "address_id": "99999999"},
            "One of your addresses — Choose one of your saved addresses. (F6)",
        ),
        (
            {"source": "saved", "address_id": "9" * 40},
            "One of your addresses — Choose one of your saved addresses. (F6)",
        ),
    ],
)
def test_bad_input_says_what_is_wrong_and_changes_nothing(client, shop, order, form, shown):
    client.force_login(shop.owner)
    page = _followed(client, _ask(client, order, **form))
    assert shown in page
    assert not AddressChangeRequest.objects.exists()


def test_an_address_of_another_company_is_not_offered_nor_accepted(client, shop, order, saved):
    theirs = Address.objects.create(
        organization=shop.other_buyer,
        kind=AddressKind.DELIVERY,
        line1="1 place Voisine",
        postcode="13001",
        city="Marseille",
    )
    billing = Address.objects.create(
        organization=shop.approved_buyer,
        kind=AddressKind.BILLING,
        line1="Cabinet comptable",
        postcode="75008",
        city="Paris",
    )
    client.force_login(shop.owner)
    section = _section(_detail(client, order))
    assert "1 place Voisine" not in section and "Cabinet comptable" not in section
    for address in (theirs, billing):
        page = _followed(client, _ask(client, order, source="saved", address_id=address.pk))
        assert "Choose one of your saved addresses. (F6)" in page
        assert "1 place Voisine" not in page
    assert not AddressChangeRequest.objects.exists()


def test_the_seller_decision_is_checked(client, shop, seller_user, order, saved):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    client.force_login(seller_user)
    page = _followed(client, _decide(client, order, request, "maybe"))
    assert "Decision — Approve or refuse the request. (F6)" in page
    page = _followed(client, _decide(client, order, request, "approve", "x" * 2001))
    assert "Note to the buyer — At most 2000 characters. (F6)" in page
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == "pending" and order.delivery_address == {}
    _decide(client, order, request, "refuse")
    page = _followed(client, _decide(client, order, request, "approve"))
    assert "Request — This request was already decided. (F6)" in page
    order.refresh_from_db()
    assert order.delivery_address == {}


def test_other_companies_get_404(client, shop, seller_user, order, saved):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    client.force_login(shop.other_owner)
    assert client.get(reverse("web:order_detail", args=[order.number])).status_code == 404
    assert client.get(reverse("web:address_changes", args=[order.number])).status_code == 404
    assert _ask(client, order, **TYPED).status_code == 404
    assert _decide(client, order, request, "approve").status_code == 404
    request.refresh_from_db()
    assert request.status == "pending" and AddressChangeRequest.objects.count() == 1


def test_a_request_of_another_order_is_not_found_under_this_one(
    client, shop, seller_user, order, saved
):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    other = _order(shop, key="f6-other", skus=("HD-003", "HD-004"))
    client.force_login(seller_user)
    assert _decide(client, other, request, "approve").status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_posting_needs_the_csrf_token(shop, order, saved):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(shop.owner)
    url = reverse("web:address_change_request", args=[order.number])
    assert csrf_client.post(url, {"source": "saved", "address_id": saved.pk}).status_code == 403
    assert not AddressChangeRequest.objects.exists()


def test_once_shipped_the_address_no_longer_changes(client, shop, seller_user, order, saved):
    client.force_login(shop.owner)
    _ask(client, order, source="saved", address_id=saved.pk)
    request = AddressChangeRequest.objects.get()
    shipment_create(
        actor=seller_user,
        order_id=order.pk,
        lines={line.pk: line.quantity for line in order.lines.all()},
        carrier="Colissimo",
        parcels=["6A000000001FR"],
    )
    order.refresh_from_db()
    assert order.state == "shipped"
    requests_page = reverse("web:address_changes", args=[order.number])
    section = _section(_detail(client, order))
    assert "<form" not in section and "8 rue des Docks" not in section  # nothing read
    assert f'href="{requests_page}"' in section
    response = _ask(client, order, **TYPED)
    assert response.url == requests_page + "#address-changes"
    page = _followed(client, response)
    assert "Order — The address can only change before the order ships. (F6)" in page
    assert "8 rue des Docks" in _section(page)  # the requests page lists the waiting one
    assert AddressChangeRequest.objects.count() == 1

    client.force_login(seller_user)
    section = _section(client.get(requests_page).content.decode())
    assert 'data-testid="address-change-decide-form"' in section
    assert 'value="approve"' not in section and 'value="refuse"' in section
    page = _followed(client, _decide(client, order, request, "approve"))
    assert "The address can only change before the order ships. (F6)" in page
    request.refresh_from_db()
    assert request.status == "pending"
    page = _followed(client, _decide(client, order, request, "refuse", "Déjà parti."))
    assert "Address change refused" in page
    request.refresh_from_db()
    order.refresh_from_db()
    assert request.status == "refused" and order.delivery_address == {}
    assert "Déjà parti." in _section(page)


def _panel_reads(client, order) -> list[str]:
    client.get(reverse("web:order_detail", args=[order.number]))
    with CaptureQueriesContext(connection) as reads:
        client.get(reverse("web:order_detail", args=[order.number]))
    return [
        q["sql"]
        for q in reads.captured_queries
        # the requests' own read (the order's query only asks whether there are any)
        if q["sql"].startswith('SELECT "fulfilment_addresschangerequest".')
        or 'FROM "parties_address"' in q["sql"]
    ]


def test_what_the_panel_reads(client, shop, seller_user, order, saved):
    """While the order is open: the requests only when there are some (the order is read with
    whether it has any), the buyer's addresses when its form is shown; nothing once the order is
    no longer open."""
    client.force_login(shop.owner)
    assert len(_panel_reads(client, order)) == 1  # no request yet: the saved addresses only
    _ask(client, order, source="saved", address_id=saved.pk)
    AddressChangeRequest.objects.update(requested_by=shop.owner)
    assert len(_panel_reads(client, order)) == 1  # one waits: no form, no addresses
    client.force_login(seller_user)
    assert len(_panel_reads(client, order)) == 1  # with who asked, in the same query
    Order.objects.filter(pk=order.pk).update(state="delivered")
    assert _panel_reads(client, order) == []
    client.force_login(shop.owner)
    assert _panel_reads(client, order) == []
