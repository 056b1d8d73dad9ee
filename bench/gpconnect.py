"""The hub's GP Connect endpoint under gunicorn, as an urgent-care system uses it: a 14-day
search for free slots with every include, and booking an appointment, each as a registered
consumer with a signed audit JWT.

An urgent-care organisation of the run's own is registered as the consumer, with active
booking agreements with every practice of the sampled hubs. The generated release
templates open urgent care's share of sessions (28 %) only on the day, which would leave a
run early in the morning nothing to find; so in the sampled hubs those sessions are opened
to urgent care from now, as practices do that offer NHS 111 direct booking: the consumer
sees the share of the diary a real one would. Tokens are signed before the clock starts:
signing is the consumer's cost, not the endpoint's.
"""

import datetime
import http.client
import json
import random
import time
import uuid
from urllib.parse import urlencode

from bench.server import Server
from bench.stats import percentile, summary_ms

CONSUMER_ODS = "XGPC01"
_INCLUDES = (
    ("_include", "Slot:schedule"),
    ("_include:recurse", "Schedule:actor:Practitioner"),
    ("_include:recurse", "Schedule:actor:Location"),
    ("_include:recurse", "Location:managingOrganization"),
)


def _consumer(hub_ids: list[int]):
    """The run's consumer: an urgent-care organisation sharing booking with the hubs'
    practices, registered as a GP Connect consumer with no request budget in the way."""
    from django.contrib.auth import get_user_model

    from bench.data import booking_agreement
    from governance.audit import Actor
    from governance.models import SharingAgreement
    from gpconnect_facade.consumers import register_consumer
    from practices.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        ods_code=CONSUMER_ODS,
        defaults={
            "name": "Benchmark Urgent Treatment Centre",
            "kind": Organisation.Kind.URGENT_CARE,
        },
    )
    someone = get_user_model().objects.order_by("pk").first()
    practices = Organisation.objects.filter(hubs__in=hub_ids).distinct()
    SharingAgreement.objects.bulk_create(
        booking_agreement(practice, organisation, by=someone) for practice in practices
    )
    registration = register_consumer(
        by=Actor.system(), organisation=organisation, name="Benchmark consumer"
    )
    registration.consumer.requests_per_minute = 1_000_000
    registration.consumer.save(update_fields=["requests_per_minute"])
    return registration


class _Consumer:
    """A keep-alive client speaking GP Connect to one server, tokens signed in advance."""

    def __init__(self, port: int, registration, provider_asid: str) -> None:
        from joserfc.jwk import RSAKey

        self.port = port
        self.asid = registration.consumer.asid
        self.organisation = registration.consumer.organisation
        self.key = RSAKey.import_key(registration.private_key_pem)
        self.provider_asid = provider_asid
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens: dict[tuple[str, str], str] = {}

    def root(self, hub_ods: str) -> str:
        return f"/gpconnect/{hub_ods}/STU3/1"

    def token(self, hub_ods: str, interaction) -> str:
        """A signed JWT for the hub and interaction, reused while it has a minute to run."""
        from joserfc import jwt

        from gpconnect.jwt import (
            RequestingDevice,
            RequestingOrganisation,
            RequestingPractitioner,
            build_claims,
        )

        key = (hub_ods, interaction.name)
        if key not in self.tokens:
            claims = build_claims(
                issuer="https://bench.example",
                audience=f"http://127.0.0.1:{self.port}{self.root(hub_ods)}",
                scope=interaction.scope,
                device=RequestingDevice(
                    id="bench",
                    identifier_system="https://bench.example/Id/device",
                    identifier_value="bench",
                    model="Benchmark",
                    version="1",
                ),
                organisation=RequestingOrganisation(
                    self.organisation.ods_code, self.organisation.name
                ),
                practitioner=RequestingPractitioner.from_display_name(
                    id="bench-1", name="Bench Clinician"
                ),
                now=datetime.datetime.now(datetime.UTC),
            )
            self.tokens[key] = jwt.encode(
                {"alg": "RS256", "kid": self.asid}, claims, self.key, algorithms=["RS256"]
            )
        return self.tokens[key]

    def request(self, hub_ods: str, interaction, method: str, path: str, body=None):
        headers = {
            "Ssp-TraceID": str(uuid.uuid4()),
            "Ssp-From": self.asid,
            "Ssp-To": self.provider_asid,
            "Ssp-InteractionID": interaction.interaction_id,
            "Authorization": f"Bearer {self.token(hub_ods, interaction)}",
            "Accept": "application/fhir+json",
        }
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/fhir+json"
        began = time.perf_counter()
        self.conn.request(method, self.root(hub_ods) + path, body=payload, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        elapsed = time.perf_counter() - began
        return response.status, (json.loads(raw) if raw else None), elapsed


def _search_path(day: datetime.date) -> str:
    query = [
        ("start", f"ge{day.isoformat()}"),
        ("end", f"le{(day + datetime.timedelta(days=14)).isoformat()}"),
        ("status", "free"),
        *_INCLUDES,
        ("searchFilter", f"https://fhir.nhs.uk/Id/ods-organization-code|{CONSUMER_ODS}"),
    ]
    return f"/Slot?{urlencode(query)}"


def _appointment(slot: dict, location_id: str, patient_id: str, organisation) -> dict:
    from gpconnect.resources.appointment import Appointment
    from gpconnect.resources.organization import Organization

    return Appointment(
        status="booked",
        start=datetime.datetime.fromisoformat(slot["start"]),
        end=datetime.datetime.fromisoformat(slot["end"]),
        slot_ids=(slot["id"],),
        patient_id=patient_id,
        location_id=location_id,
        created=datetime.datetime.now(datetime.UTC).replace(microsecond=0),
        booking_organization=Organization(
            ods_code=organisation.ods_code, name=organisation.name, phone="0300 000 0000"
        ),
        description="Booked by the benchmark",
    ).to_fhir()


def _open_urgent_care_now(hub_ids: list[int]) -> int:
    """The sampled hubs' coming sessions that release to urgent care do so from now; their
    slots' release windows stamped again, as changing release rules does. The sessions."""
    from django.db import transaction
    from django.utils import timezone

    from booking.models import ReleaseRule, Slot
    from booking.release_rules import stored

    now = timezone.now()
    rules = ReleaseRule.objects.filter(
        audience="urgent-care",
        session__practice__hubs__in=hub_ids,
        session__starts_at__gte=now,
        session__starts_at__lt=now + datetime.timedelta(days=15),
    )
    sessions = set(rules.values_list("session_id", flat=True))
    with transaction.atomic():
        rules.update(
            opens=ReleaseRule.Opens.PUBLISHED,
            opens_days_before=None,
            opens_time=None,
            opens_minutes_before=None,
        )
        by_session: dict[int, list] = {}
        for rule in ReleaseRule.objects.filter(session_id__in=sessions):
            by_session.setdefault(rule.session_id, []).append(rule)
        slots = list(Slot.objects.filter(session_id__in=sessions))
        for slot in slots:
            columns = stored.release_columns(
                stored.rules_for(slot, by_session[slot.session_id]), slot.start
            )
            for name, value in columns.items():
                setattr(slot, name, value)
        Slot.objects.bulk_update(slots, list(stored.RELEASE_COLUMNS), batch_size=2000)
    return len(sessions)


def measure(
    hub_ids: list[int], rng: random.Random, *, searches: int, bookings: int, workers: int
) -> dict:
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from gpconnect.rest import Interaction
    from patients.models import Patient
    from practices.models import Organisation

    hubs = list(Organisation.objects.filter(pk__in=hub_ids).values_list("pk", "ods_code"))
    registration = _consumer([pk for pk, _ in hubs])
    opened = _open_urgent_care_now([pk for pk, _ in hubs])
    patients = {
        practice_id: [str(p) for p in ids]
        for practice_id, ids in _patients_by_practice(Patient, [pk for pk, _ in hubs]).items()
    }
    connections.close_all()
    today = timezone.localdate()
    search_times, booking_times, slots_found = [], [], []
    statuses: dict[str, int] = {}
    with Server(workers=workers) as server:
        client = _Consumer(server.port, registration, settings.GPCONNECT_PROVIDER_ASID)
        found: list[tuple[str, dict, str, str]] = []  # (hub, slot, location, practice id)
        for _, ods in hubs[:3]:  # warm each worker
            client.request(ods, Interaction.SEARCH_FREE_SLOTS, "GET", _search_path(today))
        for i in range(searches):
            _, ods = hubs[i % len(hubs)]
            status, body, elapsed = client.request(
                ods, Interaction.SEARCH_FREE_SLOTS, "GET", _search_path(today)
            )
            statuses[f"search {status}"] = statuses.get(f"search {status}", 0) + 1
            search_times.append(elapsed)
            resources = {
                f"{e['resource']['resourceType']}/{e['resource']['id']}": e["resource"]
                for e in (body or {}).get("entry", [])
            }
            slots = [r for r in resources.values() if r["resourceType"] == "Slot"]
            slots_found.append(len(slots))
            if i < len(hubs):
                found += [(ods, slot, *_where(slot, resources)) for slot in slots]
        rng.shuffle(found)
        soon = timezone.now() + datetime.timedelta(minutes=90)
        booked_slots = set()
        for ods, slot, location_id, practice_ref in found:
            if len(booking_times) >= bookings:
                break
            if slot["id"] in booked_slots or datetime.datetime.fromisoformat(slot["start"]) < soon:
                continue
            practice_patients = patients.get(practice_ref) or []
            if not practice_patients:
                continue
            body = _appointment(
                slot, location_id, rng.choice(practice_patients), registration.consumer.organisation
            )
            status, _, elapsed = client.request(
                ods, Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body
            )
            statuses[f"book {status}"] = statuses.get(f"book {status}", 0) + 1
            booked_slots.add(slot["id"])
            if status == 201:
                booking_times.append(elapsed)
        client.conn.close()
    return {
        "hubs": len(hubs),
        "sessions_opened_to_urgent_care": opened,
        "search": {**summary_ms(search_times), "slots_p50": percentile(slots_found, 50)},
        "booking": summary_ms(booking_times) if booking_times else {},
        "statuses": statuses,
        "server": f"gunicorn gthread {server.workers}x{server.threads}",
    }


def _where(slot: dict, resources: dict) -> tuple[str, str]:
    """The slot's Location id and its practice's Organization id."""
    schedule = resources[slot["schedule"]["reference"]]
    location = next(
        a["reference"] for a in schedule["actor"] if a["reference"].startswith("Location/")
    )
    practice = resources[location]["managingOrganization"]["reference"]
    return location.split("/")[1], practice.split("/")[1]


def _patients_by_practice(Patient, hub_ids: list[int]) -> dict[str, list]:
    """Patients of the hubs' practices, by the practice's public id (as the Organization
    resource names it)."""
    by_practice: dict[str, list] = {}
    for practice_public_id, patient_public_id in Patient.objects.filter(
        registered_practice__hubs__in=hub_ids
    ).values_list("registered_practice__public_id", "public_id"):
        by_practice.setdefault(str(practice_public_id), []).append(patient_public_id)
    return by_practice
