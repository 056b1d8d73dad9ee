"""The one door to patient data: `decide` for one patient, `visible` and `audit_listing` for
lists. Both rest on the same rules (`rules.py`) and both leave an audit event, whether the
answer is yes or no; nothing else reads patient data for display.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404

from core.errors import NotFound
from governance.access import rules
from governance.access.purposes import Decision
from governance.access.sources import note_relied_on
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from patients.models import Patient

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PatientNotFound(NotFound):
    """No patient the actor may see: the same answer whether the patient exists or not."""


def decide(
    actor: Actor,
    patient: Patient,
    purpose: str,
    *,
    action: Action,
    obj: object = None,
    reason: str = "",
) -> Decision:
    """May this actor use this patient's data for this purpose? The answer is audited in the
    caller's transaction, allowed or refused; `reason`, if given, is recorded in place of
    the decision's own. Access resting on a care relationship is noted for review."""
    seeker = rules.Seeker.of(actor)
    if actor.patient is not None:
        grounds = rules.evaluate_own(actor, patient)
    else:
        grounds = rules.evaluate(seeker, patient, purpose)
    decision = grounds.decision
    if grounds.source is not None and seeker is not None:
        note_relied_on(
            organisation=seeker.organisation,
            source=grounds.source,
            references={patient.pk: grounds.reference},
            now=seeker.now,
        )
    record_event(
        actor=actor,
        action=action,
        patient=patient,
        obj=obj,
        purpose=purpose,
        basis=decision.basis or "",
        reason=reason or decision.reason,
        outcome=AuditEvent.Outcome.ALLOWED if decision else AuditEvent.Outcome.DENIED,
    )
    return decision


def decide_then(
    actor: Actor,
    patient: Patient,
    purpose: str,
    *,
    action: Action,
    then: Callable[[], T],
    obj: object = None,
    reason: str = "",
) -> T:
    """Decide, and if allowed make the change `then` in the same transaction: the decision's
    audit event commits with the change it allows, or not at all. A refusal commits on its
    own (so it stands) and raises PatientNotFound."""
    with transaction.atomic():
        if decide(actor, patient, purpose, action=action, obj=obj, reason=reason):
            return then()
    raise PatientNotFound("No patient found.")


def visible(
    actor: Actor, purpose: str, queryset: QuerySet[M], *, via: str = "patient"
) -> QuerySet[M]:
    """The rows of `queryset` whose patient (the field `via`; "" for patients themselves)
    the actor may see for `purpose`: the decision's rules, as a filter. A page taken from it
    is audited with `audit_listing`."""
    prefix = f"{via}__" if via else ""
    if actor.patient is not None:
        return queryset.filter(rules.allowed_own(actor, prefix))
    condition = rules.allowed(rules.Seeker.of(actor), purpose, prefix)
    return queryset.none() if condition is None else queryset.filter(condition)


def patients_for(actor: Actor, purpose: str) -> QuerySet[Patient]:
    """Every patient the actor may see for `purpose`."""
    return visible(actor, purpose, Patient.objects.all(), via="")


def audit_listing(
    actor: Actor,
    purpose: str,
    *,
    action: Action,
    patients: Sequence[Patient],
    search: bool = False,
) -> None:
    """One audit event for one page of a list, naming every patient shown on it; a page that
    shows no one leaves none, unless it answers a `search` (which is recorded either way).
    Relationships the page rests on are noted for review."""
    seeker = rules.Seeker.of(actor)
    shown = list({patient.pk: patient for patient in patients}.values())
    if not shown and not search:
        return
    for source, references in rules.relationships_relied_on(seeker, purpose, shown):
        note_relied_on(
            organisation=seeker.organisation, source=source, references=references, now=seeker.now
        )
    record_event(
        actor=actor,
        action=action,
        purpose=purpose,
        reason=f"results={len(shown)}",
        patients=shown,
    )


# Loaders for pages and the API -------------------------------------------------------------


def open_patient_or_404(
    actor: Actor, public_id, purpose: str, *, action: Action
) -> tuple[Patient, Decision]:
    """Fetch a patient and decide access together; the decision says on what basis, for a
    page that shows it. Outsiders get 404, never 403; a patient who does not exist leaves
    no event (there is nothing to protect), one refused does."""
    patient = (
        Patient.objects.select_related("registered_practice").filter(public_id=public_id).first()
    )
    decision = decide(actor, patient, purpose, action=action) if patient is not None else None
    if not decision:
        raise Http404("No patient found.")
    return patient, decision


def get_patient_or_404(actor: Actor, public_id, purpose: str, *, action: Action) -> Patient:
    """`open_patient_or_404`, for a page that needs only the patient."""
    return open_patient_or_404(actor, public_id, purpose, action=action)[0]


def find_patients(
    actor: Actor,
    purpose: str,
    *,
    nhs_number: str = "",
    family_name: str = "",
    date_of_birth=None,
    limit: int = 20,
) -> list[Patient]:
    """Patients the actor may find for `purpose`, by exact NHS number (normalised), or by
    last name and date of birth together, as a receptionist asks over the phone. The search
    is audited with the patients it showed, even when it showed none."""
    patients = patients_for(actor, purpose)
    if nhs_number:
        patients = patients.filter(nhs_number=nhs_number)
    elif family_name and date_of_birth:
        patients = patients.filter(
            family_name__iexact=family_name.strip(), date_of_birth=date_of_birth
        )
    else:
        return []
    found = list(
        patients.select_related("registered_practice").order_by("family_name", "given_name")[:limit]
    )
    audit_listing(actor, purpose, action=Action.PATIENT_FIND, patients=found, search=True)
    return found
