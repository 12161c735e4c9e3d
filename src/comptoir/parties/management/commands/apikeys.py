"""`comptoir apikeys create|list|revoke`: an organization's API keys from the command line.

The command acts as a member of the organization: `--user EMAIL`, or by default its first active
owner. The same rules as on the web page apply (owner or manage_users; scopes within the user's
rights). The full key is printed once, at creation.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from comptoir.core.errors import DomainError
from comptoir.parties import services
from comptoir.parties.models import ApiKey, Membership, Organization, OrganizationState, User
from comptoir.parties.queries import api_keys_for


def _organization(value: str) -> Organization:
    """By id, or by customer number."""
    org = (
        Organization.objects.filter(pk=int(value)).first()
        if value.isdigit()
        else Organization.objects.filter(customer_number=value).first()
    )
    if org is None:
        raise CommandError(f"No organization {value!r} (give its id or customer number).")
    return org


def _actor(organization: Organization, email: str | None) -> User:
    if email:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user {email!r}.")
        return user
    owner = (
        Membership.objects.filter(organization=organization, is_owner=True, is_active=True)
        .exclude(organization__state=OrganizationState.TERMINATED)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise CommandError("The organization has no active owner: pass --user EMAIL.")
    return owner.user


class Command(BaseCommand):
    help = "API keys of an organization: create (prints the key once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("--org", required=True, help="organization id or customer number")
        create.add_argument("--name", required=True, help="what the key is for")
        create.add_argument("--scopes", required=True, help="comma-separated P4 rights")
        create.add_argument("--user", help="acting member's e-mail (default: the first owner)")
        listing = sub.add_parser("list", help="list the organization's keys")
        listing.add_argument("--org", required=True, help="organization id or customer number")
        revoke = sub.add_parser("revoke", help="revoke a key by its id")
        revoke.add_argument("key_id", type=int, metavar="ID")
        revoke.add_argument("--user", help="acting member's e-mail (default: the first owner)")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"_{subcommand}")(**options)
        except DomainError as error:
            raise CommandError(str(error)) from None

    def _create(self, *, org: str, name: str, scopes: str, user: str | None, **_):
        organization = _organization(org)
        key, token = services.api_key_create(
            actor=_actor(organization, user),
            organization=organization,
            name=name,
            scopes=[s.strip() for s in scopes.split(",")],
        )
        self.stdout.write(f"API key {key.pk} created for {organization.display_name}.")
        self.stdout.write("Keep it now, it will not be shown again:")
        self.stdout.write(token)

    def _list(self, *, org: str, **_):
        keys = list(api_keys_for(_organization(org)))
        if not keys:
            self.stdout.write("(no API key)")
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.pk}\tcpt_{key.prefix}_…\t{key.name}\t{','.join(key.scopes)}\t"
                f"last used {used}\t{state}"
            )

    def _revoke(self, *, key_id: int, user: str | None, **_):
        key = ApiKey.objects.select_related("organization").filter(pk=key_id).first()
        if key is None:
            raise CommandError(f"No API key {key_id}.")
        services.api_key_revoke(actor=_actor(key.organization, user), key_id=key.pk)
        self.stdout.write(f"API key {key.pk} ({key.name}) revoked.")
