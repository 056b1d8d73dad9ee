"""Honorary access: a named person given a role at an organisation for a bounded time, and
the job that tidies up after it ends."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import (
    AccessGrant,
)
from governance.permissions import Perm, has_org_permission, sync_membership_permissions
from practices.models import ROLES_BY_KIND, Membership, Organisation


def _require(actor: Actor, perm: Perm) -> Organisation:
    """The acting organisation, if the actor's role there holds `perm`."""
    organisation = actor.membership.organisation if actor.membership else None
    if not has_org_permission(actor.user, perm, organisation):
        raise PermissionDenied("Your role does not allow this.")
    return organisation


# Honorary access -------------------------------------------------------------------------


@transaction.atomic
def grant_access(
    *,
    by: Actor,
    user,
    role: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
) -> AccessGrant:
    """Give a named user a role at the granting organisation between two times."""
    organisation = _require(by, Perm.GRANT_ACCESS)
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationError({"role": "That role does not exist at this kind of organisation."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": "The end must be in the future."})
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing and existing.is_active and existing.ends_at is None:
        raise ValidationError({"user": "They already work here; change their role instead."})
    if existing and existing.is_active and existing.ends_at and existing.ends_at > timezone.now():
        # One grant per membership at a time, so revoking one never cuts another short.
        raise ValidationError(
            {
                "user": "They already have honorary access here until "
                f"{timezone.localtime(existing.ends_at):%-d %B %Y %H:%M}. "
                "Revoke it before giving new access."
            }
        )
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": role, "is_active": True, "starts_at": starts_at, "ends_at": ends_at},
    )
    sync_membership_permissions(user=user, organisation=organisation, role=role)
    grant = AccessGrant.objects.create(
        membership=membership,
        user=user,
        organisation=organisation,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        granted_by=by.user,
    )
    record_event(actor=by, action=Action.GRANT_CREATE, obj=grant, reason=role)
    return grant


@transaction.atomic
def revoke_access_grant(*, by: Actor, grant: AccessGrant) -> AccessGrant:
    organisation = _require(by, Perm.GRANT_ACCESS)
    if grant.organisation_id != organisation.pk:
        raise PermissionDenied("This grant is not your organisation's.")
    if grant.revoked_at is not None:
        raise ValidationError("This grant has already been revoked.")
    now = timezone.now()
    grant.revoked_by, grant.revoked_at = by.user, now
    grant.save()
    membership = grant.membership
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    sync_membership_permissions(user=grant.user, organisation=organisation, role=None)
    record_event(actor=by, action=Action.GRANT_REVOKE, obj=grant)
    return grant


def expire_access_grants(*, now: datetime.datetime | None = None) -> int:
    """Tidy the permissions of memberships whose dates have passed. Access already stops at
    `ends_at` without this (every check reads the dates); this keeps the tables honest.

    Each membership is locked and checked again before it is changed, so two runs at once
    expire it once, and one given new dates since the list was read is left alone."""
    now = now or timezone.now()
    due = list(
        Membership.objects.filter(is_active=True, ends_at__lte=now).values_list("pk", flat=True)
    )
    count = 0
    for pk in due:
        with transaction.atomic():
            membership = (
                Membership.objects.select_for_update(of=("self",))
                .select_related("user", "organisation")
                .filter(pk=pk, is_active=True, ends_at__lte=now)
                .first()
            )
            if membership is None:
                continue
            membership.is_active = False
            membership.save(update_fields=["is_active", "updated_at"])
            sync_membership_permissions(
                user=membership.user, organisation=membership.organisation, role=None
            )
        count += 1
    return count
