"""Practice staff manage their own organisation's sites, clinicians and staff, and no other's."""

import pytest
from django.urls import reverse

from governance.permissions import Perm, has_org_permission
from practices.models import Clinician, Membership, Site
from practices.roles import Role
from tests.factories import ClinicianFactory, SiteFactory, UserFactory, staff

SITE_DATA = {
    "name": "Evening clinic",
    "address_line_1": "2 Mill Street",
    "town": "Leeds",
    "postcode": "ls6 2ab",
    "is_active": "on",
}


def test_organisation_page_requires_sign_in(client, db):
    response = client.get(reverse("organisation:organisation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_practice_manager_sees_own_sites_clinicians_and_staff(
    client_for, practice_manager_a, practice_a, practice_b
):
    SiteFactory(organisation=practice_a, name="Main surgery")
    SiteFactory(organisation=practice_b, name="Somebody else's surgery")
    response = client_for(practice_manager_a).get(reverse("organisation:organisation"))
    assert response.status_code == 200
    assert b"Main surgery" in response.content
    assert b"Somebody else" not in response.content
    assert b"Add a member of staff" in response.content


def test_receptionist_sees_no_staff_list_and_cannot_add_sites(client_for, receptionist_practice_a):
    client = client_for(receptionist_practice_a)
    page = client.get(reverse("organisation:organisation"))
    assert b"Add a member of staff" not in page.content
    assert client.get(reverse("organisation:site_create")).status_code == 403
    assert client.post(reverse("organisation:site_create"), SITE_DATA).status_code == 403
    assert not Site.objects.filter(name="Evening clinic").exists()


def test_practice_manager_adds_a_site_with_a_normalised_postcode(
    client_for, practice_manager_a, practice_a
):
    response = client_for(practice_manager_a).post(reverse("organisation:site_create"), SITE_DATA)
    assert response.status_code == 302
    site = Site.objects.get(name="Evening clinic")
    assert site.organisation == practice_a
    assert site.postcode == "LS6 2AB"


def test_bad_postcode_is_shown_by_the_field_and_nothing_is_saved(client_for, practice_manager_a):
    response = client_for(practice_manager_a).post(
        reverse("organisation:site_create"), {**SITE_DATA, "postcode": "LS6"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a full UK postcode" in response.content
    assert b'href="#id_postcode"' in response.content
    assert not Site.objects.filter(name="Evening clinic").exists()


def test_manager_cannot_change_another_practices_site(client_for, practice_manager_a, practice_b):
    site = SiteFactory(organisation=practice_b, name="Kirkgate")
    url = reverse("organisation:site_edit", args=[site.public_id])
    client = client_for(practice_manager_a)
    assert client.get(url).status_code == 404
    assert client.post(url, {**SITE_DATA, "name": "Taken over"}).status_code == 404
    site.refresh_from_db()
    assert site.name == "Kirkgate"


def test_manager_changes_own_clinician(client_for, practice_manager_a, practice_a):
    clinician = ClinicianFactory(organisation=practice_a, family_name="Okafor")
    response = client_for(practice_manager_a).post(
        reverse("organisation:clinician_edit", args=[clinician.public_id]),
        {
            "given_name": "Amara",
            "family_name": "Okafor",
            "gender": "female",
            "job_role": Clinician.JobRole.SALARIED_GP,
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.job_role == Clinician.JobRole.SALARIED_GP
    assert clinician.is_active is False  # unticked box means they have left


def test_manager_cannot_change_another_practices_clinician(
    client_for, practice_manager_a, practice_b
):
    clinician = ClinicianFactory(organisation=practice_b)
    url = reverse("organisation:clinician_edit", args=[clinician.public_id])
    assert client_for(practice_manager_a).get(url).status_code == 404


def test_manager_adds_staff_who_can_then_act_for_the_practice(
    client_for, practice_manager_a, practice_a
):
    response = client_for(practice_manager_a).post(
        reverse("organisation:staff_add"),
        {
            "given_name": "Megan",
            "family_name": "Lister",
            "email": "megan@example.nhs.uk",
            "username": "megan.lister",
            "role": Role.PRACTICE_RECEPTIONIST,
            "password": "a-long-enough-password-42",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="megan.lister")
    assert membership.organisation == practice_a
    assert has_org_permission(membership.user, Perm.VIEW_REGISTERED_PATIENTS, practice_a)
    assert not has_org_permission(membership.user, Perm.MANAGE_STAFF, practice_a)


def test_staff_roles_must_fit_the_kind_of_organisation(client_for, practice_manager_a):
    response = client_for(practice_manager_a).post(
        reverse("organisation:staff_add"),
        {
            "given_name": "Hal",
            "family_name": "Hub",
            "email": "hal@example.nhs.uk",
            "username": "hal",
            "role": Role.HUB_MANAGER,
            "password": "a-long-enough-password-42",
        },
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Membership.objects.filter(user__username="hal").exists()


def test_weak_first_password_is_refused(client_for, practice_manager_a):
    response = client_for(practice_manager_a).post(
        reverse("organisation:staff_add"),
        {
            "given_name": "Wes",
            "family_name": "Weak",
            "email": "wes@example.nhs.uk",
            "username": "wes",
            "role": Role.PRACTICE_RECEPTIONIST,
            "password": "password",
        },
    )
    assert response.status_code == 200
    assert b"too short" in response.content


def test_ending_a_membership_refuses_the_very_next_request(
    client_for, practice_manager_a, practice_a
):
    leaver = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    leaver_client = client_for(leaver)
    assert leaver_client.get(reverse("patients:list")).status_code == 200
    membership = Membership.objects.get(user=leaver)
    response = client_for(practice_manager_a).post(
        reverse("organisation:staff_edit", args=[membership.public_id]), {"action": "end"}
    )
    assert response.status_code == 302
    assert leaver_client.get(reverse("patients:list")).status_code == 403
    assert not has_org_permission(leaver, Perm.VIEW_REGISTERED_PATIENTS, practice_a)


def test_managers_cannot_end_their_own_access(client_for, practice_manager_a):
    membership = Membership.objects.get(user=practice_manager_a)
    response = client_for(practice_manager_a).post(
        reverse("organisation:staff_edit", args=[membership.public_id]), {"action": "end"}
    )
    assert response.status_code == 200
    assert b"cannot end your own membership" in response.content
    membership.refresh_from_db()
    assert membership.is_active


def test_manager_cannot_see_another_practices_staff(
    client_for, practice_manager_a, practice_manager_b
):
    membership = Membership.objects.get(user=practice_manager_b)
    url = reverse("organisation:staff_edit", args=[membership.public_id])
    assert client_for(practice_manager_a).get(url).status_code == 404


def test_organisation_page_query_count_does_not_grow_with_rows(
    client_for, practice_manager_a, practice_a, django_assert_max_num_queries
):
    client = client_for(practice_manager_a)
    client.get(reverse("organisation:organisation"))  # warm the session

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("organisation:organisation")).status_code == 200
        return len(captured)

    few = count_queries()
    for _ in range(15):
        SiteFactory(organisation=practice_a)
        ClinicianFactory(organisation=practice_a)
        staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    assert count_queries() == few


@pytest.mark.parametrize("role", [Role.HUB_MANAGER, Role.HUB_RECEPTIONIST])
def test_hub_staff_see_the_member_practices(client_for, hub, practice_a, practice_b, role):
    user = staff(hub, role)
    response = client_for(user).get(reverse("organisation:organisation"))
    assert response.status_code == 200
    assert practice_a.name.encode() in response.content
    assert practice_b.name.encode() in response.content


def test_user_with_no_organisation_is_refused_staff_pages(client_for):
    user = UserFactory()
    assert client_for(user).get(reverse("organisation:organisation")).status_code == 403


def test_a_practice_manager_gives_the_list_size_and_the_date_it_was_counted(
    client_for, practice_manager_a, practice_a
):
    client = client_for(practice_manager_a)
    response = client.post(
        reverse("organisation:list_size"),
        {"patients": "8450", "on_day": "1", "on_month": "11", "on_year": "2026"},
    )
    assert response.status_code == 302
    practice_a.refresh_from_db()
    assert (practice_a.list_size, str(practice_a.list_size_on)) == (8450, "2026-11-01")
    page = client.get(reverse("organisation:organisation")).content.decode()
    assert "8450 (counted 1 November 2026)" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"patients": "", "on_day": "1", "on_month": "11", "on_year": "2026"}, "Enter the number"),
        ({"patients": "lots", "on_day": "1", "on_month": "11", "on_year": "2026"}, "whole number"),
        (
            {"patients": "9000000", "on_day": "1", "on_month": "11", "on_year": "2026"},
            "from 1 to 250,000",
        ),
        (
            {"patients": "8450", "on_day": "1", "on_month": "1", "on_year": "2099"},
            "today or in the past",
        ),
        ({"patients": "8450", "on_day": "", "on_month": "", "on_year": ""}, "Enter the date"),
    ],
)
def test_a_list_size_with_mistakes_says_what_to_fix_and_saves_nothing(
    client_for, practice_manager_a, practice_a, data, message
):
    response = client_for(practice_manager_a).post(reverse("organisation:list_size"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in page and message in page
    practice_a.refresh_from_db()
    assert practice_a.list_size is None


def test_only_a_practice_manager_of_a_practice_gives_a_list_size(
    client_for, receptionist_practice_a, hub_manager
):
    assert (
        client_for(receptionist_practice_a).get(reverse("organisation:list_size")).status_code
        == 403
    )
    assert client_for(hub_manager).get(reverse("organisation:list_size")).status_code == 404


def test_practice_manager_links_a_member_of_staff_to_their_cis2_identity(
    client_for, practice_manager_a, receptionist_practice_a, practice_a, settings
):
    settings.CIS2_ENABLED = True
    membership = Membership.objects.get(user=receptionist_practice_a, organisation=practice_a)
    url = reverse("organisation:staff_edit", args=[membership.public_id])
    client = client_for(practice_manager_a)
    assert b"CIS2 UUID" in client.get(url).content
    wrong = client.post(url, {"action": "cis2", "cis2_uid": "555 000"})
    assert wrong.status_code == 200 and b"nhsuk-error-summary" in wrong.content
    response = client.post(url, {"action": "cis2", "cis2_uid": "555000000202"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.cis2_uid == "555000000202"
    assert membership.role == Role.PRACTICE_RECEPTIONIST  # the role form was not touched


def test_without_cis2_the_staff_page_has_no_cis2_uuid(
    client_for, practice_manager_a, receptionist_practice_a, practice_a, settings
):
    settings.CIS2_ENABLED = False
    membership = Membership.objects.get(user=receptionist_practice_a, organisation=practice_a)
    url = reverse("organisation:staff_edit", args=[membership.public_id])
    client = client_for(practice_manager_a)
    assert b"CIS2 UUID" not in client.get(url).content
    client.post(url, {"action": "cis2", "cis2_uid": "555000000202"})
    membership.refresh_from_db()
    assert membership.cis2_uid == ""
