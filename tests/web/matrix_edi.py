"""Authorization matrix entries of the edi routes (merged into test_authorization_matrix).

Each entry: name -> (args builder taking the `shop` fixture, method, {actor: status}, secret).

The builders give the shop's companies their GLNs and store one ORDERS message of buyer A to the
seller: buyer A and the seller read it, buyer B gets 404. Posting buyer A's interchange is
refused to anybody acting for another company (403: orders only in one's own name, O14, P4).

The retry routes use one failed answer of the seller to buyer A's order (`OutboundRetry`): only
the seller lists and retries it; buyers list nothing (200, empty) and get 404 on the retry.
"""

from __future__ import annotations

from comptoir.core import clock
from comptoir.edi.models import EdiMessage, OutboundRetry
from comptoir.parties.models import Organization

ACTORS = ("anonymous", "buyer_a", "buyer_b", "employee_no_rights", "seller")
SECRET = "PO-MATRIX-4711"
RETRY_SECRET = "GLN-MATRIX-4712"
GLNS = {
    "seller": "3012345000024",
    "approved_buyer": "3012345000017",
    "other_buyer": "3012345000031",
}


def _glns(s) -> None:
    for attr, gln in GLNS.items():
        org = getattr(s, attr)
        Organization.objects.filter(pk=org.pk).update(gln=gln)
        org.refresh_from_db()


def _message(s) -> list:
    _glns(s)
    message = EdiMessage(
        direction="in",
        message_type="ORDERS",
        status="refused",
        interchange_ref="MATRIX1",
        message_ref="1",
        document_number=SECRET,
        sender_gln=GLNS["approved_buyer"],
        recipient_gln=GLNS["seller"],
        buyer=s.approved_buyer,
        seller=s.seller,
        errors=[{"code": "unknown_item", "message": "x", "rule": "C1"}],
        raw=f"UNB+UNOC:3+{GLNS['approved_buyer']}:14+{GLNS['seller']}:14+261130:0900+MATRIX1'\n"
        f"UNH+1+ORDERS:D:96A:UN:EAN008'\nBGM+220+{SECRET}+9'\nUNT+3+1'\n",
    )
    message.save()
    return [message.pk]


def _interchange(s) -> dict:
    a, seller = GLNS["approved_buyer"], GLNS["seller"]
    text = "\n".join(
        [
            f"UNB+UNOC:3+{a}:14+{seller}:14+261130:0900+MATRIX2'",
            "UNH+1+ORDERS:D:96A:UN:EAN008'",
            "BGM+220+PO-MATRIX-2+9'",
            f"NAD+BY+{a}::9'",
            f"NAD+SU+{seller}::9'",
            "LIN+1'",
            "PIA+5+HD-001:SA'",
            "QTY+21:6'",
            "UNT+7+1'",
            "UNZ+1+MATRIX2'",
        ]
    )
    return {"text": text}


def _retry(s) -> list:
    """A given-up answer of the seller to buyer A's order, its error naming RETRY_SECRET."""
    retry = OutboundRetry.objects.create(
        source=f"ORDRSP:{s.order.events.order_by('pk').first().pk}",
        order=s.order,
        status="failed",
        attempts=8,
        last_error=f"OutboundError: {RETRY_SECRET}",
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    return [retry.pk]


def _with_glns(s) -> list:
    _glns(s)
    return []


MEMBERS = {**dict.fromkeys(ACTORS, 200), "anonymous": 302, "employee_no_rights": 403}
BUYERS_POST = {**dict.fromkeys(ACTORS, 302), "employee_no_rights": 403, "seller": 404}
MESSAGE_READ = {
    "anonymous": 302,
    "buyer_a": 200,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 200,
}
RETRY_POST = {
    "anonymous": 302,
    "buyer_a": 404,
    "buyer_b": 404,
    "employee_no_rights": 403,
    "seller": 302,
}

ROUTES: dict = {
    "web:edi_messages": (_with_glns, "get", MEMBERS, None),
    "web:edi_upload": (_with_glns, "post", BUYERS_POST, None),  # no file: back to the page
    "web:edi_download": (_message, "get", MESSAGE_READ, SECRET),
    # buyer A sends in its own name; everybody else acting for another company: 403
    "api:edi_import_interchange": (
        _with_glns,
        "post",
        {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "buyer_a": 200},
        None,
    ),
    "api:edi_messages": (
        lambda s: _message(s) and [],
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:edi_message_raw": (_message, "get", {**MESSAGE_READ, "anonymous": 401}, SECRET),
    # the seller's messages not sent: listed to members (buyers see none), retried by the seller
    "web:edi_retry_now": (_retry, "post", RETRY_POST, RETRY_SECRET),
    "api:edi_outbound_retries": (
        lambda s: _retry(s) and [],
        "get",
        {**dict.fromkeys(ACTORS, 200), "anonymous": 401, "employee_no_rights": 403},
        None,
    ),
    "api:edi_outbound_retry": (
        _retry,
        "post",
        {**RETRY_POST, "anonymous": 401, "seller": 200},
        RETRY_SECRET,
    ),
}
PAYLOADS: dict = {"api:edi_import_interchange": _interchange}
