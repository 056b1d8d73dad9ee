"""Mapping a session to the national appointment data: a practice's own sessions only, the
rest of a weekly series only from now on, always audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import Audience, DeliveryChannel, Session
from booking.services.sessions import (
    RuleSpec,
    publish_sessions,
    set_national_category,
    setting_for_rules,
)
from governance.models import AuditEvent
from tests.factories import SiteFactory
from tests.governance.helpers import actor_for

TRIAGE = NationalCategory.CLINICAL_TRIAGE
EXTENDED = ServiceSetting.EXTENDED_ACCESS


def _categorise(user, session, **overrides) -> list[Session]:
    fields = {"national_category": TRIAGE, "service_setting": EXTENDED, **overrides}
    return set_national_category(by=actor_for(user), session=session, **fields)


def _categories(sessions) -> list[str]:
    return [Session.objects.get(pk=session.pk).national_category for session in sessions]


def test_an_imported_session_is_mapped_and_the_change_is_audited(publish, practice_manager_a):
    [session] = publish()
    Session.objects.filter(pk=session.pk).update(
        source=Session.Source.IMPORTED, service_setting=ServiceSetting.EXTENDED_ACCESS
    )

    changed = _categorise(
        practice_manager_a,
        session,
        national_category=NationalCategory.GENERAL_ACUTE,
        service_setting=ServiceSetting.GENERAL_PRACTICE,
    )

    session.refresh_from_db()
    assert changed == [session]
    assert session.national_category == NationalCategory.GENERAL_ACUTE
    assert session.service_setting == ServiceSetting.GENERAL_PRACTICE
    event = AuditEvent.objects.get(action="session.categorise")
    assert event.object_id == str(session.public_id)
    assert event.reason == "General Consultation Acute; General Practice; sessions=1"


def test_another_practices_session_is_refused_and_left_as_it_was(publish, practice_manager_b):
    [session] = publish()

    with pytest.raises(PermissionDenied):
        _categorise(practice_manager_b, session)

    assert _categories([session]) == [NationalCategory.UNMAPPED]
    assert not AuditEvent.objects.filter(action="session.categorise").exists()


def test_a_role_that_does_not_manage_sessions_is_refused(publish, hub_receptionist):
    [session] = publish()

    with pytest.raises(PermissionDenied):
        _categorise(hub_receptionist, session)

    assert _categories([session]) == [NationalCategory.UNMAPPED]


@pytest.mark.parametrize(
    "fields",
    [
        {"national_category": NationalCategory.UNMAPPED},
        {"national_category": "Coffee morning"},
        {"service_setting": ServiceSetting.UNMAPPED},
        {"service_setting": "Hospital"},
    ],
)
def test_unmapped_or_unknown_values_are_refused(publish, practice_manager_a, fields):
    [session] = publish()

    with pytest.raises(ValidationError) as refused:
        _categorise(practice_manager_a, session, **fields)

    assert set(refused.value.message_dict) == set(fields)
    assert _categories([session]) == [NationalCategory.UNMAPPED]


def test_a_whole_series_changes_from_this_session_on_and_only_sessions_to_come(
    publish, practice_manager_a
):
    held, this, next_week, last = publish(weeks=4)
    # The first of the series was held a week ago; the rest are still to come.
    Session.objects.filter(pk=held.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=7),
        ends_at=timezone.now() - datetime.timedelta(days=7, hours=-1),
    )
    [other_series] = publish()

    changed = _categorise(practice_manager_a, next_week, whole_series=True)

    assert [s.pk for s in changed] == [next_week.pk, last.pk]
    assert _categories([held, this, next_week, last, other_series]) == [
        NationalCategory.UNMAPPED,
        NationalCategory.UNMAPPED,
        TRIAGE,
        TRIAGE,
        NationalCategory.UNMAPPED,
    ]
    assert AuditEvent.objects.get(action="session.categorise").reason.endswith("sessions=2")


def test_a_session_already_held_changes_with_the_series_still_to_come_only(
    publish, practice_manager_a
):
    held, *to_come = publish(weeks=3)
    past = timezone.now() - datetime.timedelta(days=7)
    Session.objects.filter(pk=held.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    held.refresh_from_db()

    changed = _categorise(practice_manager_a, held, whole_series=True)

    assert len(changed) == 3
    assert _categories([held, *to_come]) == [TRIAGE, TRIAGE, TRIAGE]


def test_without_whole_series_only_the_one_session_changes(publish, practice_manager_a):
    first, second = publish(weeks=2)

    _categorise(practice_manager_a, first)

    assert _categories([first, second]) == [TRIAGE, NationalCategory.UNMAPPED]


def test_a_session_kept_for_the_practice_is_general_practice_and_one_released_is_the_hubs():
    assert setting_for_rules((RuleSpec(audience=Audience.PRACTICE),)) == (
        ServiceSetting.GENERAL_PRACTICE
    )
    assert setting_for_rules(()) == ServiceSetting.GENERAL_PRACTICE
    assert setting_for_rules((RuleSpec(audience=Audience.URGENT_CARE),)) == EXTENDED


def test_publishing_stores_the_category_and_setting_given(practice_manager_a, practice_a):
    sessions = publish_sessions(
        by=actor_for(practice_manager_a),
        site=SiteFactory(organisation=practice_a),
        practitioner_role="R0260",
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.TELEPHONE,
        first_date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(19, 30),
        slot_minutes=15,
        weeks=2,
        rules=(RuleSpec(audience=Audience.HUB),),
        national_category=TRIAGE,
        service_setting=ServiceSetting.GENERAL_PRACTICE,
    )

    assert {(s.national_category, s.service_setting) for s in sessions} == {
        (TRIAGE, ServiceSetting.GENERAL_PRACTICE)
    }
