"""Dates far outside the years Hub Diary works with (year 1, year 9999) are refused in
words, everywhere a date comes in: a 400 in the API's error shape, a 400 page for a date in
a page's address, an error by the field on a form. None reaches the arithmetic that would
fall off the calendar and answer 500."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.models import Session
from governance.models import AccessGrant, SharingAgreement
from patients.models import Patient
from tests.factories import SiteFactory

FAR = ["9999-12-31", "0001-01-01"]
MESSAGE = "Enter a date between 1 January 1900 and 31 December 2099."


def _split(name: str, iso: str) -> dict:
    year, month, day = iso.split("-")
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


# The API -------------------------------------------------------------------------------------


@pytest.fixture
def api(hub_receptionist, hub_books_for_a):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=hub_receptionist)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("when", [*FAR, "9999-12-31T23:00:00Z", "0001-01-01T00:00:00+00:00"])
@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("path", ["/api/v1/slots/", "/api/v1/bookings/"])
def test_the_api_refuses_a_far_date_as_invalid(api, path, field, when):
    response = api.get(path, {field: when})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["details"]["fields"][field] == [
        "Give a date and time between 1900-01-01 and 2099-12-31."
    ]
    assert response["Cache-Control"] == "no-store"


def test_the_api_still_searches_the_years_it_works_with(api):
    response = api.get("/api/v1/slots/", {"start": "2099-12-20T00:00:00Z"})
    assert response.status_code == 200
    assert response.json()["results"] == []


# Dates in a page's address ---------------------------------------------------------------


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(
    ("url_name", "persona"),
    [
        ("booking:diary", "hub_receptionist"),
        ("booking:practice_diary", "practice_manager_a"),
        ("booking:bookings_made", "hub_receptionist"),
        ("booking:practice_bookings", "practice_manager_a"),
    ],
)
@pytest.mark.parametrize("view", ["day", "week"])
def test_a_far_date_in_a_diary_or_list_address_is_a_bad_request_said_in_words(
    request, client_for, hub_books_for_a, url_name, persona, day, view
):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse(url_name), {"date": day, "view": view})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_an_unreadable_date_in_the_address_still_shows_today(client_for, hub_receptionist):
    response = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": "soon"})
    assert response.status_code == 200


# Forms -----------------------------------------------------------------------------------


def _shows_the_error(response) -> None:
    content = response.content.decode()
    assert response.status_code in (200, 400), response.status_code
    assert "<title>Error: " in content and "There is a problem" in content
    assert content.count(MESSAGE) == 2  # in the summary and by the field


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_slot_search_shows_a_far_date_as_a_form_error(
    client_for, hub_receptionist, hub_books_for_a, field, day
):
    response = client_for(hub_receptionist).get(reverse("booking:search"), _split(field, day))
    _shows_the_error(response)


@pytest.mark.parametrize("day", FAR)
def test_publishing_a_session_on_a_far_date_is_a_form_error(
    client_for, practice_manager_a, practice_a, day
):
    site = SiteFactory(organisation=practice_a)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        {
            **_split("first_date", day),
            "start_time": "18:00",
            "end_time": "20:00",
            "site": site.public_id,
            "practitioner_role": "R0260",
            "session_type": "GP extended access",
            "slot_type": "Routine appointment",
            "slot_minutes": "15",
            "delivery_channel": "in-person",
            "national_category": "General Consultation Routine",
            "service_setting": "Extended Access Provision",
            "weeks": "4",
        },
    )
    _shows_the_error(response)
    assert not Session.objects.exists()


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("url_name", ["patients:find", "booking:find_patient"])
def test_finding_a_patient_by_a_far_date_of_birth_is_a_form_error(
    client_for, practice_manager_a, url_name, day
):
    response = client_for(practice_manager_a).post(
        reverse(url_name), {"family_name": "Lovelace", **_split("date_of_birth", day)}
    )
    _shows_the_error(response)


def test_registering_a_patient_born_in_year_one_is_a_form_error(client_for, practice_manager_a):
    response = client_for(practice_manager_a).post(
        reverse("patients:create"),
        {
            "nhs_number": "943 476 5919",
            "given_name": "Ada",
            "family_name": "Lovelace",
            **_split("date_of_birth", "0001-01-01"),
            "gender": "female",
        },
    )
    _shows_the_error(response)
    assert not Patient.objects.exists()


@pytest.mark.parametrize(("field", "day"), [("starts_on", "0001-01-01"), ("ends_on", "9999-12-31")])
def test_proposing_an_agreement_with_a_far_date_is_a_form_error(
    client_for, practice_manager_a, hub, field, day
):
    proposal = {
        "direction": "ours",
        "organisation": hub.ods_code,
        "scope": "booking",
        **_split("starts_on", "2026-12-01"),
        **_split("ends_on", "2027-11-30"),
        **_split(field, day),
    }
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_propose"), proposal
    )
    _shows_the_error(response)
    assert not SharingAgreement.objects.exists()


@pytest.mark.parametrize(("field", "day"), [("starts_at", "0001-01-01"), ("ends_at", "9999-12-31")])
def test_giving_honorary_access_with_a_far_date_is_a_form_error(
    client_for, ig_lead_a, receptionist_practice_b, field, day
):
    response = client_for(ig_lead_a).post(
        reverse("governance:grant_create"),
        {
            "user": receptionist_practice_b.username,
            "role": "practice-receptionist",
            **_split("starts_at", "2026-12-01"),
            **_split("ends_at", "2026-12-14"),
            **_split(field, day),
            "reason": "Locum cover for evening sessions",
        },
    )
    _shows_the_error(response)
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("url_name", ["governance:access_report", "governance:access_report_csv"])
def test_the_access_report_shows_a_far_date_as_a_form_error(
    client_for, ig_lead_a, url_name, field, day
):
    response = client_for(ig_lead_a).get(reverse(url_name), _split(field, day))
    _shows_the_error(response)
