"""Authorization matrix entries of the company routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The company account is managed by an owner or a user manager (P4): every company's owner reaches
its own pages, the employee without rights gets 403. Buyer A's members and invitations are
reachable by buyer A's owner only (404 for other companies). Claims follow the order they are
about (A5): its buyer and its seller, nobody else.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.fulfilment.services import claim_open
from comptoir.parties import services
from comptoir.parties.models import AddressKind, Membership

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

MANAGERS_GET = {**dict.fromkeys(ACTORS, 200), "anonymous": 302, "employee_no_rights": 403}
MANAGERS_POST = {**dict.fromkeys(ACTORS, 302), "employee_no_rights": 403}
BUYER_A_MANAGES = {
    "anonymous": 302,
    "buyer_a": 302,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 404,
}
CLAIM_GET = {
    "anonymous": 302,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
CLAIM_POST = {**CLAIM_GET, "buyer_a": 302, "seller": 302}


def _employee(s) -> int:
    """Buyer A's employee (view products, use the cart) that buyer A's owner manages."""
    return Membership.objects.get(
        organization=s.approved_buyer, user__email="employee@buyer-a.test"
    ).pk


def _invitation(s):
    return services.membership_invite(
        actor=s.owner,
        organization=s.approved_buyer,
        email="newcomer@buyer-a.test",
        permissions=["view_orders"],
    )


def _claim(s, with_file: bool = False):
    files = [SimpleUploadedFile("preuve-matrix.png", PNG, "image/png")] if with_file else []
    return claim_open(
        actor=s.owner,
        order_id=s.order.pk,
        subject="Colis abîmé matrix",
        body="Carton enfoncé.",
        attachments=files,
    )


def _attachment(s) -> list[int]:
    claim = _claim(s, with_file=True)
    return [claim.pk, claim.messages.get().attachments.get().pk]


BUYER_A_READS = {**BUYER_A_MANAGES, "buyer_a": 200}


def _address(s) -> int:
    """A delivery address of buyer A (its label is the secret)."""
    return services.address_add(
        actor=s.owner,
        organization=s.approved_buyer,
        address=services.AddressInput(
            kind=AddressKind.DELIVERY,
            label="Entrepôt Matrice Confidentiel",
            line1="1 rue du Test",
            postcode="75001",
            city="Paris",
        ),
    ).pk


def _document(s) -> int:
    """An onboarding document of buyer A (its file name is the secret)."""
    return services.document_upload(
        actor=s.owner,
        organization=s.approved_buyer,
        kind="bank_details",
        file=SimpleUploadedFile("rib-matrice-confidentiel.pdf", b"%PDF-1.4 rib", "application/pdf"),
    ).pk


ROUTES: dict = {
    "web:account": (lambda s: [], "get", MANAGERS_GET, None),
    "web:account_update": (lambda s: [], "post", MANAGERS_POST, None),  # empty: nothing changes
    "web:account_address_add": (lambda s: [], "post", MANAGERS_POST, None),  # empty: an error
    "web:account_address_edit": (
        lambda s: [_address(s)],
        "get",
        BUYER_A_READS,
        "Entrepôt Matrice Confidentiel",
    ),
    "web:account_address_delete": (lambda s: [_address(s)], "post", BUYER_A_MANAGES, None),
    "web:account_document_file": (
        lambda s: [_document(s)],
        "get",
        BUYER_A_READS,
        "rib-matrice-confidentiel",
    ),
    "web:account_users": (lambda s: [], "get", MANAGERS_GET, "employee@buyer-a.test"),
    "web:member_invite": (lambda s: [], "post", MANAGERS_POST, None),  # empty: an error
    "web:member_permissions": (lambda s: [_employee(s)], "post", BUYER_A_MANAGES, None),
    "web:member_deactivate": (lambda s: [_employee(s)], "post", BUYER_A_MANAGES, None),
    "web:member_reactivate": (lambda s: [_employee(s)], "post", BUYER_A_MANAGES, None),
    "web:invitation_revoke": (lambda s: [_invitation(s).pk], "post", BUYER_A_MANAGES, None),
    "web:account_export": (lambda s: [], "get", MANAGERS_GET, None),
    # the landing page of a valid invitation: anybody holding the link reads it
    "web:invitation": (lambda s: [_invitation(s).token], "get", dict.fromkeys(ACTORS, 200), None),
    "web:claims": (lambda s: [], "get", MANAGERS_GET, None),
    "web:claim_new": (
        lambda s: [s.order.number],
        "get",
        {**CLAIM_GET, "seller": 403},  # the seller answers claims, the buyer opens them
        "Crème hydratante 001",
    ),
    "web:claim_detail": (lambda s: [_claim(s).pk], "get", CLAIM_GET, "Colis abîmé matrix"),
    "web:claim_reply": (lambda s: [_claim(s).pk], "post", CLAIM_POST, None),  # empty: an error
    "web:claim_close": (lambda s: [_claim(s).pk], "post", CLAIM_POST, None),
    "web:claim_attachment": (_attachment, "get", CLAIM_GET, "preuve-matrix"),
}
PAYLOADS: dict = {}
