"""Logging an attendance or contact: what urgent care, out-of-hours, NHS 111 and hospital
teams record when they see a patient. It lands on the patient's timeline, gives the
organisation a day's care relationship (contacts.py), and tells an enrolled patient's key
worker."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caretracker.models import Encounter, Enrolment
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.alerts import alert_person
from governance.audit import Actor
from governance.models import Alert
from notifications.services import send_email
from patients.models import Patient


class EncounterRefused(Exception):
    """The contact cannot be logged as given."""


def log_encounter(
    *,
    by: Actor,
    patient: Patient,
    kind: str,
    occurred_at: datetime.datetime,
    presenting_reason: str,
    outcome: str,
    notes: str = "",
    booking=None,
    purpose: str = Purpose.BOOK,
) -> Encounter:
    """Record a contact the acting organisation had with the patient. The organisation must
    be allowed to see the patient for `purpose` (urgent care books: an agreement, a claimed
    relationship or break-glass; a hospital or care team logs an admission or discharge in
    the care tracker); afterwards the contact itself is its basis for a day."""
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise EncounterRefused("The time of the contact cannot be in the future.")
    if booking is not None and booking.patient_id != patient.pk:
        raise EncounterRefused("That appointment is for another patient.")
    organisation = by.membership.organisation

    def log() -> Encounter:
        encounter = Encounter.objects.create(
            patient=patient,
            organisation=organisation,
            logged_by=by.user,
            kind=kind,
            occurred_at=occurred_at,
            presenting_reason=presenting_reason,
            outcome=outcome,
            notes=notes,
            booking=booking,
        )
        _tell_the_key_worker(encounter)
        return encounter

    # The decision's audit event is the record of the logging, in the same transaction.
    return decide_then(by, patient, purpose, action=Action.CONTACT_LOG, then=log)


def _tell_the_key_worker(encounter: Encounter) -> None:
    enrolment = (
        Enrolment.objects.select_related("key_worker", "key_worker_organisation")
        .filter(patient=encounter.patient, ended_at__isnull=True)
        .first()
    )
    if enrolment is None:
        return
    link = reverse("caretracker:record", kwargs={"enrolment_id": enrolment.public_id})
    message = f"{encounter.get_kind_display()} logged by {encounter.organisation.name}"
    alert_person(
        user=enrolment.key_worker,
        organisation=enrolment.key_worker_organisation,
        kind=Alert.Kind.PATIENT_CONTACT,
        message=message,
        reference=encounter.public_id,
        link=link,
    )
    send_email(
        key=f"encounter:{encounter.public_id}:key-worker",
        to=enrolment.key_worker.email,
        template="patient-contact",
        personalisation={
            "kind": encounter.get_kind_display(),
            "organisation": encounter.organisation.name,
            "link": link,
        },
    )
