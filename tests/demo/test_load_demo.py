"""The demo hub loads once, with valid data, and every printed login lands on its page."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.hub import LOGINS, PRACTICES
from demo.management.commands.load_demo import DEFAULT_PASSWORD
from patients.models import Patient
from patients.nhs_number import is_valid_nhs_number
from practices.models import Organisation


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_demo_loads_a_hub_with_its_practices_and_services(demo):
    hub = Organisation.objects.get(kind=Organisation.Kind.HUB)
    assert hub.member_practices.count() == len(PRACTICES) >= 5
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {kind.value for kind in Organisation.Kind}
    assert Organisation.objects.filter(kind=Organisation.Kind.URGENT_CARE).count() == 2


def test_demo_patients_use_valid_test_range_nhs_numbers(demo):
    numbers = list(Patient.objects.values_list("nhs_number", flat=True))
    assert len(numbers) >= 300
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)


def test_loading_twice_changes_nothing(demo):
    before = Patient.objects.count(), Organisation.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert (Patient.objects.count(), Organisation.objects.count()) == before


def test_each_demo_login_signs_in_and_lands_on_a_page_for_its_role(demo):
    for login in LOGINS:
        response = Client().post(
            reverse("login"),
            {"username": login.username, "password": DEFAULT_PASSWORD},
            follow=True,
        )
        assert response.status_code == 200, login.username
        if len(login.memberships) > 1:
            assert b"Which organisation are you working for?" in response.content
        else:
            ods_code, role = login.memberships[0]
            assert role.label.encode() in response.content, login.username
            assert ods_code.encode() in response.content, login.username
