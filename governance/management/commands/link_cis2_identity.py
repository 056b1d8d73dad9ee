"""Link a member of staff to their CIS2 identity, so they can sign in with CIS2 as their
membership at one organisation (or unlink them)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.audit import Actor
from governance.staff import link_cis2_identity
from practices.models import Membership
from practices.ods import normalise_ods_code


class Command(BaseCommand):
    help = (
        "Let the CIS2 user with UUID sign in with CIS2 as USERNAME's membership at the "
        "organisation with ODS code ODS; --remove takes the link away."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="The member of staff's username")
        parser.add_argument("--ods", required=True, help="The organisation's ODS code")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--uid", help="Their CIS2 UUID (the smartcard user's id)")
        who.add_argument("--remove", action="store_true", help="Remove the link")

    def handle(self, *args, **options) -> None:
        try:
            ods = normalise_ods_code(options["ods"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        membership = (
            Membership.objects.filter(user__username=options["user"], organisation__ods_code=ods)
            .select_related("user", "organisation")
            .first()
        )
        if membership is None:
            raise CommandError(f"{options['user']} has no membership at {ods}.")
        try:
            link_cis2_identity(
                by=Actor.system(),
                membership=membership,
                uid="" if options["remove"] else options["uid"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if membership.cis2_uid:
            self.stdout.write(
                f"{membership.user.username} can sign in with CIS2 ({membership.cis2_uid}) "
                f"at {membership.organisation.name}."
            )
        else:
            self.stdout.write(
                f"{membership.user.username} can no longer sign in with CIS2 at "
                f"{membership.organisation.name}."
            )
