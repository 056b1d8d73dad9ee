"""Which membership a CIS2 identity signs in as (ADR 0009), and the audit of every sign-in
and every refusal.

A CIS2 identity signs in only as a live membership its organisation has linked to that CIS2
UUID (`Membership.cis2_uid`), and only at an organisation one of the person's role profiles
is for: the role profile CIS2 says they selected, or, if none, the one they choose among
those that match. No one is ever made a member of staff by signing in.
"""

from dataclasses import dataclass, replace

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.cis2 import Cis2Identity, RoleProfile
from governance.models import AuditEvent
from practices.models import Membership


class SignInRefused(Exception):
    """Signing in with CIS2 was refused; the message is safe to show, and says what to do."""


@dataclass(frozen=True)
class Candidate:
    """A membership the person may sign in as, through one of their role profiles."""

    membership: Membership
    profile: RoleProfile


_NOT_LINKED = (
    "Your CIS2 identity is not linked to anyone in Hub Diary. Ask whoever manages staff at "
    "your organisation to add your CIS2 UUID ({uid}) to your Hub Diary account."
)
_NOT_STRONG = (
    "Hub Diary needs you to sign in with your smartcard, or another authenticator at the "
    "same level (CIS2 assurance level 3). Sign in again with it."
)
_NO_MEMBERSHIP = (
    "You do not work for {where} in Hub Diary. Ask whoever manages staff there to add you, "
    "or sign in again and choose another role."
)
_NO_ROLE_PROFILE = "CIS2 gave no role for you. Ask your Registration Authority to give you one."


def candidates_for(*, identity: Cis2Identity, actor: Actor) -> list[Candidate]:
    """The memberships the identity may sign in as, one per matching role profile (the
    selected one only, if CIS2 says one was selected). Refusals are audited, then raised."""
    # Not yet anyone in Hub Diary: the events name the CIS2 identity.
    stranger = replace(actor, name=f"CIS2 user {identity.uid}")
    if not identity.strong_enough:
        level = identity.assurance_level or "none"
        _refuse(stranger, f"cis2: assurance level {level}", _NOT_STRONG)
    memberships = {
        m.organisation.ods_code.upper(): m
        for m in Membership.objects.live()
        .filter(cis2_uid=identity.uid, user__is_active=True)
        .select_related("organisation", "user")
    }
    if not memberships:
        _refuse(stranger, "cis2: unknown identity", _NOT_LINKED.format(uid=identity.uid))
    person = Actor(
        user=next(iter(memberships.values())).user,
        request_id=actor.request_id,
        client_address=actor.client_address,
    )
    profiles = identity.role_profiles
    if identity.selected_role_id:
        profiles = tuple(p for p in profiles if p.role_id == identity.selected_role_id)
    if not profiles:
        _refuse(person, "cis2: no role profile", _NO_ROLE_PROFILE)
    candidates = [
        Candidate(memberships[p.org_code], p) for p in profiles if p.org_code in memberships
    ]
    if not candidates:
        codes = ", ".join(sorted({p.org_code for p in profiles}))
        where = (
            f"the organisation with ODS code {codes}"
            if len(profiles) == 1
            else f"any of the organisations with ODS codes {codes}"
        )
        _refuse(person, f"cis2: no membership at {codes}", _NO_MEMBERSHIP.format(where=where))
    return candidates


def record_sign_in(*, candidate: Candidate, actor: Actor) -> None:
    """The person signed in as the candidate's membership, through its role profile."""
    profile = candidate.profile
    record_event(
        actor=Actor(
            user=candidate.membership.user,
            membership=candidate.membership,
            request_id=actor.request_id,
            client_address=actor.client_address,
        ),
        action=Action.STAFF_SIGN_IN,
        obj=candidate.membership,
        reason=f"cis2: role profile {profile.role_id} {profile.role_code}",
    )


def _refuse(actor: Actor, reason: str, message: str) -> None:
    record_event(
        actor=actor,
        action=Action.STAFF_SIGN_IN_REFUSED,
        outcome=AuditEvent.Outcome.DENIED,
        reason=reason,
    )
    raise SignInRefused(message)
