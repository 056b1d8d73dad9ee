"""The rules of access, each written twice side by side: as a check on one patient (for the
decision) and as a filter on many (for lists), so that a page can never list a patient the
decision would refuse. A property test holds the two forms equal.

Bases, in order: staff of the patient's registered practice (or an honorary contract there);
an active sharing agreement covering the purpose, with the patient's consent where the
purpose needs it; a care relationship (the patient is booked with us), or one claimed with
a reason; a place on the patient's care team, with their consent; a live break-glass.
Sensitive (S-flag) records never leave their practice. A patient online has their own
record, and only theirs.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery
from django.db.models.lookups import Exact
from django.utils import timezone

from governance.access.purposes import PURPOSES, Basis, Decision, PurposeRule, refused
from governance.access.sources import SOURCES, TEAMS, RelationshipSource
from governance.agreements import active_agreements, has_active_agreement
from governance.audit import Actor
from governance.models import BreakGlass, Consent, Relationship
from patients.models import Patient
from practices.models import Organisation


@dataclass(frozen=True)
class Seeker:
    """Who is asking: an actor acting for an organisation, with their role's permissions
    there, at one moment."""

    actor: Actor
    organisation: Organisation
    honorary: bool  # acting through an honorary contract (a membership with an end)
    now: datetime.datetime

    @classmethod
    def of(cls, actor: Actor) -> "Seeker | None":
        membership = actor.membership
        if actor.user is None or membership is None:
            return None
        return cls(actor, membership.organisation, membership.ends_at is not None, timezone.now())

    def may(self, rule: PurposeRule) -> bool:
        return rule.perm in self.actor.permissions


@dataclass(frozen=True)
class Grounds:
    """An allowed access, with the care relationship it rests on, if it rests on one."""

    decision: Decision
    source: RelationshipSource | None = None
    reference: uuid.UUID | None = None


# One patient -------------------------------------------------------------------------------


def evaluate(seeker: Seeker | None, patient: Patient, purpose: str) -> Grounds:
    """The decision for one patient, without its audit event (the door writes that)."""
    if seeker is None:
        return Grounds(refused("not acting for an organisation"))
    rule = PURPOSES[purpose]
    if not seeker.may(rule):
        return Grounds(refused("role does not allow this purpose"))
    if seeker.organisation.pk == patient.registered_practice_id:
        basis = Basis.ACCESS_GRANT if seeker.honorary else Basis.REGISTERED_PRACTICE
        return Grounds(Decision(True, basis, "registered practice"))
    if patient.is_sensitive:
        return Grounds(refused("sensitive record: registered practice only"))
    if rule.scope is not None and has_active_agreement(
        practice_id=patient.registered_practice_id, partner=seeker.organisation, scope=rule.scope
    ):
        if rule.consent is None:
            return Grounds(Decision(True, Basis.SHARING_AGREEMENT, "sharing agreement"))
        if _consented(patient, rule.consent):
            return Grounds(Decision(True, Basis.SHARING_AGREEMENT, "sharing agreement and consent"))
    if rule.relationships:
        for source in SOURCES:
            reference = source.references(seeker.organisation, [patient.pk], seeker.now).get(
                patient.pk
            )
            if reference is not None:
                decision = Decision(True, Basis.CARE_RELATIONSHIP, source.reason)
                return Grounds(decision, source, reference)
        if _claimed(seeker).filter(patient=patient).exists():
            return Grounds(Decision(True, Basis.SELF_CLAIMED, "claimed care relationship"))
    on_team = rule.team and any(
        patient.pk in team.members(seeker.organisation, [patient.pk]) for team in TEAMS
    )
    if on_team and (rule.consent is None or _consented(patient, rule.consent)):
        return Grounds(Decision(True, Basis.CARE_TEAM, "care team"))
    if _broken_glass(seeker).filter(patient=patient).exists():
        return Grounds(Decision(True, Basis.BREAK_GLASS, "break-glass"))
    return Grounds(refused("no basis for access"))


def _consented(patient: Patient, scope: str) -> bool:
    latest = Consent.objects.filter(patient=patient, scope=scope).first()  # newest first
    return latest is not None and latest.state == Consent.State.GIVEN


def _claimed(seeker: Seeker):
    return Relationship.objects.filter(
        kind=Relationship.Kind.SELF_CLAIMED,
        user=seeker.actor.user,
        organisation=seeker.organisation,
        started_at__lte=seeker.now,
        expires_at__gt=seeker.now,
    )


def _broken_glass(seeker: Seeker):
    return BreakGlass.objects.filter(
        user=seeker.actor.user, started_at__lte=seeker.now, expires_at__gt=seeker.now
    )


# The patient themself ---------------------------------------------------------------------
# A patient online sees and books for their own record, whatever the purpose, and no other.


def evaluate_own(actor: Actor, patient: Patient) -> Grounds:
    """`evaluate` for a patient acting for themselves."""
    if actor.patient is not None and patient.pk == actor.patient.pk:
        return Grounds(Decision(True, Basis.THE_PATIENT, "the patient's own record"))
    return Grounds(refused("another patient's record"))


def allowed_own(actor: Actor, via: str = "") -> Q:
    """`evaluate_own` as a filter."""
    return Q(**{f"{via}pk": actor.patient.pk})


# Many patients -----------------------------------------------------------------------------


def allowed(seeker: Seeker | None, purpose: str, via: str = "") -> Q | None:
    """`evaluate` as a filter: the rows whose patient (reached through `via`, like
    "patient__", or "" on patients themselves) the seeker may see for `purpose`. None when
    they may see none."""
    if seeker is None:
        return None
    rule = PURPOSES[purpose]
    if not seeker.may(rule):
        return None
    own = Q(**{f"{via}registered_practice": seeker.organisation.pk})
    elsewhere = Q(pk__in=[])
    if rule.scope is not None:
        agreed = Q(
            **{
                f"{via}registered_practice__in": active_agreements(
                    partner=seeker.organisation, scope=rule.scope
                ).values("practice")
            }
        )
        if rule.consent is not None:
            agreed &= _consent_given(rule.consent, via)
        elsewhere |= agreed
    if rule.relationships:
        for source in SOURCES:
            elsewhere |= Q(**{f"{via}pk__in": source.patients(seeker.organisation, seeker.now)})
        elsewhere |= Q(**{f"{via}pk__in": _claimed(seeker).values("patient")})
    if rule.team:
        for team in TEAMS:
            on_team = Q(**{f"{via}pk__in": team.patients(seeker.organisation)})
            if rule.consent is not None:
                on_team &= _consent_given(rule.consent, via)
            elsewhere |= on_team
    elsewhere |= Q(**{f"{via}pk__in": _broken_glass(seeker).values("patient")})
    return own | (Q(**{f"{via}is_sensitive": False}) & elsewhere)


def _consent_given(scope: str, via: str) -> Q:
    """The patient's latest word on `scope` is "given"."""
    latest = (
        Consent.objects.filter(patient=OuterRef(f"{via}pk"), scope=scope)
        .order_by("-recorded_at", "-id")
        .values("state")[:1]
    )
    return Q(Exact(Subquery(latest), Consent.State.GIVEN))


def relationships_relied_on(
    seeker: Seeker | None, purpose: str, patients: list[Patient]
) -> list[tuple[RelationshipSource, dict[int, uuid.UUID]]]:
    """Of these patients (a page of a list the seeker may see), the ones whose access rests on
    a care relationship, by source: those registered elsewhere whom no agreement (with
    consent, where needed) covers. Queries per page, not per patient."""
    if seeker is None or not PURPOSES[purpose].relationships:
        return []
    rule = PURPOSES[purpose]
    others = [
        p
        for p in patients
        if p.registered_practice_id != seeker.organisation.pk and not p.is_sensitive
    ]
    if others and rule.scope is not None:
        agreed = set(
            active_agreements(partner=seeker.organisation, scope=rule.scope).values_list(
                "practice", flat=True
            )
        )
        covered = {p.pk for p in others if p.registered_practice_id in agreed}
        if covered and rule.consent is not None:
            covered = set(
                Patient.objects.filter(
                    _consent_given(rule.consent, ""), pk__in=covered
                ).values_list("pk", flat=True)
            )
        others = [p for p in others if p.pk not in covered]
    remaining = {p.pk for p in others}
    found = []
    for source in SOURCES:
        if not remaining:
            break
        references = source.references(seeker.organisation, remaining, seeker.now)
        found.append((source, references))
        remaining -= references.keys()
    return found
