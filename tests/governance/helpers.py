"""Small builders for governance tests."""

import datetime

from django.db import connection
from django.utils import timezone

from governance.audit import Actor
from governance.models import Consent, SharingAgreement
from practices.models import Membership


def actor_for(user, organisation=None) -> Actor:
    memberships = Membership.objects.live().filter(user=user).select_related("organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return Actor(user=user, membership=memberships.first(), request_id="test")


def agreement(practice, partner, scope, *, by, status=SharingAgreement.Status.ACTIVE, days=365):
    today = timezone.localdate()
    return SharingAgreement.objects.create(
        practice=practice,
        partner=partner,
        scope=scope,
        status=status,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=days),
        proposed_by=by,
        proposed_by_organisation=practice,
        decided_by=by if status != SharingAgreement.Status.PROPOSED else None,
        decided_at=timezone.now() if status != SharingAgreement.Status.PROPOSED else None,
    )


def consent(patient, scope, state, *, by, minutes_ago=0):
    return Consent.objects.create(
        patient=patient,
        scope=scope,
        state=state,
        method=Consent.Method.VERBAL,
        recorded_by=by,
        recorded_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def as_superuser_bypassing_triggers(sql: str, params: list) -> None:
    """What an attacker with the database superuser could do: switch triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def renew(current: SharingAgreement, *, by, days: int = 365) -> SharingAgreement:
    """Propose the agreement that follows `current`, from the day after it ends."""
    from governance import sharing

    return sharing.propose_agreement(
        by=actor_for(by),
        practice=current.practice,
        partner=current.partner,
        scope=current.scope,
        starts_on=current.ends_on + datetime.timedelta(days=1),
        ends_on=current.ends_on + datetime.timedelta(days=days),
    )
