"""Files people uploaded (claim attachments, onboarding documents), served back as downloads."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def attachment_response(
    file: FieldFile, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """`file` as a download: always an attachment, never shown inline (an uploaded HTML or SVG
    file must not run as a page of the site), its type not sniffed by the browser. A file
    missing from the storage answers 404, not 500."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("File not found.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
