"""Reads for the patient pages, through governance's access door."""

import re

from django.db.models import Q, QuerySet

from governance.access import Purpose, visible
from governance.audit import Actor
from patients.models import Patient


def registered_patients(*, actor: Actor, query: str = "") -> QuerySet[Patient]:
    """The acting practice's own registered patients, as the access rules let the actor see
    them, optionally narrowed by NHS number (its start) or the start of their names. Each
    page shown is audited by the caller (`audit_listing`)."""
    organisation = actor.membership.organisation if actor.membership else None
    patients = visible(actor, Purpose.VIEW_RECORD, Patient.objects.all(), via="").filter(
        registered_practice=organisation
    )
    return _narrow(patients, query).order_by("family_name", "given_name", "date_of_birth", "id")


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
