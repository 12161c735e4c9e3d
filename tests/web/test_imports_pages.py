"""Pages of the catalog import and export and of jobs (C1, C3): upload → job → progress → result
or every problem; only the seller's members see its jobs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from comptoir.catalog.models import Product, TariffPrice
from comptoir.core.models import Job
from comptoir.parties import services
from tests.parties.factories import make_operator_user, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and pages in English, the source language (French is checked elsewhere)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def seller_user(shop):
    user = make_user("sales@seller.test")
    services.membership_add(
        actor=make_operator_user(), organization=shop.seller, user=user, is_owner=True
    )
    return user


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _upload(client, text: str, capture, **data):
    with capture(execute=True):
        return client.post(
            reverse("web:catalog_import"),
            {"file": SimpleUploadedFile("catalogue.csv", text.encode(), "text/csv"), **data},
        )


def test_the_upload_runs_a_job_whose_page_shows_the_result(
    client, shop, seller_user, immediate, django_capture_on_commit_callbacks
):
    client.force_login(seller_user)
    form = client.get(reverse("web:catalog_import"))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'for="catalog-file"' in html and 'for="catalog-tariff"' in html
    assert "Tarif 2026" in html
    text = "sku;title;unit_price;on_hand\nHD-001;Crème hydratante 001;13,90;8\nNEW-1;Nouveau;4;2\n"
    response = _upload(client, text, django_capture_on_commit_callbacks)
    job = Job.objects.get(organization_id=shop.seller.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job_detail", args=[job.pk])
    assert job.status == Job.Status.DONE and job.filename == "catalogue.csv"
    assert (job.result["created"], job.result["updated"]) == (1, 1)
    assert job.result["price_rises_over_5_percent"] == ["HD-001"]
    assert TariffPrice.objects.get(product__sku="HD-001").unit_price == Decimal("13.90")
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and 'aria-valuenow="100"' in page
    assert 'data-testid="job-result"' in page and "hx-trigger" not in page  # finished: no polling
    assert "HD-001" in page  # the price rise flagged (C3)


def test_a_refused_file_lists_every_problem_and_imports_nothing(
    client, shop, seller_user, immediate, django_capture_on_commit_callbacks
):
    client.force_login(seller_user)
    text = "sku;title;pack_size;vat_rate\nX-1;;0;20\nX-2;Ok;6;19,6\n"
    response = _upload(client, text, django_capture_on_commit_callbacks)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    job = Job.objects.get(organization_id=shop.seller.pk)
    assert job.status == Job.Status.FAILED
    assert {(e["line"], e["column"]) for e in job.errors} == {
        (2, "title"),
        (2, "pack_size"),
        (3, "vat_rate"),
    }
    assert 'data-testid="job-errors"' in html
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(\w+)</td>', html)
    assert rows == [("2", "title"), ("2", "pack_size"), ("3", "vat_rate")]
    assert "C1" in html
    assert not Product.objects.filter(sku__startswith="X-").exists()


def test_a_queued_job_page_polls_and_the_last_poll_stops_it(
    client, shop, seller_user, django_capture_on_commit_callbacks
):
    client.force_login(seller_user)  # the database queue: the job waits for a worker
    response = _upload(client, "sku;title\nQ-1;Queued\n", django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert 'hx-get="' + response["Location"] + '"' in page and 'hx-trigger="every 1s"' in page
    assert 'role="progressbar"' in page and "aria-valuenow" not in page  # amount not known yet
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and "<html" not in poll.content.decode()
    job = Job.objects.get(organization_id=shop.seller.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, total=200, done=50)
    poll = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-valuenow="25"' in poll and "50" in poll and "200" in poll
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=200, result={"created": 1})
    last = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert last.status_code == 286  # htmx stops polling
    assert 'aria-valuenow="100"' in last.content.decode()


def test_a_job_is_hidden_from_other_organizations(
    client, shop, seller_user, django_capture_on_commit_callbacks
):
    client.force_login(seller_user)
    response = _upload(client, "sku;title\nS-1;Secret\n", django_capture_on_commit_callbacks)
    url = response["Location"]
    client.force_login(shop.owner)  # buyer A
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_upload_without_a_file_is_sent_back_with_the_reason(client, shop, seller_user):
    client.force_login(seller_user)
    page = client.post(reverse("web:catalog_import"), follow=True)
    assert "Choose a CSV file" in page.content.decode()
    assert not Job.objects.exists()


def test_the_export_downloads_the_sellers_catalog(client, shop, seller_user):
    client.force_login(seller_user)
    response = client.get(reverse("web:catalog_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("sku;gtin;title;brand")
    assert "HD-001;;Crème hydratante 001;Hydra Douce;physical;6;20;0;12,50;10;1" in text
    assert len(text.splitlines()) == 61


def test_buyers_have_no_catalog_import(client, shop):
    client.force_login(shop.owner)
    assert client.get(reverse("web:catalog_import")).status_code == 404
    assert client.get(reverse("web:catalog_export")).status_code == 404
