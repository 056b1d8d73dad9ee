"""Set up a practice's link to its clinical system (the service desk's job). The link stays
as it is, on or off: only the practice manager turns it on, in Hub Diary."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator

from practices.models import ClinicalSystemLink, Organisation


class Command(BaseCommand):
    help = "Create or change a GP practice's link to its clinical system (GP Connect)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--practice", required=True, help="The practice's ODS code")
        parser.add_argument("--base-url", required=True, help="GP Connect base URL")

    def handle(self, *args, practice: str, base_url: str, **options) -> None:
        organisation = Organisation.objects.filter(
            ods_code=practice.upper(), kind=Organisation.Kind.GP_PRACTICE
        ).first()
        if organisation is None:
            raise CommandError(f"No GP practice has the ODS code {practice}.")
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError as error:
            raise CommandError(f"{base_url} is not a URL.") from error
        link, created = ClinicalSystemLink.objects.update_or_create(
            practice=organisation,
            defaults={"base_url": base_url, "kind": ClinicalSystemLink.Kind.GP_CONNECT},
        )
        state = "on" if link.enabled else "off (the practice manager turns it on)"
        self.stdout.write(
            f"{'Linked' if created else 'Re-linked'} {organisation} to {base_url}; the link is "
            f"{state}."
        )
