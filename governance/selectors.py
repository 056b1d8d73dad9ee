"""Reads for information governance: consent, agreements, grants, break-glass, access."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import (
    AccessGrant,
    Alert,
    AuditEvent,
    BreakGlass,
    Consent,
    SharingAgreement,
)
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
    return (
        SharingAgreement.objects.filter(Q(practice=organisation) | Q(partner=organisation))
        .select_related("practice", "partner", "proposed_by_organisation")
        .order_by("status", "-starts_on")
    )


def grants_of(organisation: Organisation) -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(organisation=organisation)
        .select_related("user", "granted_by")
        .order_by("-starts_at")
    )


def break_glass_for_review(organisation: Organisation) -> QuerySet[BreakGlass]:
    """Break-glass events on this practice's registered patients, pending first."""
    return (
        BreakGlass.objects.filter(patient__registered_practice=organisation)
        .select_related("user", "organisation", "patient", "reviewed_by")
        .order_by("-review", "-started_at")
    )


def open_alerts(organisation: Organisation) -> QuerySet[Alert]:
    return Alert.objects.filter(organisation=organisation, resolved_at__isnull=True)


def access_report(
    *,
    organisation: Organisation,
    patient: Patient | None = None,
    username: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    outcome: str = "",
) -> QuerySet[AuditEvent]:
    """Audit events about this practice's patients, or by this organisation's staff."""
    events = AuditEvent.objects.filter(
        Q(patient__registered_practice=organisation)
        | Q(actor_organisation_ods=organisation.ods_code)
    )
    if patient is not None:
        events = events.filter(patient=patient)
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
    return events.select_related("patient").order_by("-sequence")


def who_viewed(patient: Patient) -> QuerySet[AuditEvent]:
    """The 'who viewed my record' list: allowed accesses to this patient, by organisation."""
    return AuditEvent.objects.filter(patient=patient, outcome=AuditEvent.Outcome.ALLOWED).order_by(
        "-sequence"
    )
