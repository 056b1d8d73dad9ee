"""Walks every page and API operation, as every demo login in each organisation it works for,
over the demo's own patients, bookings, sessions and reviews, and proves of every response:

- it shows no patient the access rules would refuse the viewer, and
- every patient it shows has an audit event of that very request behind it (naming them,
  or listing them among a page's patients), allowed, for a purpose the rules allow.

A patient is "shown" when their NHS number (either way it is written) or their name (where
no other patient shares it) appears.
Every GET runs; POSTs are left to the authorisation matrix, which proves who may change what.
"""

import itertools
import re
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.test import Client
from django.urls.converters import UUIDConverter

from booking.models import Booking, Session, Slot
from caretracker.models import Enrolment, Task
from demo.hub import LOGINS
from governance.access.rules import Seeker, evaluate
from governance.audit import Actor
from governance.models import (
    AccessGrant,
    AuditEvent,
    BreakGlass,
    Relationship,
    SharingAgreement,
)
from online.models import WaitingListEntry
from patients.models import Patient
from practices.acting import SESSION_KEY
from practices.models import Clinician, Membership, Site
from tests.test_url_coverage import ALL_URLS, _parameters
from writeback.models import WriteBackMessage

# Pages that show no patient by design and cost time to render, or that sign out.
SKIPPED = {"logout", "admin", "api_docs", "api_schema", "healthz", "readyz", "metrics", "login"}
# How many of each kind of object to aim each URL at: a spread across organisations.
SAMPLES = 5

MODELS = {
    "patient_id": Patient,
    "booking_id": Booking,
    "slot_id": Slot,
    "session_id": Session,
    "message_id": WriteBackMessage,
    "problem_id": WriteBackMessage,
    "agreement_id": SharingAgreement,
    "grant_id": AccessGrant,
    "break_glass_id": BreakGlass,
    "relationship_id": Relationship,
    "site_id": Site,
    "clinician_id": Clinician,
    "membership_id": Membership,
    "enrolment_id": Enrolment,
    "task_id": Task,
    "entry_id": WaitingListEntry,
}


def _spread(model) -> list[str]:
    """Public ids of a few objects spread through the table (and, for patients, the
    sensitive and unshared ones too)."""
    ids = list(model.objects.order_by("pk").values_list("public_id", flat=True))
    step = max(len(ids) // SAMPLES, 1)
    chosen = ids[::step][:SAMPLES]
    if model is Patient:
        chosen += list(
            Patient.objects.filter(is_sensitive=True).values_list("public_id", flat=True)[:1]
        )
        chosen += list(
            Patient.objects.filter(registered_practice__ods_code="A99006").values_list(
                "public_id", flat=True
            )[:1]
        )
    return [str(value) for value in chosen]


def _addresses(chain: tuple, samples: dict[str, list[str]]) -> list[str]:
    params = _parameters(chain)
    uuid_params = [name for name, kind in params.items() if kind is UUIDConverter]
    template = ""
    for pattern in chain:
        template += str(pattern)
    if any(kind is None for kind in params.values()):
        return []  # the admin's regex routes: superusers only
    addresses = []
    choices = [samples[name] for name in uuid_params] or [[]]
    for values in itertools.product(*choices) if uuid_params else [()]:
        path = template
        for name, value in zip(uuid_params, values, strict=True):
            path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", "1", path)
        addresses.append("/" + path)
    return addresses


@dataclass(frozen=True)
class Shown:
    address: str
    patient: Patient
    request_id: str


def _acting_memberships():
    for login in LOGINS:
        memberships = Membership.objects.live().filter(user__username=login.username)
        yield from memberships.select_related("user", "organisation")


def _patterns() -> dict[int, list[str]]:
    """Each patient's ways of being written on a page: their NHS number either way, and
    their name where no other patient has it (a shared name says nothing of who is shown)."""
    patients = list(Patient.objects.all())
    names = Counter(patient.full_name for patient in patients)
    return {
        patient.pk: [patient.nhs_number, patient.formatted_nhs_number]
        + (
            [patient.full_name, f"{patient.family_name.upper()}, {patient.given_name}"]
            if names[patient.full_name] == 1
            else []
        )
        for patient in patients
    }


def _named(event: AuditEvent) -> set[int]:
    """The patients an event names: its patient, and the patients a listing showed."""
    return {event.patient_id, *event.listed_patients.values_list("patient_id", flat=True)} - {None}


def test_no_page_shows_a_patient_the_rules_refuse_or_without_an_audit_event(demo):
    samples = {param: _spread(model) for param, model in MODELS.items()}
    urls = [
        (name, address)
        for name, chain in ALL_URLS
        if not any(name.startswith(skip) for skip in SKIPPED)
        for address in _addresses(chain, samples)
    ]
    patients = {p.pk: p for p in Patient.objects.select_related("registered_practice")}
    written = _patterns()
    problems: list[str] = []
    shown_at_all = defaultdict(int)
    for membership in _acting_memberships():
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = str(membership.organisation.public_id)
        session.save()
        seeker = Seeker.of(Actor(user=membership.user, membership=membership))
        who = f"{membership.user.username} at {membership.organisation.ods_code}"
        for name, address in urls:
            request_id = uuid.uuid4().hex
            response = client.get(address, HTTP_X_REQUEST_ID=request_id)
            if response.status_code != 200 or response.get("Content-Type", "").startswith("image/"):
                continue
            text = (
                b"".join(response.streaming_content).decode()
                if response.streaming
                else (response.content.decode())
            )
            shown = [pk for pk, forms in written.items() if any(form in text for form in forms)]
            if not shown:
                continue
            events = list(AuditEvent.objects.filter(request_id=request_id))
            for pk in shown:
                shown_at_all[name] += 1
                naming = [e for e in events if pk in _named(e)]
                allowed = [
                    e
                    for e in naming
                    if e.outcome == AuditEvent.Outcome.ALLOWED
                    and evaluate(seeker, patients[pk], e.purpose).decision.allowed
                ]
                if not naming:
                    problems.append(f"{who}: {address} shows {patients[pk]} with no audit event")
                elif not allowed:
                    problems.append(
                        f"{who}: {address} shows {patients[pk]} though the rules refuse it "
                        f"({', '.join(e.purpose or '-' for e in naming)})"
                    )
    assert not problems, "\n".join(problems[:40])
    # The walk saw patients on the pages that exist to show them: it is not vacuous.
    expected = {"patients:detail", "patients:list", "booking:booking", "api:booking_detail"}
    assert expected <= set(shown_at_all), sorted(shown_at_all)


def test_a_patient_online_sees_no_one_but_themselves_and_is_audited(demo):
    """The same walk, signed in to the patient area as each demo patient online: every page,
    patient and staff, aimed at every kind of object (their own and others')."""
    from demo.online import ONLINE_PATIENTS
    from online.accounts import account_for_patient
    from tests.online.conftest import signed_in_client

    samples = {param: _spread(model) for param, model in MODELS.items()}
    urls = [
        (name, address)
        for name, chain in ALL_URLS
        if not any(name.startswith(skip) for skip in SKIPPED)
        for address in _addresses(chain, samples)
    ]
    written = _patterns()
    problems: list[str] = []
    pages_showing_self = 0
    for details in ONLINE_PATIENTS[:2]:
        me = Patient.objects.get(nhs_number=details["nhs_number"])
        samples["booking_id"].extend(
            str(b) for b in Booking.objects.filter(patient=me).values_list("public_id", flat=True)
        )
        client = signed_in_client(account_for_patient(me))
        for _name, address in urls:
            request_id = uuid.uuid4().hex
            response = client.get(address, HTTP_X_REQUEST_ID=request_id)
            if response.status_code != 200:
                continue
            text = response.content.decode()
            shown = {pk for pk, forms in written.items() if any(form in text for form in forms)}
            for pk in shown - {me.pk}:
                problems.append(f"{details['given_name']}: {address} shows patient {pk}")
            if me.pk in shown:
                pages_showing_self += 1
                events = AuditEvent.objects.filter(
                    request_id=request_id, outcome=AuditEvent.Outcome.ALLOWED
                )
                if not any(me.pk in _named(e) for e in events):
                    problems.append(f"{details['given_name']}: {address} with no audit event")
    assert not problems, "\n".join(problems[:40])
    assert pages_showing_self  # not vacuous
