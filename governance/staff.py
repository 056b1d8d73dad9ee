"""Who works where, in what role: staff memberships and the object permissions that follow
them (governance.permissions keeps the two in step)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.cis2 import UID_PATTERN
from governance.permissions import sync_membership_permissions
from practices.models import ROLES_BY_KIND, Membership, Organisation

User = get_user_model()


def _check_role_fits(organisation: Organisation, role: str) -> None:
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationError({"role": "That role does not exist at this kind of organisation."})


@transaction.atomic
def grant_membership(*, by, user, organisation: Organisation, role: str) -> Membership:
    """Give `user` a role at `organisation`, or change it; their permissions follow at once."""
    _check_role_fits(organisation, role)
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "is_active": True}
    )
    sync_membership_permissions(user=user, organisation=organisation, role=role)
    return membership


@transaction.atomic
def add_staff_member(
    *,
    by,
    organisation: Organisation,
    username: str,
    given_name: str,
    family_name: str,
    email: str,
    role: str,
    password: str,
) -> Membership:
    """Create a sign-in for a new member of staff and give them a role here."""
    _check_role_fits(organisation, role)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken. Choose another."})
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=given_name,
        last_name=family_name,
    )
    return grant_membership(by=by, user=user, organisation=organisation, role=role)


@transaction.atomic
def change_staff_role(*, by, membership: Membership, role: str) -> Membership:
    return grant_membership(
        by=by, user=membership.user, organisation=membership.organisation, role=role
    )


@transaction.atomic
def end_membership(*, by, membership: Membership) -> Membership:
    """The user stops working here; their access ends with their next request."""
    if membership.user_id == by.pk:
        raise ValidationError("You cannot end your own membership. Ask another manager.")
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    sync_membership_permissions(
        user=membership.user, organisation=membership.organisation, role=None
    )
    return membership


@transaction.atomic
def link_cis2_identity(*, by: Actor, membership: Membership, uid: str) -> Membership:
    """Let the person with this CIS2 UUID sign in with CIS2 as `membership` (blank: no one).
    Whoever manages the organisation's staff decides it, for their organisation alone."""
    uid = uid.strip()
    if uid and not UID_PATTERN.match(uid):
        raise ValidationError(
            {"cis2_uid": "Enter the CIS2 UUID as CIS2 shows it, in letters and numbers."}
        )
    if uid and Membership.objects.filter(cis2_uid=uid).exclude(user=membership.user).exists():
        raise ValidationError(
            {"cis2_uid": "This CIS2 UUID belongs to someone else in Hub Diary. Check the number."}
        )
    membership.cis2_uid = uid
    membership.save(update_fields=["cis2_uid", "updated_at"])
    record_event(
        actor=by,
        action=Action.CIS2_LINK,
        obj=membership,
        reason=f"cis2: linked {uid}" if uid else "cis2: unlinked",
    )
    return membership
