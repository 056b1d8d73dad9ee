"""Print a signed GP Connect audit JWT, as a registered consumer system makes one: for trying
the hub's GP Connect endpoint by hand (curl) and for integrators checking their own."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from joserfc import jwt
from joserfc.jwk import RSAKey

from gpconnect.jwt import (
    RequestingDevice,
    RequestingOrganisation,
    RequestingPractitioner,
    build_claims,
)
from gpconnect.rest import Interaction
from gpconnect_facade.models import Consumer


class Command(BaseCommand):
    help = (
        "Print an audit JWT for one interaction at one hub endpoint, signed (RS256) with a "
        "registered consumer's private key, valid for 300 seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--asid", required=True, help="The consumer's ASID (Ssp-From)")
        parser.add_argument("--key", required=True, type=Path, help="Its private key, PEM")
        parser.add_argument(
            "--interaction",
            required=True,
            choices=[i.name.lower().replace("_", "-") for i in Interaction],
        )
        parser.add_argument(
            "--audience", required=True, help="The endpoint: http(s)://host/gpconnect/<hub>/STU3/1"
        )
        parser.add_argument("--practitioner", default="Demo Clinician")

    def handle(self, *args, asid, key, interaction, audience, practitioner, **options) -> None:
        consumer = Consumer.objects.select_related("organisation").filter(asid=asid).first()
        if consumer is None:
            raise CommandError(f"No consumer is registered with ASID {asid}.")
        try:
            signing_key = RSAKey.import_key(key.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read a private key from {key}: {exc}") from exc
        chosen = Interaction[interaction.upper().replace("-", "_")]
        organisation = consumer.organisation
        claims = build_claims(
            issuer=f"https://{consumer.asid}.consumer.example",
            audience=audience.rstrip("/"),
            scope=chosen.scope,
            device=RequestingDevice(
                id=consumer.asid,
                identifier_system="https://fhir.nhs.uk/Id/asid",
                identifier_value=consumer.asid,
                model=consumer.name,
                version="1",
            ),
            organisation=RequestingOrganisation(organisation.ods_code, organisation.name),
            practitioner=RequestingPractitioner.from_display_name(
                id="demo-clinician", name=practitioner
            ),
            now=datetime.now(UTC),
        )
        token = jwt.encode({"alg": "RS256", "kid": asid}, claims, signing_key)
        self.stdout.write(token)
