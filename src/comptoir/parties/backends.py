"""Sign-in backend: Django's model backend, reading a signed-in user with their memberships.

Every page first needs the user (from the session) and then the organization they act for
(parties.acting), which comes from their memberships. `MembershipBackend.get_user` reads both in
one query; a user without an active membership (an operator's staff, a deactivated employee) is
read alone, as Django's backend does, and known to have none.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from comptoir.parties.permissions import READ_WITH_USER
from comptoir.parties.queries import memberships_with_user

PATH = "comptoir.parties.backends.MembershipBackend"


class MembershipBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            rows = memberships_with_user(int(user_id))
        except (TypeError, ValueError):
            return None
        if not rows:
            alone = super().get_user(user_id)
            if alone is not None:
                setattr(alone, READ_WITH_USER, [])
            return alone
        user = rows[0].user
        if not self.user_can_authenticate(user):
            return None
        for membership in rows:
            membership.user = user  # one user object, not one per row
        setattr(user, READ_WITH_USER, rows)
        return user
