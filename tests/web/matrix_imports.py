"""Authorization matrix entries of the imports routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).
"""

from __future__ import annotations

from comptoir.core import clock
from comptoir.core.models import Job

SELLER_ONLY = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}

# A job is seen by the members of its organization only; everybody else gets 404, the visitor
# the login page.
SELLER_JOB = {**SELLER_ONLY, "employee_no_rights": 404}


def _seller_job(shop) -> list[int]:
    """A finished import of the seller (built directly: the import flow is in
    test_imports_pages)."""
    job = Job.objects.create(
        kind="catalog.import",
        organization_id=shop.seller.pk,
        status=Job.Status.DONE,
        filename="secret-catalogue-matrix.csv",
        result={"lines": 1, "created": 1},
        created_at=clock.now(),
    )
    return [job.pk]


ROUTES: dict = {
    "web:catalog_import": (lambda s: [], "get", SELLER_ONLY, None),
    "web:catalog_export": (lambda s: [], "get", SELLER_ONLY, "Crème hydratante"),
    "web:job_detail": (_seller_job, "get", SELLER_JOB, "secret-catalogue-matrix"),
}
PAYLOADS: dict = {}
