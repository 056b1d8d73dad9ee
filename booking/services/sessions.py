"""Publishing sessions, setting their release rules, blocking slots, cancelling sessions."""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import Audience, Booking, ReleaseRule, Session, Slot
from booking.release_rules import stored
from booking.selectors import to_come_in_series
from booking.slot_generation import cut_into_slots, session_occurrences
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.permissions import Perm, org_permissions
from practices.models import ClinicalSystemLink, Clinician, Organisation, Site

MAX_WEEKS = 26
PUBLISHED_IN_PRACTICE_SYSTEM = (
    "Your practice's link to its clinical system is on, so its sessions come from there: "
    "set the session up in your clinical system and its slots appear in Hub Diary within "
    "15 minutes. To publish sessions in Hub Diary instead, your practice manager turns the "
    "link off."
)


@dataclass(frozen=True)
class RuleSpec:
    """A release rule as a form or the API states it."""

    audience: str
    opens: str = ReleaseRule.Opens.PUBLISHED
    opens_minutes_before: int | None = None
    opens_days_before: int | None = None
    opens_time: datetime.time | None = None
    cut_off_minutes: int = 0
    ods_codes: tuple[str, ...] = ()
    organisation_types: tuple[str, ...] = ()
    quota_per_session: int | None = None
    quota_per_day: int | None = None


def _practice_of(by: Actor) -> Organisation:
    organisation = by.membership.organisation if by.membership else None
    if organisation is None or Perm.MANAGE_SESSIONS not in org_permissions(by.user, organisation):
        raise PermissionDenied("Your role does not publish sessions.")
    return organisation


@transaction.atomic
def publish_sessions(
    *,
    by: Actor,
    site: Site,
    practitioner_role: str,
    session_type: str,
    slot_type: str,
    delivery_channel: str,
    first_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    slot_minutes: int,
    weeks: int = 1,
    clinician: Clinician | None = None,
    rules: tuple[RuleSpec, ...] = (),
    national_category: str = NationalCategory.UNMAPPED,
    service_setting: str = "",
) -> list[Session]:
    """Publish a session once, or weekly for `weeks` weeks, cut into slots. Without a
    service setting, a session released beyond the practice is the hub's (Extended Access
    Provision) and one kept for the practice is its own (General Practice)."""
    practice = _practice_of(by)
    if ClinicalSystemLink.objects.filter(practice=practice, enabled=True).exists():
        # GP Connect cannot create slots in the practice system (ADR 0003).
        raise ValidationError(PUBLISHED_IN_PRACTICE_SYSTEM)
    if site.organisation_id != practice.pk or (
        clinician and clinician.organisation_id != practice.pk
    ):
        raise PermissionDenied("Sessions are published at your own practice's sites.")
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": f"Publish between 1 and {MAX_WEEKS} weeks at a time."})
    occurrences = session_occurrences(first_date, start_time, end_time, weeks)
    if occurrences[0][0] <= timezone.now():
        raise ValidationError({"first_date": "The first session must start in the future."})
    if not cut_into_slots(*occurrences[0], slot_minutes):
        raise ValidationError({"slot_minutes": "The session is shorter than one slot."})
    series = uuid.uuid4() if weeks > 1 else None
    service_setting = service_setting or setting_for_rules(rules)
    sessions = []
    for start, end in occurrences:
        session = Session(
            practice=practice,
            site=site,
            clinician=clinician,
            practitioner_role=practitioner_role,
            session_type=session_type,
            slot_type=slot_type,
            delivery_channel=delivery_channel,
            national_category=national_category,
            service_setting=service_setting,
            starts_at=start,
            ends_at=end,
            slot_minutes=slot_minutes,
            series=series,
            created_by=by.user,
        )
        session.full_clean()
        session.save()
        rule_rows = [ReleaseRule(session=session, **_rule_fields(spec)) for spec in rules]
        for row in rule_rows:
            row.full_clean(exclude=["session"])
        ReleaseRule.objects.bulk_create(rule_rows)
        Slot.objects.bulk_create(
            Slot(
                session=session,
                practice=practice,
                site=site,
                clinician=clinician,
                practitioner_role=practitioner_role,
                delivery_channel=delivery_channel,
                slot_type=slot_type,
                start=slot_start,
                end=slot_end,
                **stored.release_columns(rule_rows, slot_start),
            )
            for slot_start, slot_end in cut_into_slots(start, end, slot_minutes)
        )
        sessions.append(session)
    record_event(
        actor=by, action=Action.SESSION_PUBLISH, obj=sessions[0], reason=f"sessions={len(sessions)}"
    )
    return sessions


def setting_for_rules(rules: tuple[RuleSpec, ...]) -> str:
    """The national service setting a session's release rules imply."""
    if any(spec.audience != Audience.PRACTICE for spec in rules):
        return ServiceSetting.EXTENDED_ACCESS
    return ServiceSetting.GENERAL_PRACTICE


@transaction.atomic
def set_national_category(
    *,
    by: Actor,
    session: Session,
    national_category: str,
    service_setting: str,
    whole_series: bool = False,
) -> list[Session]:
    """Map a session (one imported from the practice's clinical system, say) to its national
    appointment category and service setting; with `whole_series`, the weekly series' later
    sessions still to come too. Sessions already held keep theirs unless named one by one:
    the months already reported stay as they were counted. Returns the sessions changed."""
    practice = _practice_of(by)
    if national_category not in NationalCategory.values or (
        national_category == NationalCategory.UNMAPPED
    ):
        raise ValidationError({"national_category": "Select a national appointment category."})
    if service_setting not in ServiceSetting.values or service_setting == ServiceSetting.UNMAPPED:
        raise ValidationError({"service_setting": "Select a service setting."})
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.practice_id != practice.pk:
        raise PermissionDenied("This is another practice's session.")
    now = timezone.now()
    changing = [session]
    if whole_series:
        changing += to_come_in_series(session, now=now).select_for_update()
    for each in changing:
        each.national_category, each.service_setting = national_category, service_setting
        each.updated_at = now
    Session.objects.bulk_update(changing, ["national_category", "service_setting", "updated_at"])
    record_event(
        actor=by,
        action=Action.SESSION_CATEGORISE,
        obj=session,
        reason=f"{national_category}; {service_setting}; sessions={len(changing)}",
    )
    return changing


def _rule_fields(spec: RuleSpec) -> dict:
    return {
        "audience": spec.audience,
        "opens": spec.opens,
        "opens_minutes_before": spec.opens_minutes_before,
        "opens_days_before": spec.opens_days_before,
        "opens_time": spec.opens_time,
        "cut_off_minutes": spec.cut_off_minutes,
        "ods_codes": sorted({code.upper() for code in spec.ods_codes}),
        "organisation_types": sorted(set(spec.organisation_types)),
        "quota_per_session": spec.quota_per_session,
        "quota_per_day": spec.quota_per_day,
    }


@transaction.atomic
def set_release_rules(*, by: Actor, session: Session, rules: tuple[RuleSpec, ...]) -> Session:
    """Replace a session's release rules and re-stamp its slots' release windows, in one
    transaction: a booking made meanwhile is judged by the old rules or the new, never a
    mixture. Bookings already made stand."""
    practice = _practice_of(by)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.practice_id != practice.pk:
        raise PermissionDenied("This is another practice's session.")
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session is cancelled: its release rules cannot be changed.")
    if session.ends_at <= timezone.now():
        raise ValidationError("This session has ended: its release rules cannot be changed.")
    rule_rows = [ReleaseRule(session=session, **_rule_fields(spec)) for spec in rules]
    for row in rule_rows:
        row.full_clean(exclude=["session"])
    session.rules.all().delete()
    rule_rows = ReleaseRule.objects.bulk_create(rule_rows)
    slots = list(session.slots.all())
    for slot in slots:  # a slot kept for NHS 111 keeps its reservation's windows
        columns = stored.release_columns(stored.rules_for(slot, rule_rows), slot.start)
        for name, value in columns.items():
            setattr(slot, name, value)
    Slot.objects.bulk_update(slots, list(stored.RELEASE_COLUMNS))
    record_event(
        actor=by,
        action=Action.SESSION_RELEASE_RULES,
        obj=session,
        reason=",".join(sorted(r.audience for r in rule_rows)),
    )
    return session


@transaction.atomic
def block_slot(*, by: Actor, slot: Slot, reason: str) -> Slot:
    practice = _practice_of(by)
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.practice_id != practice.pk:
        raise PermissionDenied("This is another practice's slot.")
    if slot.status != Slot.Status.FREE:
        raise ValidationError("Only a free slot can be blocked.")
    slot.status, slot.blocked_reason = Slot.Status.BLOCKED, reason.strip()[:200]
    slot.save(update_fields=["status", "blocked_reason", "updated_at"])
    record_event(actor=by, action=Action.SLOT_BLOCK, obj=slot)
    return slot


@transaction.atomic
def unblock_slot(*, by: Actor, slot: Slot) -> Slot:
    practice = _practice_of(by)
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if slot.practice_id != practice.pk:
        raise PermissionDenied("This is another practice's slot.")
    if slot.status != Slot.Status.BLOCKED:
        raise ValidationError("Only a blocked slot can be unblocked.")
    slot.status, slot.blocked_reason = Slot.Status.FREE, ""
    slot.save(update_fields=["status", "blocked_reason", "updated_at"])
    record_event(actor=by, action=Action.SLOT_UNBLOCK, obj=slot)
    return slot


@transaction.atomic
def cancel_session(*, by: Actor, session: Session, reason: str) -> list[Booking]:
    """Withdraw a session's slots. Its live bookings are not dropped: they are returned
    (and listed on the session) so that each patient can be rebooked and told."""
    practice = _practice_of(by)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.practice_id != practice.pk:
        raise PermissionDenied("This is another practice's session.")
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session is already cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason for cancelling the session."})
    session.status = Session.Status.CANCELLED
    session.cancelled_by, session.cancelled_at = by.user, timezone.now()
    session.cancellation_reason = reason.strip()[:200]
    session.save()
    session.slots.filter(status__in=[Slot.Status.FREE, Slot.Status.BLOCKED]).update(
        status=Slot.Status.WITHDRAWN, updated_at=timezone.now()
    )
    to_rebook = list(
        Booking.objects.filter(slot__session=session)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("patient", "booking_organisation")
    )
    record_event(
        actor=by,
        action=Action.SESSION_CANCEL,
        obj=session,
        reason=f"bookings-to-rebook={len(to_rebook)}",
    )
    return to_rebook
