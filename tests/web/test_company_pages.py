"""The company account pages through the Django client: details and addresses (P1), users and
their rights (P4), invitations and their landing page, the export of the company's own data (P6,
P9). Data is built through the services."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from comptoir.billing.services import invoice_render
from comptoir.billing.snapshots import party_snapshot
from comptoir.core import clock
from comptoir.parties import services
from comptoir.parties.acting import SESSION_KEY
from comptoir.parties.models import Address, Invitation, Membership, Organization, Permission, User
from comptoir.payments.services import payment_record
from tests.fulfilment.conftest import accepted_order, ship_all
from tests.ordering.conftest import make_buyer, make_shop
from tests.parties.factories import make_org, make_user

pytestmark = pytest.mark.django_db
P = Permission


@pytest.fixture(autouse=True)
def _english_and_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def company():
    """A buyer with its owner, a user manager holding few rights, and a plain employee."""
    owner = make_user("owner@salon.test")
    org = make_org(buyer=True, name="Salon Lumière", owner=owner)
    manager = make_user("manager@salon.test")
    services.membership_add(
        actor=owner,
        organization=org,
        user=manager,
        permissions=[P.MANAGE_USERS, P.VIEW_ORDERS, P.VIEW_PRODUCTS],
    )
    employee = make_user("employee@salon.test")
    services.membership_add(
        actor=owner, organization=org, user=employee, permissions=[P.VIEW_PRODUCTS]
    )
    return org, owner, manager, employee


def membership(org: Organization, user: User) -> Membership:
    return Membership.objects.get(organization=org, user=user)


# --- users and rights -----------------------------------------------------------------------------


def test_users_page_shows_each_member_with_a_labelled_grid_of_rights(client, company):
    org, owner, _manager, employee = company
    client.force_login(owner)
    page = client.get(reverse("web:account_users"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "employee@salon.test" in html and "manager@salon.test" in html
    mine = membership(org, employee)
    box = re.search(rf'<input[^>]*id="perm-{mine.pk}-view_products"[^>]*>', html).group(0)
    assert "checked" in box and f'form="perm-{mine.pk}"' in box
    assert f'aria-labelledby="col-view_products member-{mine.pk}"' in box
    assert 'id="col-view_products"' in html and "See product information" in html
    unticked = re.search(rf'<input[^>]*id="perm-{mine.pk}-place_orders"[^>]*>', html).group(0)
    assert "checked" not in unticked and "disabled" not in unticked


def test_an_employee_without_the_manage_users_right_gets_403(client, company):
    org, _owner, _manager, employee = company
    client.force_login(employee)
    for name in ("web:account", "web:account_users", "web:account_export"):
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse("web:member_invite"), {"email": "x@salon.test"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_owner_sets_an_employees_rights(client, company):
    org, owner, _manager, employee = company
    client.force_login(owner)
    target = membership(org, employee)
    response = client.post(
        reverse("web:member_permissions", args=[target.pk]),
        {"permissions": [P.VIEW_ORDERS, P.PLACE_ORDERS]},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.permissions == sorted([P.VIEW_ORDERS, P.PLACE_ORDERS])


def test_a_manager_cannot_grant_a_right_it_does_not_hold(client, company):
    org, _owner, manager, employee = company
    client.force_login(manager)
    target = membership(org, employee)
    page = client.get(reverse("web:account_users"))
    html = page.content.decode()
    box = re.search(rf'<input[^>]*id="perm-{target.pk}-place_orders"[^>]*>', html).group(0)
    assert "disabled" in box  # not offered
    response = client.post(
        reverse("web:member_permissions", args=[target.pk]),
        {"permissions": [P.VIEW_PRODUCTS, P.PLACE_ORDERS]},
        follow=True,
    )
    target.refresh_from_db()
    assert target.permissions == [P.VIEW_PRODUCTS]  # unchanged
    assert "(P4)" in response.content.decode()


def test_only_the_owner_deactivates_and_reactivates(client, company):
    org, owner, manager, employee = company
    target = membership(org, employee)
    client.force_login(manager)
    client.post(reverse("web:member_deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active  # a manager is not the owner (P4)
    client.force_login(owner)
    client.post(reverse("web:member_deactivate", args=[target.pk]))
    target.refresh_from_db()
    assert not target.is_active and target.deactivated_at is not None
    assert "Deactivated" in client.get(reverse("web:account_users")).content.decode()
    client.post(reverse("web:member_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active


def test_the_owner_cannot_be_deactivated(client, company):
    org, owner, _manager, _employee = company
    client.force_login(owner)
    mine = membership(org, owner)
    response = client.post(reverse("web:member_deactivate", args=[mine.pk]), follow=True)
    mine.refresh_from_db()
    assert mine.is_active
    assert "(P4)" in response.content.decode()


def test_another_companys_members_and_invitations_answer_404(client, company):
    org, owner, _manager, employee = company
    stranger = make_user("boss@voisin.test")
    make_org(buyer=True, name="Boutique Voisine", owner=stranger)
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[]
    )
    target = membership(org, employee)
    client.force_login(stranger)
    for name in ("web:member_permissions", "web:member_deactivate", "web:member_reactivate"):
        response = client.post(reverse(name, args=[target.pk]), {"permissions": [P.VIEW_ORDERS]})
        assert response.status_code == 404, name
    assert client.post(reverse("web:invitation_revoke", args=[invitation.pk])).status_code == 404
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert target.is_active and target.permissions == [P.VIEW_PRODUCTS]
    assert invitation.revoked_at is None
    assert "employee@salon.test" not in client.get(reverse("web:account_users")).content.decode()


# --- invitations ----------------------------------------------------------------------------------


def test_an_invitation_is_sent_by_email_with_its_link_never_shown_on_the_page(client, company):
    org, owner, _manager, _employee = company
    client.force_login(owner)
    response = client.post(
        reverse("web:member_invite"),
        {"email": "New.Person@Salon.test", "permissions": [P.VIEW_ORDERS, P.USE_CART]},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.person@salon.test"
    assert invitation.permissions == sorted([P.VIEW_ORDERS, P.USE_CART])
    assert len(invitation.token) >= 40  # 32 random bytes
    [message] = mail.outbox
    assert message.to == ["new.person@salon.test"]
    link = reverse("web:invitation", args=[invitation.token])
    assert f"http://testserver{link}" in message.body
    assert "Salon Lumière" in message.subject
    page = client.get(reverse("web:account_users")).content.decode()
    assert "new.person@salon.test" in page and invitation.token not in page


def test_a_manager_cannot_invite_with_a_right_it_does_not_hold(client, company):
    _org, _owner, manager, _employee = company
    client.force_login(manager)
    client.post(
        reverse("web:member_invite"),
        {"email": "x@salon.test", "permissions": [P.VIEW_INVOICES]},
    )
    assert not Invitation.objects.exists() and not mail.outbox


def test_revoked_invitations_no_longer_open(client, company):
    org, owner, _manager, _employee = company
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[]
    )
    client.force_login(owner)
    client.post(reverse("web:invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    page = client.get(reverse("web:invitation", args=[invitation.token]))
    assert page.status_code == 404
    assert 'data-testid="invitation-invalid"' in page.content.decode()


def test_the_invited_person_logged_in_with_the_invited_email_accepts(client, company):
    org, owner, _manager, _employee = company
    invitee = make_user("new@salon.test")
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[P.VIEW_ORDERS]
    )
    client.force_login(invitee)
    url = reverse("web:invitation", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="accept"' in page.content.decode()
    assert "See orders" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    joined = membership(org, invitee)
    assert joined.permissions == [P.VIEW_ORDERS] and joined.is_active
    assert client.session[SESSION_KEY] == org.pk
    assert client.get(url).status_code == 404  # used: refused


def test_an_invitation_is_refused_to_another_login(client, company):
    org, owner, _manager, _employee = company
    other = make_user("someone.else@elsewhere.test")
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[]
    )
    client.force_login(other)
    url = reverse("web:invitation", args=[invitation.token])
    page = client.get(url).content.decode()
    assert 'data-testid="wrong-account"' in page and "new@salon.test" not in page
    client.post(url)
    assert not Membership.objects.filter(user=other).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_anonymous_invitee_creates_a_login_and_joins(client, company):
    org, owner, _manager, _employee = company
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[P.USE_CART]
    )
    url = reverse("web:invitation", args=[invitation.token])
    page = client.get(url).content.decode()
    assert 'data-testid="create-login"' in page
    refused = client.post(
        url, {"full_name": "Nina", "password": "Long-enough-pass-1", "password_again": "other"}
    )
    assert refused.status_code == 200 and "The two passwords differ." in refused.content.decode()
    weak = client.post(url, {"password": "abc", "password_again": "abc"})
    assert weak.status_code == 200 and not User.objects.filter(email="new@salon.test").exists()
    response = client.post(
        url,
        {
            "full_name": "Nina Martin",
            "password": "Long-enough-pass-1",
            "password_again": "Long-enough-pass-1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@salon.test")
    assert user.full_name == "Nina Martin" and user.check_password("Long-enough-pass-1")
    assert membership(org, user).permissions == [P.USE_CART]
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_anonymous_invitee_with_a_login_is_asked_to_log_in(client, company):
    org, owner, _manager, _employee = company
    make_user("new@salon.test")
    invitation = services.membership_invite(
        actor=owner, organization=org, email="new@salon.test", permissions=[]
    )
    url = reverse("web:invitation", args=[invitation.token])
    page = client.get(url).content.decode()
    assert 'data-testid="login-to-accept"' in page and 'data-testid="create-login"' not in page
    response = client.post(
        url, {"password": "whatever-pass-1", "password_again": "whatever-pass-1"}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert not Membership.objects.filter(user__email="new@salon.test").exists()


def test_expired_and_unknown_invitations_are_refused_clearly(client, company):
    org, owner, _manager, _employee = company
    with clock.frozen(datetime(2026, 3, 1, 10, 0, tzinfo=clock.PARIS)):
        invitation = services.membership_invite(
            actor=owner, organization=org, email="new@salon.test", permissions=[]
        )
    with clock.frozen(invitation.expires_at + timedelta(minutes=1)):
        url = reverse("web:invitation", args=[invitation.token])
        page = client.get(url)
        assert page.status_code == 404
        assert "has expired" in page.content.decode()
        assert client.post(url, {"password": "x", "password_again": "x"}).status_code == 404
    assert client.get(reverse("web:invitation", args=["not-a-token"])).status_code == 404
    assert not User.objects.filter(email="new@salon.test").exists()


# --- details and addresses ------------------------------------------------------------------------


def test_the_account_page_edits_details_and_refuses_a_bad_identifier(client, company):
    org, owner, _manager, _employee = company
    client.force_login(owner)
    page = client.get(reverse("web:account")).content.decode()
    assert org.siren in page and reverse("web:api_keys") in page
    assert reverse("web:webhooks") in page and reverse("web:mandates") in page
    response = client.post(
        reverse("web:account_update"), {"phone": "+33 1 23 45 67 89", "legal_name": org.legal_name}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.phone == "+33 1 23 45 67 89"
    bad = client.post(reverse("web:account_update"), {"siret": "12345678901234"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert 'aria-invalid="true"' in html and 'value="12345678901234"' in html
    org.refresh_from_db()
    assert org.siret != "12345678901234"


def test_addresses_are_added_through_the_service(client, company):
    org, owner, _manager, _employee = company
    client.force_login(owner)
    client.post(
        reverse("web:account_address_add"),
        {
            "kind": "delivery",
            "label": "Entrepôt",
            "line1": "3 rue du Port",
            "postcode": "13002",
            "city": "Marseille",
            "country": "fr",
        },
    )
    [address] = Address.objects.filter(organization=org, kind="delivery")
    assert (address.city, address.country, address.label) == ("Marseille", "FR", "Entrepôt")
    response = client.post(
        reverse("web:account_address_add"),
        {"kind": "billing", "line1": "1 rue", "postcode": "123", "city": "Lyon"},
        follow=True,
    )
    assert not Address.objects.filter(organization=org, kind="billing").exists()
    assert "5 digits" in response.content.decode()
    client.post(
        reverse("web:account_address_add"),
        {"kind": "registered", "line1": "1 rue", "postcode": "69001", "city": "Lyon"},
    )
    assert not Address.objects.filter(organization=org, city="Lyon").exists()
    assert "Marseille" in client.get(reverse("web:account")).content.decode()


def _invoice_address_row(client) -> str:
    page = client.get(reverse("web:account")).content.decode()
    return re.search(r'<tr data-testid="invoice-address">(.*?)</tr>', page, re.S).group(1)


def test_the_account_page_marks_the_address_invoices_print(client, company):
    """The address party snapshots print (`billing.snapshots.printed_address`) is the one marked:
    the registered office until a billing address exists, then the first billing address."""
    org, owner, _manager, _employee = company
    client.force_login(owner)
    Address.objects.filter(organization=org).delete()
    Address.objects.create(
        organization=org, kind="registered", line1="2 rue", postcode="75002", city="Paris"
    )
    assert "Paris" in _invoice_address_row(client)
    for city, postcode in (("Lyon", "69001"), ("Nantes", "44000")):
        data = {"kind": "billing", "line1": "1 rue", "postcode": postcode, "city": city}
        client.post(reverse("web:account_address_add"), data)
    row = _invoice_address_row(client)
    assert "Lyon" in row and "Printed on invoices" in row
    assert party_snapshot(org).address.city == "Lyon"


# --- export ---------------------------------------------------------------------------------------


def _read(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def trade():
    """A seller with two buyers: buyer A's order shipped and invoiced (the PDF stored), partly
    paid; buyer B's order shipped and invoiced too."""
    shop = make_shop(
        "selective-beauty", [("SERUM-1", "60.00", 1, 100), ("CREME-2", "25.00", 1, 100)]
    )
    buyer_a = make_buyer("Salon Alpha")
    buyer_b = make_buyer("Salon Bravo Secret")
    order_a = accepted_order(shop, buyer_a, [("SERUM-1", 3)])
    order_b = accepted_order(shop, buyer_b, [("CREME-2", 8)])
    ship_all(shop, order_a)
    ship_all(shop, order_b)
    order_a.refresh_from_db()
    order_b.refresh_from_db()
    assert order_a.invoice is not None and order_b.invoice is not None
    invoice_render(invoice_id=order_a.invoice.pk)
    with clock.frozen(datetime(2026, 12, 22, 10, 0, tzinfo=clock.PARIS)):
        payment_record(
            buyer=buyer_a.org,
            seller=shop.seller,
            amount="50.00",
            method="transfer",
            value_date=date(2026, 12, 22),
            idempotency_key="export-1",
            reference=order_a.invoice.number,
        )
    return shop, buyer_a, buyer_b, order_a, order_b


def test_the_export_holds_the_buyers_own_data_and_nothing_of_another_company(client, trade):
    shop, buyer_a, buyer_b, order_a, order_b = trade
    client.force_login(buyer_a.user)
    response = client.get(reverse("web:account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "organization.json",
        "members.csv",
        "addresses.csv",
        "orders.csv",
        "order_lines.csv",
        "invoices.csv",
        "invoice_lines.csv",
        "payments.csv",
    } <= names
    assert [o["number"] for o in _read(archive, "orders.csv")] == [order_a.number]
    assert [line["sku"] for line in _read(archive, "order_lines.csv")] == ["SERUM-1"]
    [invoice] = _read(archive, "invoices.csv")
    assert invoice["number"] == order_a.invoice.number and invoice["our_role"] == "recipient"
    assert archive.read(invoice["pdf_file"]).startswith(b"%PDF")
    assert b"CrossIndustryInvoice" in archive.read(invoice["xml_file"])
    [payment] = _read(archive, "payments.csv")
    assert (payment["amount"], payment["direction"]) == ("50.00", "paid")
    [statement] = [n for n in names if n.startswith("statements/")]
    assert order_a.invoice.number in archive.read(statement).decode("utf-8-sig")
    assert [m["email"] for m in _read(archive, "members.csv")] == [buyer_a.user.email]
    everything = b"".join(archive.read(n) for n in names if not n.endswith(".pdf"))
    for secret in (order_b.number, order_b.invoice.number, "Salon Bravo Secret", "CREME-2"):
        assert secret.encode() not in everything, secret
    assert buyer_b.user.email.encode() not in everything
    readme = archive.read("README.txt").decode()  # in the exporting member's language
    expected = "ses adresses" if buyer_a.user.language == "fr" else "its addresses"
    assert f"addresses.csv        {expected}" in readme


def test_the_sellers_export_holds_both_of_its_orders(client, trade):
    shop, _buyer_a, _buyer_b, order_a, order_b = trade
    client.force_login(shop.seller_user)
    data = b"".join(client.get(reverse("web:account_export")).streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    orders = _read(archive, "orders.csv")
    assert sorted(o["number"] for o in orders) == sorted([order_a.number, order_b.number])
    assert {o["our_role"] for o in orders} == {"seller"}
    invoices = _read(archive, "invoices.csv")
    assert {i["our_role"] for i in invoices} == {"issuer"} and len(invoices) == 2
    assert order_b.invoice.number in archive.read("README.txt").decode()  # no PDF stored yet
    assert len([n for n in archive.namelist() if n.startswith("statements/")]) == 2


def test_exporting_needs_the_rights_to_see_orders_and_invoices(client, company):
    org, _owner, manager, _employee = company
    client.force_login(manager)  # manages users, sees orders, not invoices
    assert client.get(reverse("web:account_export")).status_code == 403
    assert 'data-testid="export-link"' not in client.get(reverse("web:account")).content.decode()
