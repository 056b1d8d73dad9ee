"""Who may sign in with CIS2 as a member of staff: linked by whoever manages the
organisation's staff (or by the command), one person per CIS2 UUID, audited."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from governance.actions import Action
from governance.models import AuditEvent
from governance.staff import link_cis2_identity
from practices.models import Membership
from practices.roles import Role
from tests.factories import PracticeFactory, staff
from tests.governance.helpers import actor_for


def test_a_practice_manager_links_a_member_of_staff_and_it_is_audited(
    practice_manager_a, clinician_a, practice_a
):
    membership = Membership.objects.get(user=clinician_a, organisation=practice_a)
    link_cis2_identity(
        by=actor_for(practice_manager_a), membership=membership, uid=" 555000000101 "
    )
    membership.refresh_from_db()
    assert membership.cis2_uid == "555000000101"
    event = AuditEvent.objects.get(action=Action.CIS2_LINK)
    assert event.actor == practice_manager_a
    assert event.actor_organisation_ods == practice_a.ods_code
    assert event.object_id == str(membership.public_id)
    assert event.reason == "cis2: linked 555000000101"


def test_one_cis2_uuid_belongs_to_one_person(practice_manager_a, clinician_a, practice_a):
    other = staff(PracticeFactory(), Role.CLINICIAN)
    Membership.objects.filter(user=other).update(cis2_uid="555000000101")
    membership = Membership.objects.get(user=clinician_a, organisation=practice_a)
    with pytest.raises(ValidationError, match="belongs to someone else"):
        link_cis2_identity(
            by=actor_for(practice_manager_a), membership=membership, uid="555000000101"
        )
    with pytest.raises(ValidationError, match="letters and numbers"):
        link_cis2_identity(by=actor_for(practice_manager_a), membership=membership, uid="55 5")
    assert not AuditEvent.objects.filter(action=Action.CIS2_LINK).exists()


def test_the_same_person_may_be_linked_at_each_of_their_organisations(clinician_a, practice_a):
    elsewhere = PracticeFactory()
    staff_there = Membership.objects.create(
        user=clinician_a, organisation=elsewhere, role=Role.CLINICIAN, cis2_uid="555000000101"
    )
    here = Membership.objects.get(user=clinician_a, organisation=practice_a)
    link_cis2_identity(by=actor_for(clinician_a), membership=here, uid="555000000101")
    assert {here.cis2_uid, staff_there.cis2_uid} == {"555000000101"}


def test_the_command_links_and_unlinks(clinician_a, practice_a, capsys):
    call_command(
        "link_cis2_identity", user=clinician_a.username, ods=practice_a.ods_code, uid="555000000101"
    )
    membership = Membership.objects.get(user=clinician_a, organisation=practice_a)
    assert membership.cis2_uid == "555000000101"
    assert "can sign in with CIS2 (555000000101)" in capsys.readouterr().out
    call_command(
        "link_cis2_identity", user=clinician_a.username, ods=practice_a.ods_code, remove=True
    )
    membership.refresh_from_db()
    assert membership.cis2_uid == ""
    reasons = list(
        AuditEvent.objects.filter(action=Action.CIS2_LINK)
        .order_by("occurred_at")
        .values_list("reason", flat=True)
    )
    assert reasons == ["cis2: linked 555000000101", "cis2: unlinked"]


def test_the_command_refuses_someone_with_no_membership_there(clinician_a, practice_b):
    with pytest.raises(CommandError, match="has no membership"):
        call_command(
            "link_cis2_identity", user=clinician_a.username, ods=practice_b.ods_code, uid="5550"
        )
