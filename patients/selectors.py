"""Reads of patient records, always scoped by who is asking."""

import re

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from governance.permissions import Perm, has_org_permission
from patients.models import Patient


def registered_patients_for(*, request: HttpRequest, query: str = "") -> QuerySet[Patient]:
    """The acting practice's own registered patients, optionally narrowed by a search."""
    acting = request.acting
    if acting is None or not has_org_permission(
        request.user, Perm.VIEW_REGISTERED_PATIENTS, acting.organisation
    ):
        return Patient.objects.none()
    patients = Patient.objects.registered_at(acting.organisation)
    query = query.strip()
    if query:
        digits = re.sub(r"[\s-]", "", query)
        if digits.isdigit():
            patients = patients.filter(nhs_number__startswith=digits)
        else:
            for word in query.split():
                patients = patients.filter(
                    Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
                )
    return patients.order_by("family_name", "given_name", "date_of_birth")


def get_patient_for_user_or_404(*, request: HttpRequest, public_id) -> Patient:
    """Fetch a patient and authorise the request together; outsiders get 404, never 403."""
    patient = registered_patients_for(request=request).filter(public_id=public_id).first()
    if patient is None:
        raise Http404("No patient found.")
    return patient
