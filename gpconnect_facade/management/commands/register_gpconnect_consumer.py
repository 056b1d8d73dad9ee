"""Register a system to book into hubs' diaries over GP Connect; print its credentials."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from governance.audit import Actor
from gpconnect_facade.consumers import InvalidConsumer, register_consumer
from practices.models import Organisation


class Command(BaseCommand):
    help = (
        "Register a GP Connect consumer system of the organisation with this ODS code and "
        "print its ASID (for Ssp-From), the hub endpoint's ASID (for Ssp-To) and, unless "
        "--public-key is given, the private key to sign its audit JWTs with."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ods", required=True, help="The consumer organisation's ODS code")
        parser.add_argument("--name", required=True, help="The system's name, e.g. 'NHS 111'")
        parser.add_argument("--asid", default="", help="Its Spine ASID (12 digits), if it has one")
        parser.add_argument(
            "--public-key",
            type=Path,
            help="A PEM file with the system's own RSA public key (its private key stays "
            "with it); without it a key pair is made and the private key printed once",
        )

    def handle(
        self, *args, ods: str, name: str, asid: str, public_key: Path | None, **options
    ) -> None:
        organisation = Organisation.objects.filter(ods_code=ods.strip().upper()).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods!r}: add it first.")
        if not name.strip():
            raise CommandError("Give the system a name.")
        try:
            pem = public_key.read_text() if public_key else ""
            registration = register_consumer(
                by=Actor.system(),
                organisation=organisation,
                name=name.strip(),
                public_key_pem=pem,
                asid=asid.strip(),
            )
        except (OSError, InvalidConsumer) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(
                f"A {organisation.get_kind_display()} cannot book over GP Connect."
            ) from exc
        consumer = registration.consumer
        self.stdout.write(f"Registered {consumer}.")
        self.stdout.write(f"Ssp-From (the consumer's ASID): {consumer.asid}")
        self.stdout.write(f"Ssp-To (the hub endpoint's ASID): {settings.GPCONNECT_PROVIDER_ASID}")
        self.stdout.write("Sign each audit JWT with RS256 or RS512, header kid = the ASID.")
        if registration.private_key_pem:
            self.stdout.write("Private key (shown once; keep it secret):")
            self.stdout.write(registration.private_key_pem)
