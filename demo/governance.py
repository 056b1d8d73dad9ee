"""The demo hub's information governance: who shares with whom, patients' consent, an
honorary contract, break-glass events to review, and an audit trail to report on."""

import datetime
import random

from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from demo.hub import demo_password
from governance import break_glass, grants, sharing
from governance.access import Purpose, decide
from governance.actions import Action
from governance.audit import Actor
from governance.models import BreakGlass, Consent, Scope, SharingAgreement
from patients.models import Patient
from practices.models import Membership, Organisation
from practices.roles import Role

HUB = "U99001"
NO_AGREEMENT_WITH_HUB = "A99006"  # Westfield Road Surgery has not signed up yet
URGENT_CARE = ("RZZ01", "NZZ01", "NZZ02")
# Who shares care-tracker records (with the patient's consent): the care home, community
# nursing, the hub's care co-ordinators, A&E and out of hours (for escalation plans).
CARE_TRACKER_PARTNERS = ("VZZ01", "RZZ02", HUB, "RZZ01", "NZZ01")
CARE_TRACKER_PRACTICES = ("A99001", "A99003")
EXPIRING = ("A99005", "NZZ01", Scope.RECORD_VIEW)  # ends within the reminder window


def _actor(user, organisation: Organisation) -> Actor:
    membership = Membership.objects.get(user=user, organisation=organisation)
    return Actor(user=user, membership=membership, request_id="demo")


def _agree(
    practice: Organisation, partner: Organisation, scope: str, admin, *, days: int = 365
) -> SharingAgreement:
    today = timezone.localdate()
    return SharingAgreement.objects.create(
        practice=practice,
        partner=partner,
        scope=scope,
        status=SharingAgreement.Status.ACTIVE,
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today + datetime.timedelta(days=days),
        proposed_by=admin,
        proposed_by_organisation=partner,
        decided_by=admin,
        decided_at=timezone.now(),
    )


def load_governance(
    organisations: dict[str, Organisation], users: dict, admin, rng: random.Random
) -> None:
    hub = organisations[HUB]
    practices = [org for org in organisations.values() if org.is_practice]
    for practice in practices:
        if practice.ods_code != NO_AGREEMENT_WITH_HUB:
            _agree(practice, hub, Scope.BOOKING, admin)
            for code in URGENT_CARE:
                _agree(practice, organisations[code], Scope.BOOKING, admin)
                days = 20 if (practice.ods_code, code, Scope.RECORD_VIEW) == EXPIRING else 365
                _agree(practice, organisations[code], Scope.RECORD_VIEW, admin, days=days)
        if practice.ods_code in CARE_TRACKER_PRACTICES:
            for code in CARE_TRACKER_PARTNERS:
                _agree(practice, organisations[code], Scope.CARE_TRACKER, admin)

    # The hub has asked Westfield Road to join; the practice has not answered yet.
    sharing.propose_agreement(
        by=_actor(users["hub.manager"], hub),
        practice=organisations[NO_AGREEMENT_WITH_HUB],
        partner=hub,
        scope=Scope.BOOKING,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    sharing.send_agreement_reminders()

    _record_consents(practices, admin, rng)
    _grant_locum(organisations, users)
    _break_glass(organisations, users)
    _day_of_work(organisations, users)


def _record_consents(practices: list[Organisation], admin, rng: random.Random) -> None:
    now = timezone.now()
    consents = []
    for patient in Patient.objects.filter(registered_practice__in=practices, is_sensitive=False):
        roll = rng.random()
        state = (
            Consent.State.GIVEN if roll < 0.65 else Consent.State.REFUSED if roll < 0.70 else None
        )
        when = now - datetime.timedelta(days=rng.randrange(5, 400))
        if state:
            consents.append(
                Consent(
                    patient=patient,
                    scope=Consent.Scope.SHARE_RECORD,
                    state=state,
                    method=rng.choice(Consent.Method.values),
                    recorded_by=admin,
                    recorded_by_organisation=patient.registered_practice,
                    recorded_at=when,
                )
            )
        if state == Consent.State.GIVEN and rng.random() < 0.04:
            consents.append(
                Consent(
                    patient=patient,
                    scope=Consent.Scope.SHARE_RECORD,
                    state=Consent.State.WITHDRAWN,
                    method=Consent.Method.WRITTEN,
                    recorded_by=admin,
                    recorded_by_organisation=patient.registered_practice,
                    recorded_at=when + datetime.timedelta(days=3),
                )
            )
        if patient.registered_practice.ods_code in CARE_TRACKER_PRACTICES and rng.random() < 0.12:
            consents.append(
                Consent(
                    patient=patient,
                    scope=Consent.Scope.CARE_TRACKER,
                    state=Consent.State.GIVEN,
                    method=Consent.Method.WRITTEN,
                    recorded_by=admin,
                    recorded_by_organisation=patient.registered_practice,
                    recorded_at=when,
                )
            )
    Consent.objects.bulk_create(consents)


def _grant_locum(organisations: dict[str, Organisation], users: dict) -> None:
    """Riverside's IG lead gives a locum GP a two-week honorary contract."""
    riverside = organisations["A99001"]
    now = timezone.now()
    grants.grant_access(
        by=_actor(users["ig.lead"], riverside),
        user=users["locum.gp"],
        role=Role.CLINICIAN,
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=12),
        reason="Locum cover for evening surgeries while Dr Hesketh is on leave",
    )


def _break_glass(organisations: dict[str, Organisation], users: dict) -> None:
    """A&E broke glass twice for Riverside patients who had not consented to sharing."""
    ae = users["ae.clinician"]
    actor = _actor(ae, organisations["RZZ01"])
    without_consent = (
        Patient.objects.filter(registered_practice=organisations["A99001"], is_sensitive=False)
        .exclude(consents__state=Consent.State.GIVEN)
        .order_by("nhs_number")[:2]
    )
    # As if from the A&E department's desk: the step-up goes through the sign-in throttle.
    desk = HttpRequest()
    desk.META["REMOTE_ADDR"] = "127.0.0.1"
    for days_ago, patient in zip((1, 9), without_consent, strict=True):
        event = break_glass.break_glass(
            by=actor,
            request=desk,
            nhs_number=patient.nhs_number,
            password=demo_password(),
            reason_code="emergency-care",
            reason="Brought in by ambulance, confused, no history available",
        )
        shift = datetime.timedelta(days=days_ago)
        BreakGlass.objects.filter(pk=event.pk).update(
            started_at=F("started_at") - shift, expires_at=F("expires_at") - shift
        )
    reviewed = BreakGlass.objects.order_by("started_at").first()
    break_glass.review_break_glass(
        by=_actor(users["ig.lead"], organisations["A99001"]),
        event=reviewed,
        outcome=BreakGlass.Review.APPROPRIATE,
        note="Confirmed with the A&E consultant: patient unable to give history.",
    )


def _day_of_work(organisations: dict[str, Organisation], users: dict) -> None:
    """Some ordinary lookups, so the access report has something to show."""
    hub = _actor(users["hub.reception"], organisations[HUB])
    ae = _actor(users["ae.clinician"], organisations["RZZ01"])
    riverside = _actor(users["practice.manager"], organisations["A99001"])
    sample = Patient.objects.filter(is_sensitive=False).order_by("nhs_number")[:40]
    for index, patient in enumerate(sample):
        decide(hub, patient, Purpose.BOOK, action=Action.PATIENT_FIND)
        if index % 3 == 0:
            decide(ae, patient, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)
        if index % 5 == 0:
            decide(riverside, patient, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)
