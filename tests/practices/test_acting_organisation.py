"""Users with several memberships choose one organisation to act for; it is re-checked
on every request."""

from django.urls import reverse

from governance.staff import end_membership
from practices.models import Membership
from practices.roles import Role
from tests.factories import MembershipFactory, PatientFactory, staff


def test_user_with_two_organisations_is_asked_to_choose(client_for, practice_a, practice_b):
    user = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    MembershipFactory(user=user, organisation=practice_b, role=Role.PRACTICE_RECEPTIONIST)
    client = client_for(user)
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("choose_organisation"))
    page = client.get(reverse("choose_organisation"))
    assert practice_a.name.encode() in page.content and practice_b.name.encode() in page.content


def test_choosing_an_organisation_scopes_every_page_to_it(client_for, practice_a, practice_b):
    user = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    MembershipFactory(user=user, organisation=practice_b, role=Role.PRACTICE_RECEPTIONIST)
    PatientFactory(registered_practice=practice_a, family_name="Alpha")
    PatientFactory(registered_practice=practice_b, family_name="Bravo")
    client = client_for(user)
    response = client.post(
        reverse("choose_organisation"),
        {"organisation": str(practice_b.public_id), "next": "/patients/"},
    )
    assert response.status_code == 302 and response["Location"] == "/patients/"
    page = client.get(reverse("patients:list"))
    assert b"BRAVO" in page.content and b"ALPHA" not in page.content
    assert f"Practice receptionist, {practice_b.name}".encode() in page.content


def test_cannot_choose_an_organisation_one_does_not_work_for(client_for, practice_a, practice_b):
    user = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    client = client_for(user)
    response = client.post(
        reverse("choose_organisation"), {"organisation": str(practice_b.public_id)}
    )
    assert response.status_code == 200
    assert b"Select the organisation" in response.content
    assert client.session.get("acting_organisation") is None


def test_ended_membership_stops_acting_even_if_chosen_in_session(
    client_for, practice_a, practice_b, practice_manager_b
):
    user = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    MembershipFactory(user=user, organisation=practice_b, role=Role.PRACTICE_RECEPTIONIST)
    client = client_for(user)
    client.post(reverse("choose_organisation"), {"organisation": str(practice_b.public_id)})
    assert client.get(reverse("patients:list")).status_code == 200
    end_membership(
        by=practice_manager_b, membership=Membership.objects.get(user=user, organisation=practice_b)
    )
    # Only practice A is left, so that is who the user now acts for.
    page = client.get(reverse("home"))
    assert f"{practice_a.name}".encode() in page.content
    assert f"{practice_b.name}".encode() not in page.content


def test_unsafe_next_address_is_ignored(client_for, practice_a):
    user = staff(practice_a, Role.PRACTICE_RECEPTIONIST)
    response = client_for(user).post(
        reverse("choose_organisation"),
        {"organisation": str(practice_a.public_id), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")
