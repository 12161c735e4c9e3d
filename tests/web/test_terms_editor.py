"""The seller's terms editor through the Django client: versions, a draft edited with live checks,
preview with a sample quote, publication with its effective date (N3), and what is refused:
invalid TOML, legal errors (PT11), a too-early date, another seller's version, a published
version. Data is built through the terms services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.core.models import AuditEntry
from comptoir.parties import services
from comptoir.parties.models import Permission, User
from comptoir.terms.loader import preset_text
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.queries import source_line, terms_in_force
from comptoir.terms.services import (
    terms_version_create_draft,
    terms_version_create_from_preset,
    terms_version_publish,
)
from tests.parties.factories import make_operator_user, make_org, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=clock.PARIS)  # a Monday
EIGHT_WEEKS = date(2026, 4, 27)  # selective-beauty: 8 weeks' notice (Art. 1)
BEAUTY = preset_text("selective-beauty")
BELOW_FLOOR = BEAUTY.replace('multiplier = "3"', 'multiplier = "2"')
assert BELOW_FLOOR != BEAUTY


@pytest.fixture(autouse=True)
def _english_and_frozen(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def seller_user(shop) -> User:
    user = make_user("terms@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def seller_client(client, seller_user):
    client.force_login(seller_user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=args)


def draft(shop, source: str = BEAUTY) -> TermsVersion:
    return terms_version_create_draft(seller=shop.seller, source=source)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the happy path ----------------------------------------------------------------------------


def test_from_preset_to_published_version_in_force(shop, seller_client, seller_user):
    listing = seller_client.get(url("seller_terms"))
    assert listing.status_code == 200
    assert "No version of your terms is in force yet" in listing.content.decode()

    created = seller_client.post(
        url("seller_terms_new"), {"origin": "preset", "preset": "selective-beauty"}
    )
    assert created.status_code == 302 and created.url == url("seller_terms_edit", 1)
    version = TermsVersion.objects.get(seller=shop.seller, version=1)
    assert version.status == TermsStatus.DRAFT and version.created_by == seller_user

    page = seller_client.get(url("seller_terms_edit", 1))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="terms-source">' in html and 'class="terms-source"' in html
    assert f'hx-post="{url("seller_terms_check", 1)}"' in html
    assert "delay:500ms" in html
    assert page.context["check"].publishable
    assert f'value="{EIGHT_WEEKS.isoformat()}" min="{EIGHT_WEEKS.isoformat()}"' in html

    edited = BEAUTY.replace('amount = "100.00"', 'amount = "120.00"', 1)
    check = seller_client.post(url("seller_terms_check", 1), {"source": edited})
    assert check.status_code == 200
    assert 'data-publishable="yes"' in check.content.decode()
    assert "27/04/2026" in check.content.decode()  # earliest date, live
    version.refresh_from_db()
    assert version.source == BEAUTY  # a check stores nothing

    saved = seller_client.post(url("seller_terms_edit", 1), {"source": edited}, follow=True)
    assert "Draft saved." in messages_of(saved)
    version.refresh_from_db()
    assert version.source == edited
    assert version.parsed["ordering"]["minimum_order"]["amount"] == "120.00"
    audit = AuditEntry.objects.filter(action="terms.draft_update", object_id=str(version.pk))
    assert audit.exists()

    published = seller_client.post(
        url("seller_terms_publish", 1),
        {"content_hash": version.content_hash, "effective_from": EIGHT_WEEKS.isoformat()},
        follow=True,
    )
    assert any("governs orders from 27/04/2026" in m for m in messages_of(published))
    version.refresh_from_db()
    assert version.status == TermsStatus.PUBLISHED
    assert version.effective_from == EIGHT_WEEKS and version.published_by == seller_user

    rows = {v.version: state for v, state, _ in published.context["rows"]}
    assert rows == {1: "scheduled"}
    clock.freeze(datetime(2026, 4, 28, 9, 0, tzinfo=clock.PARIS))
    later = seller_client.get(url("seller_terms"))
    assert {v.version: s for v, s, _ in later.context["rows"]} == {1: "in_force"}
    assert 'data-testid="new-from-in-force"' in later.content.decode()

    copy = seller_client.post(url("seller_terms_new"), {"origin": "in_force"})
    assert copy.url == url("seller_terms_edit", 2)
    assert TermsVersion.objects.get(seller=shop.seller, version=2).source == edited


def test_published_version_and_successor_states(shop, seller_client):
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        first = terms_version_create_from_preset(seller=shop.seller, preset="electronics-wholesale")
        terms_version_publish(version=first)  # in force from 6 January
    with clock.frozen(datetime(2026, 2, 2, 9, 0, tzinfo=clock.PARIS)):
        second = terms_version_create_from_preset(
            seller=shop.seller, preset="electronics-wholesale"
        )
        terms_version_publish(version=second)  # from 3 February: the first is superseded
    draft(shop)
    response = seller_client.get(url("seller_terms"))
    assert {v.version: s for v, s, _ in response.context["rows"]} == {
        3: "draft",
        2: "in_force",
        1: "superseded",
    }
    assert response.context["in_force"].version == 2
    assert "version 2 is in force (since 03/02/2026)" in response.content.decode()


def test_preview_renders_the_terms_and_a_default_sample_quote(shop, seller_client):
    draft(shop)
    response = seller_client.get(url("seller_terms_preview", 1))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Conditions générales de vente" in html and "Art. 3" in html  # rendered, with clauses
    assert response.context["asked"] is False
    assert [(r.sku, r.quantity) for r in response.context["rows"][:3]] == [
        ("HD-001", "12"),
        ("HD-002", "7"),
        ("HD-003", "12"),
    ]
    quote = response.context["quote"]
    assert [line.quantity for line in quote.lines] == [12, 6, 12]  # 7 rounded to the case (O4)
    assert 'data-testid="adjusted">6</strong>' in html
    assert quote.totals.lines > 0 and quote.payment_options
    assert 'data-testid="sample-payment-options"' in html
    assert "Art. 7" in html  # payment options quote the seller's clause


def test_sample_quote_with_the_sellers_lines_and_a_refusal(shop, seller_client):
    draft(shop)
    small = seller_client.get(
        url("seller_terms_preview", 1), {"sku": ["HD-004", ""], "quantity": ["6", ""]}
    )
    quote = small.context["quote"]
    assert small.context["asked"] is True
    assert [(line.sku, line.quantity) for line in quote.lines] == [("HD-004", 6)]
    assert not quote.accepted  # 75 € HT: below the 100 € minimum of Art. 3 (O2)
    assert any(v.rule == "O2" for v in quote.violations)
    assert 'data-accepted="no"' in small.content.decode()

    unknown = seller_client.get(
        url("seller_terms_preview", 1), {"sku": ["NOPE"], "quantity": ["6"]}
    )
    assert unknown.context["quote"] is None
    assert unknown.context["error"].code == "unknown_sku"
    assert "Unknown SKU" in unknown.content.decode()

    bad = seller_client.get(url("seller_terms_preview", 1), {"sku": ["HD-004"], "quantity": ["x"]})
    assert bad.context["error"].code == "invalid_quantity"


# --- what is refused ---------------------------------------------------------------------------


def test_invalid_toml_is_reported_with_its_line_and_not_saved(shop, seller_client):
    version = draft(shop)
    broken = BEAUTY.replace("[ordering.minimum_order]", "[ordering.minimum_order", 1)
    expected_line = BEAUTY.splitlines().index("[ordering.minimum_order]") + 1
    check = seller_client.post(url("seller_terms_check", 1), {"source": broken})
    [problem] = check.context["check"].problems
    assert problem.kind == "syntax" and problem.line == expected_line
    assert 'data-valid="no"' in check.content.decode()

    wrong_type = BEAUTY.replace('amount = "100.00"', 'amount = "cent euros"', 1)
    saved = seller_client.post(url("seller_terms_edit", 1), {"source": wrong_type})
    assert saved.status_code == 422
    problems = saved.context["check"].problems
    assert [p.location for p in problems] == ["ordering.minimum_order.amount"]
    assert problems[0].line == wrong_type.splitlines().index('amount = "cent euros"') + 1
    assert problems[0].clause_article == "Art. 3"
    html = saved.content.decode()
    assert "ordering.minimum_order.amount" in html and "cent euros" in html  # the text is kept
    assert 'data-testid="unsaved"' in html
    version.refresh_from_db()
    assert version.source == BEAUTY

    missing = BEAUTY.replace("[seller]\n", "[vendor]\n", 1)
    check = seller_client.post(url("seller_terms_check", 1), {"source": missing})
    locations = {p.location for p in check.context["check"].problems}
    assert "seller" in locations


def test_a_legal_error_blocks_publication(shop, seller_client):
    version = draft(shop)
    check = seller_client.post(url("seller_terms_check", 1), {"source": BELOW_FLOOR})
    [error] = check.context["check"].errors
    assert (error.code, error.rule, error.law) == (
        "late_rate_below_floor",
        "PT11",
        "C. com. L441-10 II",
    )
    assert error.location == "late_payment.interest.multiplier"
    assert error.line == BELOW_FLOOR.splitlines().index('multiplier = "2"') + 1
    assert error.clause_article == "Art. 7"
    assert 'data-publishable="no"' in check.content.decode()

    saved = seller_client.post(url("seller_terms_edit", 1), {"source": BELOW_FLOOR}, follow=True)
    assert any("1 legal error(s)" in m for m in messages_of(saved))  # saved, but flagged
    assert 'data-testid="publish-blocked"' in saved.content.decode()
    assert 'data-testid="publish-form"' not in saved.content.decode()

    version.refresh_from_db()
    refused = seller_client.post(
        url("seller_terms_publish", 1), {"content_hash": version.content_hash}, follow=True
    )
    assert any("L441-10 II" in m and "PT11" in m for m in messages_of(refused))
    version.refresh_from_db()
    assert version.status == TermsStatus.DRAFT and version.effective_from is None


def test_an_effective_date_before_the_notice_is_refused(shop, seller_client):
    version = draft(shop)
    too_early = EIGHT_WEEKS - timedelta(days=1)
    refused = seller_client.post(
        url("seller_terms_publish", 1),
        {"content_hash": version.content_hash, "effective_from": too_early.isoformat()},
        follow=True,
    )
    [message] = messages_of(refused)
    assert "before 27/04/2026" in message and "(N3)" in message
    assert "Art. 1" in message  # the seller's own notice clause
    version.refresh_from_db()
    assert version.status == TermsStatus.DRAFT

    garbled = seller_client.post(
        url("seller_terms_publish", 1),
        {"content_hash": version.content_hash, "effective_from": "27/04/2026"},
        follow=True,
    )
    assert any("not a valid date" in m for m in messages_of(garbled))

    default = seller_client.post(
        url("seller_terms_publish", 1), {"content_hash": version.content_hash, "effective_from": ""}
    )
    assert default.status_code == 302
    version.refresh_from_db()
    assert version.effective_from == EIGHT_WEEKS  # the earliest day by default


def test_a_stale_page_does_not_publish(shop, seller_client):
    version = draft(shop)
    response = seller_client.post(
        url("seller_terms_publish", 1), {"content_hash": "0" * 64}, follow=True
    )
    assert any("changed since" in m for m in messages_of(response))
    version.refresh_from_db()
    assert version.status == TermsStatus.DRAFT


def test_another_sellers_version_is_404(shop, seller_client):
    other = make_org(seller=True, name="Autre Vendeur")
    for _ in range(3):
        terms_version_create_draft(
            seller=other, source=BEAUTY.replace("Maison Lumière", "Secret Rival")
        )
    draft(shop)  # the seller's own version 1
    for name, method in (
        ("seller_terms_edit", "get"),
        ("seller_terms_edit", "post"),
        ("seller_terms_check", "post"),
        ("seller_terms_preview", "get"),
        ("seller_terms_publish", "post"),
    ):
        response = getattr(seller_client, method)(url(name, 3), {"source": BEAUTY})
        assert response.status_code == 404, name
        assert "Secret Rival" not in response.content.decode()
    assert not TermsVersion.objects.filter(seller=other, status=TermsStatus.PUBLISHED).exists()
    assert TermsVersion.objects.filter(seller=other, version=3).get().source != BEAUTY


def test_a_published_version_is_read_only(shop, seller_client):
    version = draft(shop)
    with clock.frozen(datetime(2026, 1, 5, 9, 0, tzinfo=clock.PARIS)):
        terms_version_publish(version=version)
    page = seller_client.get(url("seller_terms_edit", 1))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="read-only"' in html and " readonly " in html
    assert 'name="source"' not in html and 'data-testid="publish-form"' not in html

    changed = BEAUTY.replace('amount = "100.00"', 'amount = "1.00"', 1)
    refused = seller_client.post(url("seller_terms_edit", 1), {"source": changed}, follow=True)
    assert any("published version is immutable" in m for m in messages_of(refused))
    again = seller_client.post(
        url("seller_terms_publish", 1), {"content_hash": version.content_hash}, follow=True
    )
    assert any("already published" in m for m in messages_of(again))
    version.refresh_from_db()
    assert version.source == BEAUTY and version.effective_from == date(2026, 3, 2)
    assert terms_in_force(shop.seller).pk == version.pk


# --- who may -----------------------------------------------------------------------------------


def test_rights_buyers_404_employees_need_manage_users(shop, client):
    draft(shop)
    owner = make_user("owner@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=owner, is_owner=True
    )
    clerk = make_user("clerk@seller.test")
    services.membership_add(
        actor=owner,
        organization=shop.seller,
        user=clerk,
        permissions=[Permission.VIEW_ORDERS, Permission.VIEW_INVOICES, Permission.VIEW_PRICES],
    )
    admin = make_user("admin@seller.test")
    services.membership_add(
        actor=owner, organization=shop.seller, user=admin, permissions=[Permission.MANAGE_USERS]
    )
    for user, expected in ((clerk, 403), (admin, 200), (shop.owner, 404)):
        client.force_login(user)
        for name, args in (("seller_terms", ()), ("seller_terms_edit", (1,))):
            assert client.get(url(name, *args)).status_code == expected, (user.email, name)
    client.force_login(clerk)
    assert client.post(url("seller_terms_new"), {"origin": "preset"}).status_code == 403
    assert TermsVersion.objects.filter(seller=shop.seller).count() == 1


def test_new_draft_needs_a_known_origin(shop, seller_client):
    no_origin = seller_client.post(url("seller_terms_new"), {}, follow=True)
    assert any("Choose where" in m for m in messages_of(no_origin))
    nothing_in_force = seller_client.post(
        url("seller_terms_new"), {"origin": "in_force"}, follow=True
    )
    assert any("No version of your terms is in force" in m for m in messages_of(nothing_in_force))
    unknown = seller_client.post(
        url("seller_terms_new"), {"origin": "preset", "preset": "nope"}, follow=True
    )
    assert any("unknown preset" in m for m in messages_of(unknown))
    assert not TermsVersion.objects.filter(seller=shop.seller).exists()


# --- locating a field in the source (pure) -----------------------------------------------------


def test_source_line_finds_tables_arrays_of_tables_and_missing_fields():
    source = "\n".join(
        [
            "# comment",  # 1
            "[payment]",  # 2
            "methods = ['transfer']",  # 3
            "[[payment.options]]",  # 4
            "method = 'transfer'",  # 5
            "due = { days = 30 }",  # 6
            "[[payment.options]]",  # 7
            "method = 'lcr'",  # 8
            "[payment.options.due]",  # 9
            "days = 45",  # 10
        ]
    )
    assert source_line(source, "payment.methods[0]") == 3
    assert source_line(source, "payment.options[0].due.days") == 6
    assert source_line(source, "payment.options[1].method") == 8
    assert source_line(source, "payment.options[1].due.days") == 10
    assert source_line(source, "payment.cash_discount") == 2  # missing: its table
    assert source_line(source, "late_payment.interest") is None
    assert source_line(source, "") is None
