import datetime

from django.urls import reverse
from django.utils import timezone

from booking.models import Audience, ReleaseRule, Session, Slot
from booking.services.sessions import RuleSpec
from booking.unused_capacity import record_unused_releases
from governance.models import AuditEvent

HUB_NOW = RuleSpec(audience=Audience.HUB)
TO_URGENT_CARE_AT_T_MINUS_2H = RuleSpec(
    audience=Audience.URGENT_CARE, opens=ReleaseRule.Opens.BEFORE_START, opens_minutes_before=120
)


def _session(publish):
    (session,) = publish(days_ahead=1, weeks=1, rules=(HUB_NOW, TO_URGENT_CARE_AT_T_MINUS_2H))
    return session


def _at(session, before: datetime.timedelta) -> datetime.datetime:
    return session.starts_at - before


def test_the_hand_over_is_recorded_at_its_time_once_and_audited(publish):
    session = _session(publish)
    assert record_unused_releases(_at(session, datetime.timedelta(hours=3))) == 0
    moment = _at(session, datetime.timedelta(hours=2))
    assert record_unused_releases(moment) == 1
    assert record_unused_releases(moment + datetime.timedelta(minutes=5)) == 0  # run again
    session.refresh_from_db()
    free = Slot.objects.filter(session=session, status=Slot.Status.FREE).count()
    assert session.unused_released_at == moment and session.unused_released_count == free
    (event,) = AuditEvent.objects.filter(action="slot.release-unused")
    assert event.reason == f"free={free};to=urgent-care"


def test_a_session_with_no_hand_over_is_left_alone(publish):
    (session,) = publish(days_ahead=1, weeks=1, rules=(HUB_NOW,))
    assert record_unused_releases(session.starts_at - datetime.timedelta(minutes=10)) == 0


def test_out_of_hours_and_nhs_111_search_and_book_as_urgent_care():
    from booking.release_rules.stored import audience_for
    from practices.models import Organisation

    for kind in (Organisation.Kind.OUT_OF_HOURS, Organisation.Kind.NHS_111):
        assert audience_for(Organisation(kind=kind)) == Audience.URGENT_CARE


def test_the_practice_diary_shows_the_hand_over(publish, client_for, practice_manager_a):
    session = _session(publish)
    Session.objects.filter(pk=session.pk).update(unused_released_at=timezone.now())
    day = timezone.localtime(session.starts_at).date()
    page = client_for(practice_manager_a).get(
        reverse("booking:practice_diary"), {"date": day.isoformat()}
    )
    assert "Released to urgent care and NHS 111" in page.content.decode()
