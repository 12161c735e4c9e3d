"""The main navigation: each kind of reader gets its own links (P4), in its own language, even
though the links are rendered once per kind of reader and kept (`comptoir_nav`)."""

from __future__ import annotations

from django.urls import reverse

from comptoir.parties import services
from comptoir.parties.models import Permission
from tests.parties.factories import make_operator_user, make_org, make_user


def _nav(client) -> str:
    page = client.get(reverse("web:home")).content.decode()
    return page[page.index("<nav") : page.index("</nav>")]


def test_each_reader_gets_the_links_of_its_rights_and_language(client, shop):
    client.force_login(shop.owner)
    owner = _nav(client)
    assert 'data-testid="nav-carts"' in owner and 'data-testid="nav-account"' in owner
    assert "nav-seller" not in owner and "nav-operator" not in owner
    assert "Commandes" in owner and shop.approved_buyer.legal_name in owner

    client.force_login(shop.employee_no_prices)  # view products and cart only
    employee = _nav(client)
    assert "nav-account" not in employee and "nav-claims" not in employee
    assert "nav-carts" not in employee  # no place_orders right
    assert reverse("web:orders") in employee

    operator = make_operator_user()
    seller_owner = make_user("owner@seller.test")
    services.membership_add(
        actor=operator, organization=shop.seller, user=seller_owner, is_owner=True, permissions=[]
    )
    client.force_login(seller_owner)
    seller = _nav(client)
    assert 'data-testid="nav-seller"' in seller and reverse("web:catalog_products") in seller
    assert "nav-carts" not in seller

    clerk = make_user("clerk@seller.test")
    services.membership_add(
        actor=operator, organization=shop.seller, user=clerk, permissions=[Permission.VIEW_ORDERS]
    )
    client.force_login(clerk)
    seller_clerk = _nav(client)
    assert 'data-testid="nav-seller"' in seller_clerk
    assert reverse("web:catalog_products") not in seller_clerk  # no manage_catalog right

    client.force_login(shop.owner)
    client.cookies["django_language"] = "en"
    english = _nav(client)
    assert "Orders" in english and "Commandes" not in english
    client.cookies["django_language"] = "fr"
    assert "Commandes" in _nav(client)


def test_the_operator_and_the_anonymous_reader(client, db):
    anonymous = _nav(client)
    assert reverse("web:track") in anonymous and 'data-testid="nav-register"' in anonymous
    assert "nav-operator" not in anonymous
    client.force_login(make_operator_user())
    operator = _nav(client)
    assert 'data-testid="nav-operator"' in operator
    assert reverse("web:oversight_audit") in operator and reverse("web:track") in operator


def test_an_edi_link_only_for_a_company_with_a_gln(client, db):
    owner = make_user("owner@gln.test")
    org = make_org(buyer=True, owner=owner)
    client.force_login(owner)
    assert "nav-edi" not in _nav(client)
    org.gln = "3012345678901"
    org.save(update_fields=["gln"])
    assert 'data-testid="nav-edi"' in _nav(client)
