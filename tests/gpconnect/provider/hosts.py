"""The two hosts of the provider core, behind one face, so that one set of tests drives
both: the sandbox (served from a thread, unsigned JWT) and the hub's facade (Django's test
client, a registered consumer signing its JWT)."""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey

from gpconnect import codes
from gpconnect.jwt import (
    RequestingDevice,
    RequestingOrganisation,
    RequestingPractitioner,
    build_claims,
    encode_unsigned,
)
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.organization import Organization
from gpconnect.resources.patient import Patient, registration_parameters
from gpconnect.rest import DateWindow, Interaction, slot_search_params
from gpconnect.times import london_date

CONSUMER_ODS, CONSUMER_NAME = "RZZ01", "St Luke's Emergency Department"
NHS_NUMBER = "9990000018"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def code(self) -> str:
        """The Spine error code of an OperationOutcome."""
        return self.body["issue"][0]["details"]["coding"][0]["code"]


def claims_for(interaction: Interaction, *, audience: str, now: datetime, **changes: Any) -> dict:
    claims = build_claims(
        issuer="https://consumer.example",
        audience=audience,
        scope=interaction.scope,
        device=RequestingDevice(
            id="consumer",
            identifier_system="https://consumer.example/Id/device",
            identifier_value="consumer-1",
            model="Consumer under test",
            version="1",
        ),
        organisation=RequestingOrganisation(CONSUMER_ODS, CONSUMER_NAME),
        practitioner=RequestingPractitioner.from_display_name(id="clin-7", name="Grace Hopper"),
        now=now,
    )
    return claims | changes


class Host:
    """What a test needs of a provider: send a GP Connect request, and know a free slot,
    a patient and the location of a slot."""

    name: str
    root: str  # the service root's path

    def now(self) -> datetime:
        return datetime.now(UTC)

    def send(
        self, method: str, path: str, *, query=None, body=None, headers=None
    ) -> Answer:  # pragma: no cover - each host its own
        raise NotImplementedError

    def token(self, claims: dict) -> str:
        raise NotImplementedError

    def spine_headers(self) -> dict[str, str]:
        return {}

    def call(
        self,
        interaction: Interaction,
        method: str,
        path: str,
        *,
        query: list[tuple[str, str]] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        claims: dict | None = None,
    ) -> Answer:
        """A GP Connect request with good headers and a good JWT unless told otherwise."""
        claims = claims or claims_for(interaction, audience=self.audience(), now=self.now())
        sent = {
            "Ssp-TraceID": str(uuid.uuid4()),
            "Ssp-InteractionID": interaction.interaction_id,
            "Authorization": f"Bearer {self.token(claims)}",
            **self.spine_headers(),
            **(headers or {}),
        }
        return self.send(method, path, query=query, body=body, headers=sent)

    def audience(self) -> str:
        raise NotImplementedError

    # What tests start from ----------------------------------------------------------------

    def search(self, start: date, end: date, **kwargs: Any) -> Answer:
        return self.call(
            Interaction.SEARCH_FREE_SLOTS,
            "GET",
            "/Slot",
            query=slot_search_params(DateWindow(start, end), booking_ods=CONSUMER_ODS),
            **kwargs,
        )

    def tomorrow(self) -> date:
        return london_date(self.now()) + timedelta(days=1)

    def free_slots(self) -> tuple[list[dict], dict[str, dict]]:
        """Free slots from tomorrow for a week, and the bundle's resources by reference."""
        answer = self.search(self.tomorrow(), self.tomorrow() + timedelta(days=6))
        assert answer.status == 200, answer.body
        resources = [entry["resource"] for entry in answer.body.get("entry", [])]
        by_reference = {f"{r['resourceType']}/{r['id']}": r for r in resources}
        slots = [r for r in resources if r["resourceType"] == "Slot"]
        assert slots, "no free slots to book"
        return slots, by_reference

    def patient_id(self) -> str:
        answer = self.call(
            Interaction.FIND_PATIENT,
            "GET",
            "/Patient",
            query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|{self.nhs_number}")],
        )
        assert answer.status == 200 and answer.body.get("entry"), answer.body
        return answer.body["entry"][0]["resource"]["id"]

    nhs_number = NHS_NUMBER

    def appointment(self, **changes: Any) -> dict:
        """A good booking of the first free slot, as a consumer sends it."""
        slots, resources = self.free_slots()
        slot = slots[0]
        schedule = resources[slot["schedule"]["reference"]]
        location = next(
            actor["reference"]
            for actor in schedule["actor"]
            if actor["reference"].startswith("Location/")
        )
        booking = Appointment(
            status="booked",
            start=datetime.fromisoformat(slot["start"]),
            end=datetime.fromisoformat(slot["end"]),
            slot_ids=(slot["id"],),
            patient_id=self.patient_id(),
            location_id=location.split("/")[1],
            created=self.now().replace(microsecond=0),
            booking_organization=Organization(
                ods_code=CONSUMER_ODS, name=CONSUMER_NAME, phone="0113 496 0700"
            ),
            description="Chest pain, seen in A&E",
        )
        return booking.changed(**changes).to_fhir()

    def book(self, resource: dict | None = None, **kwargs: Any) -> Answer:
        return self.call(
            Interaction.BOOK_APPOINTMENT,
            "POST",
            "/Appointment",
            body=resource if resource is not None else self.appointment(),
            **kwargs,
        )

    def book_one(self) -> dict:
        answer = self.book()
        assert answer.status == 201, answer.body
        return answer.body

    def put(
        self,
        resource: dict,
        version: str,
        interaction: Interaction = Interaction.AMEND_APPOINTMENT,
        **kwargs: Any,
    ) -> Answer:
        headers = {"If-Match": f'W/"{version}"', **kwargs.pop("headers", {})}
        return self.call(
            interaction,
            "PUT",
            f"/Appointment/{resource['id']}",
            body=resource,
            headers=headers,
            **kwargs,
        )


class SandboxHost(Host):
    name = "sandbox"

    def __init__(self, sandbox, ods: str = "A10001") -> None:
        self.sandbox = sandbox
        self.ods = ods
        self.root = f"/{ods}/STU3/1/gpconnect"

    def now(self) -> datetime:
        return self.sandbox.clock()

    def audience(self) -> str:
        return self.sandbox.root(self.ods)

    def token(self, claims: dict) -> str:
        return encode_unsigned(claims)

    def send(self, method, path, *, query=None, body=None, headers=None) -> Answer:
        answer = self.sandbox.call(
            method,
            self.root + path,
            query=query,
            body=body,
            headers={"Content-Type": "application/fhir+json", **(headers or {})},
        )
        return Answer(answer.status, answer.headers, answer.body)

    def patient_id(self) -> str:
        patient = Patient(self.nhs_number, "Brown", ("Bea",), birth_date=date(1980, 5, 1))
        self.call(
            Interaction.REGISTER_PATIENT,
            "POST",
            "/Patient/$gpc.registerpatient",
            body=registration_parameters(patient),
        )  # 409 once registered: either way they are there
        return super().patient_id()

    def ledger(self) -> list[dict]:
        return self.sandbox.ledger(self.ods)


class FacadeHost(Host):
    name = "hub facade"

    def __init__(self, client, *, hub_ods: str, consumer, private_key_pem: str, patient) -> None:
        self.client = client
        self.root = f"/gpconnect/{hub_ods}/STU3/1"
        self.consumer = consumer
        self.key = RSAKey.import_key(private_key_pem)
        self.nhs_number = patient.nhs_number

    def audience(self) -> str:
        return f"http://testserver{self.root}"

    def token(self, claims: dict) -> str:
        return jwt.encode(
            {"alg": "RS512", "kid": self.consumer.asid}, claims, self.key, algorithms=["RS512"]
        )

    def spine_headers(self) -> dict[str, str]:
        from django.conf import settings

        return {"Ssp-From": self.consumer.asid, "Ssp-To": settings.GPCONNECT_PROVIDER_ASID}

    def send(self, method, path, *, query=None, body=None, headers=None) -> Answer:
        url = self.root + path + (f"?{urlencode(query)}" if query else "")
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body))
        response = self.client.generic(
            method, url, data=data, content_type="application/fhir+json", headers=headers or {}
        )
        raw = response.content
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode()
        return Answer(response.status_code, dict(response.headers), parsed)
