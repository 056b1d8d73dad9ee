"""Publishing a session: a named clinician's role stands in for the practitioner role, and a
session needs one or the other."""

import datetime

from booking.forms.sessions import PublishSessionForm, ReasonForm
from booking.models import DeliveryChannel
from practices.models import Clinician
from tests.factories import ClinicianFactory, SiteFactory


def _data(site, **fields) -> dict:
    day = datetime.date.today() + datetime.timedelta(days=7)
    return {
        "first_date_day": day.day,
        "first_date_month": day.month,
        "first_date_year": day.year,
        "start_time": "18:30",
        "end_time": "20:00",
        "site": str(site.public_id),
        "session_type": "GP extended access",
        "slot_type": "Routine appointment",
        "slot_minutes": 15,
        "delivery_channel": DeliveryChannel.IN_PERSON,
        "weeks": 1,
        **fields,
    }


def test_a_named_clinicians_role_is_the_sessions_role(practice_a):
    site = SiteFactory(organisation=practice_a)
    nurse = ClinicianFactory(organisation=practice_a, job_role=Clinician.JobRole.PRACTICE_NURSE)

    form = PublishSessionForm(_data(site, clinician=str(nurse.public_id)), practice=practice_a)

    assert form.is_valid(), form.errors
    assert form.session()["practitioner_role"] == Clinician.JobRole.PRACTICE_NURSE


def test_a_session_with_neither_clinician_nor_role_is_refused(practice_a):
    form = PublishSessionForm(_data(SiteFactory(organisation=practice_a)), practice=practice_a)

    assert not form.is_valid()
    assert form.errors["practitioner_role"] == ["Select a practitioner role, or name a clinician"]


def test_only_the_practices_own_active_sites_are_offered(practice_a, practice_b):
    own = SiteFactory(organisation=practice_a)
    SiteFactory(organisation=practice_b)
    SiteFactory(organisation=practice_a, is_active=False)

    form = PublishSessionForm(practice=practice_a)

    assert list(form.fields["site"].queryset) == [own]


def test_a_missing_reason_is_asked_for_in_the_words_of_its_label():
    form = ReasonForm({"reason": ""}, label="Reason for blocking the slot")

    assert not form.is_valid()
    assert form.errors["reason"] == ["Enter a reason for blocking the slot"]
