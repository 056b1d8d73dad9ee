"""The alerts list and the header's count: every role that is sent alerts sees its own,
whichever part of Hub Diary raised them, and never another organisation's or person's."""

import uuid

import pytest
from django.urls import reverse

from governance.alerts import create_alert
from governance.models import Alert
from practices.models import Organisation
from practices.roles import Role
from tests.factories import OrganisationFactory, staff


@pytest.fixture
def care_home(db):
    return OrganisationFactory(kind=Organisation.Kind.CARE_HOME)


@pytest.fixture
def care_home_staff(care_home):
    return staff(care_home, Role.CARE_HOME_STAFF)


def _task_alert(organisation, *, user=None):
    return create_alert(
        organisation,
        Alert.Kind.TASK_ASSIGNED,
        "A care task is waiting to be accepted",
        uuid.uuid4(),
        link="/care-tracker/tasks/x/",
        user=user,
    )


def test_care_home_staff_see_the_tasks_sent_to_them(client_for, care_home, care_home_staff):
    _task_alert(care_home)
    page = client_for(care_home_staff).get(reverse("governance:alerts")).content.decode()
    assert "Task to accept" in page and 'href="/care-tracker/tasks/x/"' in page
    assert 'Open<span class="nhsuk-u-visually-hidden"> this task</span>' in page


def test_an_alert_to_one_person_reaches_only_them(client_for, care_home, care_home_staff):
    colleague = staff(care_home, Role.CARE_HOME_STAFF)
    _task_alert(care_home, user=colleague)
    assert (
        "No open alerts."
        in client_for(care_home_staff).get(reverse("governance:alerts")).content.decode()
    )
    mine = client_for(colleague).get(reverse("governance:alerts")).content.decode()
    assert "Task to accept" in mine and "to you" in mine


def test_receptionists_see_bookings_the_practice_system_refused(
    client_for, receptionist_practice_a, practice_a
):
    create_alert(
        practice_a, Alert.Kind.WRITE_BACK_FAILED, "Not written back", uuid.uuid4(), link="/w/"
    )
    page = client_for(receptionist_practice_a).get(reverse("governance:alerts")).content.decode()
    assert "Not in practice system" in page


def test_the_header_count_is_the_users_open_alerts(client_for, care_home, care_home_staff):
    client = client_for(care_home_staff)
    assert 'id="alert-count"' not in client.get(reverse("governance:alert_count")).content.decode()
    _task_alert(care_home)
    _task_alert(care_home)
    response = client.get(reverse("governance:alert_count"))
    assert '>2<span class="nhsuk-u-visually-hidden"> open</span>' in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_every_page_offers_the_count_without_paying_for_it(client_for, care_home_staff):
    page = client_for(care_home_staff).get(reverse("caretracker:inbox")).content.decode()
    assert f'hx-get="{reverse("governance:alert_count")}"' in page
    assert f'href="{reverse("governance:alerts")}"' in page
