"""Writing the messages a seller issued to files, for its EDI provider to send (O14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.services import audit_record
from comptoir.edi.models import EdiExport, EdiMessage
from comptoir.edi.queries import pending_exports
from comptoir.parties.models import Organization


@transaction.atomic
def edi_export(*, actor: Any, seller: Organization, directory: Path) -> list[Path]:
    """Write each issued message not yet exported as one file (Latin-1, the UNOC character set)
    in `directory`, and mark it exported; the next run writes only newer ones."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    messages: list[EdiMessage] = list(pending_exports(seller).select_for_update(of=("self",)))
    for message in messages:
        path = directory / message.filename
        path.write_bytes(message.raw.encode("iso8859-1", errors="replace"))
        EdiExport.objects.create(message=message, exported_at=clock.now(), path=str(path)[:300])
        written.append(path)
    if written:
        audit_record(
            actor=actor,
            organization_id=seller.pk,
            action="edi.export",
            obj_type="parties.Organization",
            obj_id=str(seller.pk),
            data={"messages": [m.pk for m in messages]},
        )
    return written
