"""Stored terms versions: gapless numbers, stable hashes, publication refused on linter errors,
effective dates per N3, the version in force."""

from datetime import date, datetime

import pytest

from comptoir.core import clock
from comptoir.core.errors import DomainError
from comptoir.parties.models import Organization, User
from comptoir.terms.loader import TermsInvalid, content_hash, load_preset, preset_text
from comptoir.terms.models import TermsStatus, TermsVersion
from comptoir.terms.queries import (
    terms_document,
    terms_in_force,
    terms_version_get,
    terms_versions_for,
)
from comptoir.terms.services import (
    TermsNotPublishable,
    earliest_effective_date,
    terms_version_create_draft,
    terms_version_create_from_preset,
    terms_version_publish,
    terms_version_update_draft,
)

pytestmark = pytest.mark.django_db

PARIS_NOON = datetime(2026, 3, 10, 12, 0, tzinfo=clock.PARIS)


def make_seller(siren: str = "123456782", name: str = "Vendeur") -> Organization:
    return Organization.objects.create(legal_name=name, siren=siren, is_seller=True)


@pytest.fixture
def seller():
    return make_seller()


@pytest.fixture
def actor():
    return User.objects.create_user("editor@example.com", "pw-not-used-123")


def test_draft_numbers_are_gapless_per_seller(seller, actor):
    other = make_seller("987654321", "Autre")
    first = terms_version_create_from_preset(seller=seller, preset="selective-beauty", actor=actor)
    second = terms_version_create_from_preset(seller=seller, preset="selective-beauty", actor=actor)
    elsewhere = terms_version_create_from_preset(seller=other, preset="digital-goods", actor=actor)
    third = terms_version_create_from_preset(seller=seller, preset="monthly-intranet", actor=actor)
    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert elsewhere.version == 1
    assert [v.version for v in terms_versions_for(seller)] == [3, 2, 1]
    assert first.status == TermsStatus.DRAFT and first.created_by == actor
    assert first.preset == "selective-beauty"


def test_invalid_source_creates_nothing(seller):
    with pytest.raises(TermsInvalid) as caught:
        terms_version_create_draft(seller=seller, source='[meta]\ntitle = "x"\n')
    assert caught.value.errors[0].location == "seller"
    assert not TermsVersion.objects.exists()


def test_only_sellers_have_terms():
    buyer = Organization.objects.create(legal_name="Acheteur", siren="111111118", is_buyer=True)
    with pytest.raises(DomainError) as caught:
        terms_version_create_from_preset(seller=buyer, preset="marketplace")
    assert caught.value.code == "not_a_seller"


def test_content_hash_is_stable_and_parsed_json_round_trips(seller):
    source = preset_text("marketplace")
    a = terms_version_create_draft(seller=seller, source=source)
    b = terms_version_create_draft(seller=seller, source=source.replace("\n", "\r\n"))
    assert a.content_hash == b.content_hash == content_hash(source)
    assert len(a.content_hash) == 64
    a.refresh_from_db()
    assert a.parsed["marketplace"]["commission"]["percent"] == "15"
    assert terms_document(a) == load_preset("marketplace")
    changed = terms_version_create_draft(seller=seller, source=source.replace('"15"', '"14"'))
    assert changed.content_hash != a.content_hash


def test_publish_is_refused_with_linter_errors(seller, actor):
    source = preset_text("selective-beauty").replace('multiplier = "3"', 'multiplier = "2"')
    draft = terms_version_create_draft(seller=seller, source=source)
    with pytest.raises(TermsNotPublishable) as caught:
        terms_version_publish(version=draft, actor=actor)
    error = caught.value
    assert error.code == "terms_not_publishable"
    assert error.field == "late_payment.interest.multiplier"
    assert [f["code"] for f in error.details["findings"]] == ["late_rate_below_floor"]
    draft.refresh_from_db()
    assert draft.status == TermsStatus.DRAFT and draft.published_at is None


def test_publish_takes_effect_the_day_after(seller, actor):
    draft = terms_version_create_from_preset(seller=seller, preset="electronics-wholesale")
    with clock.frozen(PARIS_NOON):
        published = terms_version_publish(version=draft, actor=actor)
    assert published.status == TermsStatus.PUBLISHED
    assert published.published_by == actor
    assert published.effective_from == date(2026, 3, 11)
    assert [f["code"] for f in published.lint_report] == ["collection_costs_need_proof"]


def test_publish_waits_for_the_notice_the_terms_set(seller):
    draft = terms_version_create_from_preset(seller=seller, preset="selective-beauty")
    with clock.frozen(PARIS_NOON):
        with pytest.raises(DomainError) as caught:
            terms_version_publish(version=draft, effective_from=date(2026, 4, 1))
        assert caught.value.code == "effective_from_too_early"
        assert caught.value.details["earliest"] == "2026-05-05"  # 8 weeks' notice
        published = terms_version_publish(version=draft)
    assert published.effective_from == date(2026, 5, 5)


def test_publish_on_a_later_date_and_only_once(seller):
    draft = terms_version_create_from_preset(seller=seller, preset="digital-goods")
    with clock.frozen(PARIS_NOON):
        published = terms_version_publish(version=draft, effective_from=date(2026, 4, 1))
        assert published.effective_from == date(2026, 4, 1)
        with pytest.raises(DomainError) as caught:
            terms_version_publish(version=draft)
    assert caught.value.code == "terms_version_published"


def test_a_published_version_cannot_be_edited(seller):
    draft = terms_version_create_from_preset(seller=seller, preset="digital-goods")
    edited = terms_version_update_draft(version=draft, source=preset_text("marketplace"))
    assert edited.parsed["meta"]["preset"] == "marketplace"
    with clock.frozen(PARIS_NOON):
        terms_version_publish(version=edited)
    with pytest.raises(DomainError) as caught:
        terms_version_update_draft(version=edited, source=preset_text("digital-goods"))
    assert caught.value.code == "terms_version_published"


def test_terms_in_force(seller):
    v1 = terms_version_create_from_preset(seller=seller, preset="electronics-wholesale")
    v2 = terms_version_create_from_preset(seller=seller, preset="electronics-wholesale")
    v3 = terms_version_create_from_preset(seller=seller, preset="electronics-wholesale")  # draft
    with clock.frozen(PARIS_NOON):
        terms_version_publish(version=v1)  # from 2026-03-11
        terms_version_publish(version=v2, effective_from=date(2026, 6, 1))
    assert terms_in_force(seller, date(2026, 3, 10)) is None
    assert terms_in_force(seller, date(2026, 3, 11)).version == 1
    assert terms_in_force(seller, datetime(2026, 5, 31, 23, 30, tzinfo=clock.PARIS)).version == 1
    # 2026-05-31 22:30 UTC is already 1 June in Paris
    utc = datetime(2026, 5, 31, 22, 30, tzinfo=clock.ZoneInfo("UTC"))
    assert terms_in_force(seller, utc).version == 2
    assert terms_in_force(seller, date(2027, 1, 1)).version == 2
    assert v3.status == TermsStatus.DRAFT
    assert terms_in_force(make_seller("222222226", "Sans CGV"), date(2027, 1, 1)) is None


def test_terms_version_get_is_scoped_to_the_seller(seller):
    terms_version_create_from_preset(seller=seller, preset="marketplace")
    other = make_seller("987654321", "Autre")
    assert terms_version_get(seller=seller, number=1).seller == seller
    with pytest.raises(DomainError) as caught:
        terms_version_get(seller=other, number=1)
    assert caught.value.code == "not_found"


def test_earliest_effective_date_is_pure():
    doc = load_preset("marketplace")  # 15 calendar days' notice
    assert earliest_effective_date(doc, date(2026, 3, 10)) == date(2026, 3, 25)
    assert earliest_effective_date(load_preset("monthly-intranet"), date(2026, 3, 10)) == date(
        2026, 3, 11
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_drafts_get_gapless_numbers():
    import threading

    from django.db import connection

    seller = make_seller("333333335", "Concurrent")
    source = preset_text("digital-goods")
    barrier = threading.Barrier(6)
    failures: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait(timeout=30)
            terms_version_create_draft(seller=seller, source=source)
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    numbers = sorted(TermsVersion.objects.filter(seller=seller).values_list("version", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_drafts_and_publication_are_audited(seller, actor):
    from comptoir.core.models import AuditEntry

    draft = terms_version_create_from_preset(seller=seller, preset="digital-goods", actor=actor)
    with clock.frozen(PARIS_NOON):
        terms_version_publish(version=draft, actor=actor)
    entries = list(AuditEntry.objects.filter(object_type="terms.termsversion").order_by("id"))
    assert [e.action for e in entries] == ["terms.draft_create", "terms.publish"]
    assert entries[1].data["effective_from"] == "2026-03-11"
    assert entries[1].data["content_hash"] == draft.content_hash
