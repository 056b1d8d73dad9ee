"""Reads for information governance: consent, agreements, grants, break-glass, access."""

import datetime
from dataclasses import dataclass
from uuid import UUID

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from governance.access import Purpose, patients_for
from governance.audit import Actor
from governance.models import (
    AccessGrant,
    Alert,
    AuditEvent,
    BreakGlass,
    Consent,
    Relationship,
    SharingAgreement,
)
from governance.permissions import Perm, org_permissions
from patients.models import Patient
from practices.models import Organisation


def current_consents(patient: Patient) -> dict[str, Consent | None]:
    """The patient's latest word per consent scope (None where nothing is recorded)."""
    latest: dict[str, Consent | None] = dict.fromkeys(Consent.Scope.values)
    for consent in Consent.objects.filter(patient=patient).select_related("recorded_by"):
        if latest[consent.scope] is None:  # ordered newest first
            latest[consent.scope] = consent
    return latest


def consent_history(patient: Patient) -> QuerySet[Consent]:
    return Consent.objects.filter(patient=patient).select_related(
        "recorded_by", "recorded_by_organisation"
    )


def agreements_of(organisation: Organisation) -> QuerySet[SharingAgreement]:
    """Both sides' agreements, proposals first, each annotated with `state`: its status,
    except that an active agreement outside its dates is 'not-started' or 'lapsed'."""
    today = timezone.localdate()
    Status = SharingAgreement.Status
    return (
        SharingAgreement.objects.filter(Q(practice=organisation) | Q(partner=organisation))
        .select_related("practice", "partner", "proposed_by_organisation")
        .annotate(
            status_order=Case(
                When(status=Status.PROPOSED, then=Value(0)),
                When(status=Status.ACTIVE, then=Value(1)),
                When(status=Status.ENDED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            state=Case(
                When(status=Status.ACTIVE, starts_on__gt=today, then=Value("not-started")),
                When(status=Status.ACTIVE, ends_on__lt=today, then=Value("lapsed")),
                default="status",
                output_field=CharField(),
            ),
        )
        .order_by("status_order", "-starts_on", "-id")
    )


LIVE_AGREEMENT = (SharingAgreement.Status.PROPOSED, SharingAgreement.Status.ACTIVE)


def live_agreements_between(
    practice: Organisation | int, partner: Organisation | int, scope: str
) -> QuerySet[SharingAgreement]:
    """The pair's proposed and active agreements for `scope`, in date order: never two on
    one day."""
    return SharingAgreement.objects.filter(
        practice=practice, partner=partner, scope=scope, status__in=LIVE_AGREEMENT
    ).order_by("starts_on")


def successor_of(agreement: SharingAgreement) -> SharingAgreement | None:
    """The live renewal that starts the day after `agreement` ends, if one is proposed or
    accepted."""
    if agreement.ends_on >= datetime.date.max:
        return None
    return (
        live_agreements_between(agreement.practice_id, agreement.partner_id, agreement.scope)
        .filter(starts_on=agreement.ends_on + datetime.timedelta(days=1))
        .first()
    )


def predecessor_of(agreement: SharingAgreement) -> SharingAgreement | None:
    """The active agreement that `agreement` renews: one ending the day before it starts."""
    if agreement.starts_on <= datetime.date.min:
        return None
    return (
        live_agreements_between(agreement.practice_id, agreement.partner_id, agreement.scope)
        .filter(
            status=SharingAgreement.Status.ACTIVE,
            ends_on=agreement.starts_on - datetime.timedelta(days=1),
        )
        .first()
    )


def get_agreement_of_or_404(organisation: Organisation, public_id: UUID) -> SharingAgreement:
    """One agreement the organisation is a side of; any other is not found."""
    agreement = agreements_of(organisation).filter(public_id=public_id).first()
    if agreement is None:
        raise Http404("No sharing agreement found.")
    return agreement


def grants_of(organisation: Organisation) -> QuerySet[AccessGrant]:
    """Honorary access given at this organisation, each annotated with `state`: revoked,
    expired, not-started or live."""
    now = timezone.now()
    return (
        AccessGrant.objects.filter(organisation=organisation)
        .select_related("user", "granted_by", "revoked_by")
        .annotate(
            state=Case(
                When(revoked_at__isnull=False, then=Value("revoked")),
                When(ends_at__lte=now, then=Value("expired")),
                When(starts_at__gt=now, then=Value("not-started")),
                default=Value("live"),
                output_field=CharField(),
            )
        )
        .order_by("-starts_at", "-id")
    )


def get_grant_of_or_404(organisation: Organisation, public_id: UUID) -> AccessGrant:
    grant = grants_of(organisation).filter(public_id=public_id).first()
    if grant is None:
        raise Http404("No access grant found.")
    return grant


def break_glass_for_review(organisation: Organisation) -> QuerySet[BreakGlass]:
    """Break-glass events on this practice's registered patients, pending first."""
    return (
        BreakGlass.objects.filter(patient__registered_practice=organisation)
        .select_related("user", "organisation", "patient", "reviewed_by")
        .annotate(
            pending_first=Case(
                When(review=BreakGlass.Review.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-started_at", "-id")
    )


def get_break_glass_for_review_or_404(organisation: Organisation, public_id: UUID) -> BreakGlass:
    """A break-glass event for the practice's IG lead to review; any other is not found."""
    event = break_glass_for_review(organisation).filter(public_id=public_id).first()
    if event is None:
        raise Http404("No break-glass event found.")
    return event


def break_glass_activity(event: BreakGlass) -> QuerySet[AuditEvent]:
    """What the user did with the patient's data while the glass was broken."""
    return AuditEvent.objects.filter(
        actor_id=event.user_id,
        patient_id=event.patient_id,
        occurred_at__gte=event.started_at,
        occurred_at__lte=event.expires_at,
    ).order_by("occurred_at", "id")


def relationships_for_review(organisation: Organisation) -> QuerySet[Relationship]:
    """Care relationships other organisations relied on to see this practice's registered
    patients, pending first."""
    return (
        Relationship.objects.filter(patient__registered_practice=organisation)
        .exclude(organisation=organisation)
        .select_related("user", "organisation", "patient", "reviewed_by")
        .annotate(
            pending_first=Case(
                When(review=Relationship.Review.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-started_at", "-id")
    )


def get_relationship_for_review_or_404(organisation: Organisation, public_id: UUID) -> Relationship:
    relationship = relationships_for_review(organisation).filter(public_id=public_id).first()
    if relationship is None:
        raise Http404("No care relationship found.")
    return relationship


def relationship_activity(relationship: Relationship) -> QuerySet[AuditEvent]:
    """What the organisation (or, for a claimed one, the person) did with the patient's data
    while the relationship lasted."""
    events = AuditEvent.objects.filter(
        Q(patient_id=relationship.patient_id)
        | Q(listed_patients__patient_id=relationship.patient_id),
        actor_organisation_ods=relationship.organisation.ods_code,
        occurred_at__gte=relationship.started_at,
        occurred_at__lte=relationship.expires_at,
    )
    if relationship.user_id is not None:
        events = events.filter(actor_id=relationship.user_id)
    return events.distinct().order_by("occurred_at", "id")


def open_alerts(organisation: Organisation, *, kinds=None, user=None) -> QuerySet[Alert]:
    """Open alerts at the organisation: those to everyone there, and those to `user`."""
    alerts = Alert.objects.filter(organisation=organisation, resolved_at__isnull=True)
    alerts = alerts.filter(Q(user__isnull=True) | Q(user=user) if user else Q(user__isnull=True))
    if kinds is not None:
        alerts = alerts.filter(kind__in=kinds)
    return alerts


# Which alerts each permission is for: break-glass reviews for the IG lead, agreement
# alerts for whoever manages agreements, write-back problems for whoever books (they act on
# them in the practice system problems list).
WRITE_BACK_ALERT_KINDS = frozenset({Alert.Kind.WRITE_BACK_CONFLICT, Alert.Kind.WRITE_BACK_FAILED})
ALERT_KINDS_BY_PERM: dict[Perm, frozenset[str]] = {
    Perm.REVIEW_ACCESS: frozenset({Alert.Kind.BREAK_GLASS, Alert.Kind.RELATIONSHIP}),
    Perm.MANAGE_AGREEMENTS: frozenset(
        {Alert.Kind.AGREEMENT_PROPOSED, Alert.Kind.AGREEMENT_EXPIRING}
    ),
    Perm.BOOK_FOR_PATIENTS: WRITE_BACK_ALERT_KINDS,
    Perm.USE_CARE_TRACKER: frozenset(
        {
            Alert.Kind.TASK_ASSIGNED,
            Alert.Kind.TASK_ESCALATED,
            Alert.Kind.REVIEW_DUE,
            Alert.Kind.PATIENT_CONTACT,
        }
    ),
}


def alerts_for(*, user, organisation: Organisation, kinds=None) -> QuerySet[Alert]:
    """The organisation's open alerts that this user's role can act on, to everyone there
    or to them by name (of `kinds` only, if given)."""
    held = org_permissions(user, organisation)
    allowed = set()
    for perm, perm_kinds in ALERT_KINDS_BY_PERM.items():
        if perm in held:
            allowed |= perm_kinds
    if kinds is not None:
        allowed &= set(kinds)
    return open_alerts(organisation, kinds=allowed, user=user)


@dataclass(frozen=True)
class AlertSummary:
    """How many open alerts, and the newest few, for a card or a warning on a page."""

    count: int
    newest: list[Alert]

    @property
    def more(self) -> int:
        return self.count - len(self.newest)


def alert_summary(*, user, organisation: Organisation, kinds=None, newest: int = 3) -> AlertSummary:
    """`alerts_for`, counted, with the newest `newest`: one query when there are few."""
    alerts = alerts_for(user=user, organisation=organisation, kinds=kinds)
    shown = list(alerts[:newest])
    count = len(shown) if len(shown) < newest else alerts.count()
    return AlertSummary(count=count, newest=shown)


def access_report(
    *,
    actor: Actor,
    patient: Patient | None = None,
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    outcome: str = "",
    nhs_number: str = "",
    patient_public_id=None,
) -> QuerySet[AuditEvent]:
    """Audit events about the acting practice's patients, or by its organisation's staff.
    Each is annotated `patient_shown`: whether the reader may see the event's patient (their
    own practice's, say); a patient of another practice is shown only by their practice.

    `nhs_number` filters on the event's patient without looking the patient up, so the
    report never says whether an NHS number exists elsewhere."""
    organisation = actor.membership.organisation
    events = AuditEvent.objects.filter(
        Q(patient__registered_practice=organisation)
        | Q(actor_organisation_ods=organisation.ods_code)
    )
    if patient is not None:
        events = events.filter(patient=patient)
    if nhs_number:
        events = events.filter(patient__nhs_number=nhs_number)
    if patient_public_id:
        events = events.filter(patient__public_id=patient_public_id)
    if username:
        events = events.filter(actor_username__iexact=username)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(
            occurred_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tz)
        )
    if date_to:
        events = events.filter(
            occurred_at__lt=datetime.datetime.combine(
                date_to + datetime.timedelta(days=1), datetime.time.min, tz
            )
        )
    if outcome:
        events = events.filter(outcome=outcome)
    readable = patients_for(actor, Purpose.VIEW_RECORD).filter(pk=OuterRef("patient_id"))
    return (
        events.annotate(patient_shown=Exists(readable))
        .select_related("patient__registered_practice")
        .order_by("-occurred_at", "-id")
    )


def who_viewed(patient: Patient) -> QuerySet[AuditEvent]:
    """The 'who viewed my record' list: allowed accesses to this patient, and the lists that
    showed them, newest first."""
    return (
        AuditEvent.objects.filter(
            Q(patient=patient) | Q(listed_patients__patient=patient),
            outcome=AuditEvent.Outcome.ALLOWED,
        )
        .distinct()
        .order_by("-occurred_at", "-id")
    )
