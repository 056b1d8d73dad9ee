"""The one access decision for patient data. Every view, API and task that shows or changes
a patient's data asks `decide`, which writes an audit event whether it allows or refuses.

Bases, in order: staff of the patient's registered practice (or an honorary contract
there); an active sharing agreement covering the purpose, with the patient's consent where
the purpose needs it; a live break-glass. Sensitive (S-flag) records never leave their
practice. The acting role's permissions are read once per Actor (once per request);
agreements, consent and break-glass afresh on every call.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.db import prepared_cursor
from governance.audit import Actor, record_event
from governance.models import AuditEvent, BreakGlass, Consent, Scope, SharingAgreement
from governance.permissions import Perm
from patients.models import Patient
from practices.models import Organisation


class Purpose(StrEnum):
    BOOK = "book"  # find a patient and book, cancel or rebook for them
    VIEW_RECORD = "view-record"  # see their details, appointments and plans
    CARE_TRACKER = "care-tracker"  # enrol them and work on their care plan
    MANAGE_REGISTRATION = "manage-registration"  # change their registered details
    RECORD_CONSENT = "record-consent"  # record the patient's word on sharing


class Basis(StrEnum):
    REGISTERED_PRACTICE = "registered-practice"
    ACCESS_GRANT = "access-grant"
    SHARING_AGREEMENT = "sharing-agreement"
    CARE_RELATIONSHIP = "care-relationship"
    BREAK_GLASS = "break-glass"


@dataclass(frozen=True)
class Purposes:
    perm: Perm
    scope: str | None  # the sharing-agreement scope that covers it; None: own practice only
    consent: str | None  # the consent it needs across organisations, if any


PURPOSES: dict[Purpose, Purposes] = {
    # Booking is direct care the patient asked for: an agreement suffices.
    Purpose.BOOK: Purposes(Perm.BOOK_FOR_PATIENTS, Scope.BOOKING, None),
    Purpose.VIEW_RECORD: Purposes(
        Perm.VIEW_PATIENT_RECORDS, Scope.RECORD_VIEW, Consent.Scope.SHARE_RECORD
    ),
    Purpose.CARE_TRACKER: Purposes(
        Perm.USE_CARE_TRACKER, Scope.CARE_TRACKER, Consent.Scope.CARE_TRACKER
    ),
    Purpose.MANAGE_REGISTRATION: Purposes(Perm.MANAGE_REGISTERED_PATIENTS, None, None),
    # A record-view partner may ask the patient in front of them and record the answer.
    Purpose.RECORD_CONSENT: Purposes(Perm.RECORD_CONSENT, Scope.RECORD_VIEW, None),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis | None
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def active_agreements(*, partner: Organisation, scope: str, on=None) -> QuerySet[SharingAgreement]:
    on = on or timezone.localdate()
    return SharingAgreement.objects.filter(
        partner=partner,
        scope=scope,
        status=SharingAgreement.Status.ACTIVE,
        starts_on__lte=on,
        ends_on__gte=on,
    )


def active_agreement_sql(alias: str, scope: str) -> tuple[str, list]:
    """`active_agreements`' conditions on the sharing agreement `alias`, with their values,
    for the statements written out on hot paths (ADR 0004): one definition of "active" for
    all of them."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    conditions = (
        f"{alias}.scope = %s AND {alias}.status = %s "
        f"AND {alias}.starts_on <= %s AND {alias}.ends_on >= %s"
    )
    return conditions, [scope, SharingAgreement.Status.ACTIVE, today, today]


def has_active_agreement(*, practice_id: int, partner: Organisation, scope: str) -> bool:
    """Whether `active_agreements(partner=partner, scope=scope)` holds one with this
    practice. Written out, as every access decision across practices asks it."""
    active, values = active_agreement_sql("a", scope)
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM governance_sharingagreement a "  # noqa: S608 (our conditions)
            f"WHERE a.partner_id = %s AND a.practice_id = %s AND {active} LIMIT 1",
            [partner.pk, practice_id, *values],
        )
        return cursor.fetchone() is not None


def current_consent(patient: Patient, scope: str) -> Consent | None:
    return Consent.objects.filter(patient=patient, scope=scope).first()


def latest_consent_state(scope: str) -> Subquery:
    """For querysets of patients: the state of their latest consent record for `scope`."""
    return Subquery(
        Consent.objects.filter(patient=OuterRef("pk"), scope=scope)
        .order_by("-recorded_at", "-id")
        .values("state")[:1]
    )


def evaluate(actor: Actor, patient: Patient, purpose: Purpose) -> Decision:
    """The decision without its audit event: for a caller that records it in the same
    transaction as the action it allows (see `record_decision`)."""
    membership = actor.membership
    if actor.user is None or membership is None:
        return Decision(False, None, "not acting for an organisation")
    organisation = membership.organisation
    rule = PURPOSES[purpose]
    if rule.perm not in actor.permissions:
        return Decision(False, None, "role does not allow this purpose")

    if organisation.pk == patient.registered_practice_id:
        via_grant = membership.ends_at is not None
        return Decision(
            True,
            Basis.ACCESS_GRANT if via_grant else Basis.REGISTERED_PRACTICE,
            "registered practice",
        )

    if patient.is_sensitive:
        return Decision(False, None, "sensitive record: registered practice only")

    if rule.scope is not None and has_active_agreement(
        practice_id=patient.registered_practice_id, partner=organisation, scope=rule.scope
    ):
        if rule.consent is None:
            return Decision(True, Basis.SHARING_AGREEMENT, "sharing agreement")
        consent = current_consent(patient, rule.consent)
        if consent and consent.state == Consent.State.GIVEN:
            return Decision(True, Basis.SHARING_AGREEMENT, "sharing agreement and consent")

    if purpose in CARE_RELATIONSHIP_PURPOSES and any(
        has_relationship(organisation, patient) for has_relationship in _care_relationships
    ):
        return Decision(True, Basis.CARE_RELATIONSHIP, "patient is booked with us")

    if BreakGlass.objects.filter(
        user=actor.user, patient=patient, expires_at__gt=timezone.now()
    ).exists():
        return Decision(True, Basis.BREAK_GLASS, "break-glass")

    return Decision(False, None, "no basis for access")


# A care relationship: the patient has a live appointment with the organisation (say a
# hub booked them into this practice's evening slot), so its staff may see and manage that
# appointment. The apps that know about appointments register the check, so governance
# imports none of them.
CARE_RELATIONSHIP_PURPOSES = frozenset({Purpose.BOOK, Purpose.VIEW_RECORD})
_care_relationships: list[Callable[[Organisation, Patient], bool]] = []


def register_care_relationship(check: Callable[[Organisation, Patient], bool]) -> None:
    if check not in _care_relationships:
        _care_relationships.append(check)


def decide(actor: Actor, patient: Patient, purpose: Purpose, *, action: str, obj=None) -> Decision:
    """May this actor use this patient's data for this purpose? Always audited."""
    decision = evaluate(actor, patient, purpose)
    record_decision(actor, patient, purpose, decision, action=action, obj=obj)
    return decision


def record_decision(
    actor: Actor,
    patient: Patient,
    purpose: Purpose,
    decision: Decision,
    *,
    action: str,
    obj=None,
    reason: str = "",
) -> AuditEvent:
    """The audit event for a decision: its basis and outcome, with `reason` (if given) in
    place of the decision's own."""
    return record_event(
        actor=actor,
        action=action,
        patient=patient,
        obj=obj,
        purpose=purpose,
        basis=decision.basis or "",
        reason=reason or decision.reason,
        outcome=AuditEvent.Outcome.ALLOWED if decision.allowed else AuditEvent.Outcome.DENIED,
    )


def findable_patients(actor: Actor, purpose: Purpose) -> QuerySet[Patient]:
    """The patients this actor could be allowed to find for `purpose`, without break-glass:
    their own practice's, and other practices' under an agreement (with consent where
    needed), never another practice's sensitive records."""
    membership = actor.membership
    if actor.user is None or membership is None:
        return Patient.objects.none()
    rule = PURPOSES[purpose]
    organisation = membership.organisation
    if rule.perm not in actor.permissions:
        return Patient.objects.none()
    own = Q(registered_practice=organisation)
    if rule.scope is None:
        return Patient.objects.filter(own)
    shared = Q(
        registered_practice__in=active_agreements(partner=organisation, scope=rule.scope).values(
            "practice"
        ),
        is_sensitive=False,
    )
    patients = Patient.objects.all()
    if rule.consent is not None:
        patients = patients.annotate(consent_state=latest_consent_state(rule.consent))
        shared &= Q(consent_state=Consent.State.GIVEN)
    return patients.filter(own | shared)
