"""Reads of patient records, always scoped by who is asking and always audited."""

import re

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from core.db import CompiledLookup
from governance.access import Purpose, decide, findable_patients
from governance.audit import Actor, record_event
from governance.permissions import Perm, has_org_permission
from patients.models import Patient
from patients.nhs_number import normalise_nhs_number


def _narrow(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    query = query.strip()
    if not query:
        return patients
    digits = re.sub(r"[\s-]", "", query)
    if digits.isdigit():
        return patients.filter(nhs_number__startswith=digits)
    for word in query.split():
        patients = patients.filter(
            Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        )
    return patients


def patient_with_nhs_number(nhs_number: str) -> Patient | None:
    """The record with this (normalised) NHS number, unscoped: for a caller that decides
    access to it next, as booking does, or audits a look at it. Compiled once: every booking
    through the API starts with it."""
    return _BY_NHS_NUMBER.get(nhs_number)


_BY_NHS_NUMBER = CompiledLookup(Patient.objects.all(), "nhs_number")


def registered_patients_for(*, request: HttpRequest, query: str = "") -> QuerySet[Patient]:
    """The acting practice's own registered patients, optionally narrowed by a search."""
    acting = request.acting
    if acting is None or not has_org_permission(
        request.user, Perm.VIEW_REGISTERED_PATIENTS, acting.organisation
    ):
        return Patient.objects.none()
    patients = Patient.objects.registered_at(acting.organisation)
    return _narrow(patients, query).order_by("family_name", "given_name", "date_of_birth")


def record_patient_search(*, request: HttpRequest, action: str, results: int) -> None:
    """A list of patients is patient data too: one event per search, with no search text."""
    record_event(actor=Actor.from_request(request), action=action, reason=f"results={results}")


def find_patients_for(
    *,
    request: HttpRequest,
    purpose: Purpose,
    nhs_number: str = "",
    family_name: str = "",
    date_of_birth=None,
    limit: int = 20,
) -> list[Patient]:
    """Patients this user may find for `purpose`, by exact NHS number, or by last name and
    date of birth together, as a receptionist asks over the phone. Each patient shown passes
    the access decision, so each leaves an audit event; an empty search leaves one too."""
    actor = Actor.from_request(request)
    patients = findable_patients(actor, purpose)
    if nhs_number:
        patients = patients.filter(nhs_number=normalise_nhs_number(nhs_number))
    elif family_name and date_of_birth:
        patients = patients.filter(
            family_name__iexact=family_name.strip(), date_of_birth=date_of_birth
        )
    else:
        return []
    candidates = list(
        patients.select_related("registered_practice").order_by("family_name", "given_name")[:limit]
    )
    if not candidates:
        record_event(actor=actor, action="patient.find", reason="results=0")
    return [p for p in candidates if decide(actor, p, purpose, action="patient.find")]


def get_patient_for_user_or_404(
    *, request: HttpRequest, public_id, purpose: Purpose, action: str
) -> Patient:
    """Fetch a patient and decide access together; outsiders get 404, never 403, and both
    outcomes are audited."""
    patient = (
        Patient.objects.select_related("registered_practice").filter(public_id=public_id).first()
    )
    if patient is None:
        raise Http404("No patient found.")
    if not decide(Actor.from_request(request), patient, purpose, action=action):
        raise Http404("No patient found.")
    return patient
