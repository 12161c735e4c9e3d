"""Authorization matrix entries of the onboarding routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

- Registration (/register/) is for visitors: a logged-in actor is sent to the home page (302).
- The company's onboarding page is its owner's or user managers' (P4 manage_users: the employee
  without rights gets 403); the upload posted empty answers the page again with its errors (200).
- Operator pages: anonymous → login (302); every other actor, operator of nothing, gets 404 and
  never the candidate's data.
"""

from __future__ import annotations

from comptoir.parties import services
from comptoir.parties.models import OnboardingDocument, Organization
from tests.parties.factories import make_operator_user, make_org

CANDIDATE = "Candidate Matrice Confidentielle"
DOCUMENT = "kbis-matrice-confidentiel.pdf"

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")
OPERATOR_ONLY = {**dict.fromkeys(ACTORS, 404), "anonymous": 302}
MEMBERS_200 = {**dict.fromkeys(ACTORS, 200), "anonymous": 302, "employee_no_rights": 403}
MEMBERS_302 = {**dict.fromkeys(ACTORS, 302), "employee_no_rights": 403}


def _candidate(shop) -> Organization:
    """A pending organization with one document (its file name is the secret)."""
    if not hasattr(shop, "candidate"):
        shop.candidate = make_org(buyer=True, name=CANDIDATE, active=False)
        shop.candidate_document = OnboardingDocument.objects.create(
            organization=shop.candidate, kind="bank_details", file=f"onboarding/{DOCUMENT}"
        )
    return shop.candidate


def _document(shop) -> OnboardingDocument:
    _candidate(shop)
    return shop.candidate_document


def _queue_args(shop) -> list:
    _candidate(shop)
    return []


def _platform_terms(shop) -> int:
    if not hasattr(shop, "platform_terms"):
        shop.platform_terms = services.platform_terms_publish(
            actor=make_operator_user(), version="matrix-1", text="Conditions de la plateforme."
        )
    return shop.platform_terms.pk


ROUTES: dict = {
    "web:register": (lambda s: [], "get", {**dict.fromkeys(ACTORS, 302), "anonymous": 200}, None),
    "web:onboarding": (lambda s: [], "get", MEMBERS_200, None),
    "web:onboarding_document_upload": (lambda s: [], "post", MEMBERS_200, None),
    "web:onboarding_platform_terms": (
        lambda s: [_platform_terms(s)],
        "post",
        MEMBERS_302,  # without a decision: sent back with the error
        None,
    ),
    "web:operator_onboarding": (
        _queue_args,
        "get",
        OPERATOR_ONLY,
        CANDIDATE,
    ),
    "web:operator_organizations": (lambda s: [], "get", OPERATOR_ONLY, "Salon Approuvé"),
    "web:operator_organization": (
        lambda s: [_candidate(s).pk],
        "get",
        OPERATOR_ONLY,
        CANDIDATE,
    ),
    "web:operator_organization_action": (
        lambda s: [_candidate(s).pk, "validate"],
        "post",
        OPERATOR_ONLY,
        None,
    ),
    "web:operator_document_review": (
        lambda s: [_document(s).pk],
        "post",
        OPERATOR_ONLY,
        None,
    ),
    "web:operator_document_file": (lambda s: [_document(s).pk], "get", OPERATOR_ONLY, DOCUMENT),
    "web:operator_platform_terms": (lambda s: [], "get", OPERATOR_ONLY, None),
    "web:operator_platform_terms_publish": (lambda s: [], "post", OPERATOR_ONLY, None),
}
PAYLOADS: dict = {}
