"""Sessions in the database, as Django's `db` engine keeps them, read through a compiled read.

Every signed-in request reads its session first. Django's engine builds that query's SQL again at
each request; here it is built once (core.compiled). The row is read by its key alone and its
expiry checked in Python, against the same instant Django's engine would use: an expired session
is treated as missing, as before.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from comptoir.core.compiled import CompiledRead

_SESSION = CompiledRead(
    lambda session_key: Session.objects.filter(session_key=session_key), session_key=str
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        rows = _SESSION(session_key=key) if isinstance(key, str) else []
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None
