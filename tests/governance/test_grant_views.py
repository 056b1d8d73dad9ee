"""Honorary access: give a named user a role here for a bounded time, and take it back."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import AccessGrant
from governance.permissions import Perm, org_permissions
from practices.roles import Role
from tests.factories import AccessGrantFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _grant(username: str, **overrides) -> dict:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    week = tomorrow + datetime.timedelta(days=7)
    return {
        "user": username,
        "role": Role.CLINICIAN,
        "starts_at_day": str(tomorrow.day),
        "starts_at_month": str(tomorrow.month),
        "starts_at_year": str(tomorrow.year),
        "starts_time": "18:00",
        "ends_at_day": str(week.day),
        "ends_at_month": str(week.month),
        "ends_at_year": str(week.year),
        "ends_time": "",
        "reason": "Locum GP for the winter evening sessions",
        **overrides,
    }


def test_grant_pages_require_sign_in(client, db):
    for url in (reverse("governance:grants"), reverse("governance:grant_create")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_receptionist_cannot_give_access(client_for, receptionist_practice_a):
    client = client_for(receptionist_practice_a)
    assert client.get(reverse("governance:grants")).status_code == 403
    response = client.post(reverse("governance:grant_create"), _grant("reception.b"))
    assert response.status_code == 403
    assert not AccessGrant.objects.exists()


def test_ig_lead_gives_a_locum_access(client_for, ig_lead_a, practice_a, receptionist_practice_b):
    client = client_for(ig_lead_a)
    form = client.get(reverse("governance:grant_create")).content.decode()
    assert "Hub receptionist" not in form  # roles are this kind of organisation's only
    response = client.post(reverse("governance:grant_create"), _grant("Reception.B"))
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert (grant.user, grant.organisation, grant.role) == (
        receptionist_practice_b,
        practice_a,
        Role.CLINICIAN,
    )
    starts, ends = grant.starts_at.astimezone(LONDON), grant.ends_at.astimezone(LONDON)
    assert (starts.hour, starts.minute) == (18, 0)
    assert (ends.hour, ends.minute) == (23, 59)  # no end time: the end of the day
    listing = client.get(reverse("governance:grants")).content.decode()
    assert "Locum GP for the winter evening sessions" in listing
    assert "Not started" in listing


def test_live_grant_lets_the_user_act_for_the_organisation(client_for, ig_lead_a, practice_a):
    grant = AccessGrantFactory(organisation=practice_a, role=Role.CLINICIAN, granted_by=ig_lead_a)
    assert Perm.VIEW_PATIENT_RECORDS in org_permissions(grant.user, practice_a)
    listing = client_for(ig_lead_a).get(reverse("governance:grants")).content.decode()
    assert grant.user.username in listing and "Live" in listing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"user": "nobody.here"}, "No one in Hub Diary has this username."),
        ({"role": Role.HUB_RECEPTIONIST}, "Select a valid choice."),
        ({"ends_at_year": "2020"}, "The end must be after the start."),
        ({"starts_time": "25:00"}, "Enter a valid time."),
        ({"reason": ""}, "Enter why they need access"),
    ],
)
def test_grant_errors_are_shown(client_for, ig_lead_a, receptionist_practice_b, overrides, message):
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_create"), _grant("reception.b", **overrides)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not AccessGrant.objects.exists()


def test_staff_already_working_here_cannot_be_given_a_grant(
    client_for, ig_lead_a, receptionist_practice_a
):
    response = client_for(ig_lead_a).post(reverse("governance:grant_create"), _grant("reception.a"))
    assert b"They already work here" in response.content


def test_a_second_overlapping_grant_is_refused(client_for, ig_lead_a, practice_a):
    grant = AccessGrantFactory(organisation=practice_a, granted_by=ig_lead_a)
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_create"), _grant(grant.user.username)
    )
    assert b"They already have honorary access here until" in response.content
    assert AccessGrant.objects.count() == 1


def test_revoking_ends_access_at_once(client_for, ig_lead_a, practice_a):
    grant = AccessGrantFactory(organisation=practice_a, role=Role.CLINICIAN, granted_by=ig_lead_a)
    client = client_for(ig_lead_a)
    url = reverse("governance:grant_revoke", args=[grant.public_id])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert b"honorary access is revoked" in response.content
    assert b"Revoked" in response.content
    grant.refresh_from_db()
    assert grant.revoked_by == ig_lead_a
    assert org_permissions(grant.user, practice_a) == frozenset()
    # The revoked grant has no revoke button any more; a second try says why.
    again = client.post(url, follow=True)
    assert b"already been revoked" in again.content


def test_revoked_user_is_turned_away(client_for, ig_lead_a, practice_a):
    grant = AccessGrantFactory(organisation=practice_a, role=Role.CLINICIAN, granted_by=ig_lead_a)
    grantee = client_for(grant.user)
    assert grantee.get(reverse("patients:list")).status_code == 200
    client_for(ig_lead_a).post(reverse("governance:grant_revoke", args=[grant.public_id]))
    assert grantee.get(reverse("patients:list")).status_code == 403


def test_another_organisations_grant_is_not_found(client_for, ig_lead_a, practice_b):
    grant = AccessGrantFactory(organisation=practice_b)
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_revoke", args=[grant.public_id])
    )
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_expired_grants_show_as_expired(client_for, ig_lead_a, practice_a):
    grant = AccessGrantFactory(organisation=practice_a, granted_by=ig_lead_a)
    AccessGrant.objects.filter(pk=grant.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=9),
        ends_at=timezone.now() - datetime.timedelta(days=2),
    )
    listing = client_for(ig_lead_a).get(reverse("governance:grants")).content.decode()
    assert "Expired" in listing
    assert "Revoke<span" not in listing


def test_grant_list_query_count_does_not_grow(client_for, ig_lead_a, practice_a):
    client = client_for(ig_lead_a)
    AccessGrantFactory(organisation=practice_a, granted_by=ig_lead_a)
    client.get(reverse("governance:grants"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:grants")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(12):
        grant = AccessGrantFactory(organisation=practice_a, granted_by=ig_lead_a)
    client.post(reverse("governance:grant_revoke", args=[grant.public_id]))
    assert queries() == few


def test_grant_needs_an_active_account(client_for, ig_lead_a):
    UserFactory(username="closed.account", is_active=False)
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_create"), _grant("closed.account")
    )
    assert b"No one in Hub Diary has this username." in response.content


def test_errors_are_shown_by_their_fields_the_nhs_way(client_for, ig_lead_a):
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_create"), _grant("nobody.here", starts_time="7pm")
    )
    content = response.content.decode()
    assert 'href="#id_user"' in content  # the error summary links to the field
    assert 'class="nhsuk-error-message" id="id_user_error"' in content
    assert 'class="nhsuk-error-message" id="id_starts_time_error"' in content
    assert "nhsuk-input--error" in content
