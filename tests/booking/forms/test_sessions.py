"""Publishing a session: a named clinician's role stands in for the practitioner role, and a
session needs one or the other; its national appointment category and setting, asked when
publishing and changed afterwards."""

import datetime

from booking.appointment_data import NationalCategory, ServiceSetting
from booking.forms.sessions import CategoriseSessionForm, PublishSessionForm, ReasonForm
from booking.models import DeliveryChannel, Session
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
        "national_category": NationalCategory.GENERAL_ROUTINE,
        "service_setting": ServiceSetting.EXTENDED_ACCESS,
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


# The national appointment data --------------------------------------------------------------


def test_publishing_passes_on_the_category_and_setting_chosen(practice_a):
    form = PublishSessionForm(
        _data(
            SiteFactory(organisation=practice_a),
            practitioner_role=Clinician.JobRole.GP,
            national_category=NationalCategory.CLINICAL_TRIAGE,
            service_setting=ServiceSetting.GENERAL_PRACTICE,
        ),
        practice=practice_a,
    )

    assert form.is_valid(), form.errors
    assert form.session()["national_category"] == NationalCategory.CLINICAL_TRIAGE
    assert form.session()["service_setting"] == ServiceSetting.GENERAL_PRACTICE


def test_a_new_session_starts_as_a_routine_consultation_through_the_hub(practice_a):
    form = PublishSessionForm(practice=practice_a)

    assert form["national_category"].initial == NationalCategory.GENERAL_ROUTINE
    assert form["service_setting"].initial == ServiceSetting.EXTENDED_ACCESS


def test_unmapped_is_not_offered_and_a_category_is_required(practice_a):
    site = SiteFactory(organisation=practice_a)
    values = [
        value
        for value, _ in PublishSessionForm(practice=practice_a).fields["national_category"].choices
    ]
    missing = PublishSessionForm(
        _data(site, practitioner_role="R0260", national_category=""), practice=practice_a
    )
    unmapped = PublishSessionForm(
        _data(site, practitioner_role="R0260", national_category=NationalCategory.UNMAPPED),
        practice=practice_a,
    )

    assert NationalCategory.UNMAPPED not in values
    assert NationalCategory.MEDICATION_REVIEW in values
    assert missing.errors["national_category"] == ["Select national appointment category"]
    assert not unmapped.is_valid() and "national_category" in unmapped.errors


def test_the_settings_are_the_hubs_and_the_practices_own_each_with_a_hint(practice_a):
    html = str(PublishSessionForm(practice=practice_a)["service_setting"])
    radios = PublishSessionForm(practice=practice_a).fields["service_setting"].choices

    assert [value for value, _ in radios] == [
        ServiceSetting.EXTENDED_ACCESS,
        ServiceSetting.GENERAL_PRACTICE,
    ]
    assert 'aria-describedby="id_service_setting_0-hint"' in html


def _session(**fields) -> Session:
    return Session(
        national_category=fields.get("national_category", NationalCategory.UNMAPPED),
        service_setting=fields.get("service_setting", ServiceSetting.EXTENDED_ACCESS),
    )


def test_an_unmapped_session_asks_for_its_category_afresh():
    form = CategoriseSessionForm(session=_session(), later_in_series=0)

    assert form["national_category"].initial == ""
    assert form["service_setting"].initial == ServiceSetting.EXTENDED_ACCESS
    assert "whole_series" not in form.fields  # a session held once has no series to change


def test_a_mapped_session_starts_from_its_category_and_offers_its_series_to_come():
    session = _session(
        national_category=NationalCategory.PLANNED_CLINICS,
        service_setting=ServiceSetting.GENERAL_PRACTICE,
    )
    form = CategoriseSessionForm(session=session, later_in_series=3)

    assert form["national_category"].initial == NationalCategory.PLANNED_CLINICS
    assert form["service_setting"].initial == ServiceSetting.GENERAL_PRACTICE
    assert form.fields["whole_series"].help_text.startswith("3 later sessions")


def test_a_setting_set_through_the_api_stays_choosable():
    form = CategoriseSessionForm(
        {
            "national_category": NationalCategory.GENERAL_ROUTINE,
            "service_setting": ServiceSetting.PRIMARY_CARE_NETWORK,
        },
        session=_session(service_setting=ServiceSetting.PRIMARY_CARE_NETWORK),
        later_in_series=0,
    )

    assert form.is_valid(), form.errors
    assert form.national_data()["service_setting"] == ServiceSetting.PRIMARY_CARE_NETWORK
