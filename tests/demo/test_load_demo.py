"""The demo hub loads once, with valid data, and every printed login lands on its page."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.hub import DEFAULT_PASSWORD, LOGINS, PRACTICES
from organisation.views import LANDING
from patients.models import Patient
from patients.nhs_number import is_valid_nhs_number
from practices.models import Organisation


def test_demo_loads_a_hub_with_its_practices_and_services(demo):
    hub = Organisation.objects.get(kind=Organisation.Kind.HUB)
    assert hub.member_practices.count() == len(PRACTICES) >= 5
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == {kind.value for kind in Organisation.Kind}
    urgent = (
        Organisation.Kind.URGENT_CARE,
        Organisation.Kind.OUT_OF_HOURS,
        Organisation.Kind.NHS_111,
    )
    assert Organisation.objects.filter(kind__in=urgent).count() == 3


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
        elif not login.memberships:  # an honorary contract
            assert b"Clinician" in response.content and b"A99001" in response.content
        else:
            ods_code, role = login.memberships[0]
            assert role.label.encode() in response.content, login.username
            if role in LANDING:  # their day's work: the care diary or the care tracker
                assert response.redirect_chain[-1][0] == reverse(LANDING[role]), login.username
            else:
                assert ods_code.encode() in response.content, login.username


def test_one_practice_shares_nothing_with_the_hub_so_hub_staff_cannot_find_its_patients(demo):
    from governance.access import Purpose, patients_for
    from governance.audit import Actor
    from practices.models import Membership

    hub_reception = Membership.objects.get(user__username="hub.reception")
    findable = patients_for(Actor(user=hub_reception.user, membership=hub_reception), Purpose.BOOK)
    practices = set(findable.values_list("registered_practice__ods_code", flat=True))
    assert "A99006" not in practices
    assert {"A99001", "A99002", "A99003", "A99004", "A99005"} <= practices


def test_each_ig_screen_has_data_in_the_demo(demo):
    from governance.models import (
        AccessGrant,
        Alert,
        AuditEvent,
        BreakGlass,
        Consent,
        SharingAgreement,
    )

    riverside = Organisation.objects.get(ods_code="A99001")
    assert SharingAgreement.objects.filter(practice=riverside, status="active").exists()
    assert SharingAgreement.objects.filter(status="proposed").exists()
    assert Consent.objects.filter(patient__registered_practice=riverside).exists()
    assert AccessGrant.objects.filter(organisation=riverside).exists()
    assert BreakGlass.objects.filter(
        patient__registered_practice=riverside, review="pending"
    ).exists()
    assert Alert.objects.filter(kind=Alert.Kind.AGREEMENT_EXPIRING).exists()
    assert AuditEvent.objects.filter(actor_organisation_ods="RZZ01", outcome="denied").exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_the_demo_diary_has_two_weeks_of_sessions_some_booked(demo):
    import datetime

    from django.utils import timezone

    from booking.models import Booking, Slot
    from booking.search import free_slots_for
    from governance.audit import Actor
    from practices.models import Membership

    slots = Slot.objects.all()
    assert slots.count() > 200
    span = slots.order_by("-start").first().start - slots.order_by("start").first().start
    assert span >= datetime.timedelta(days=12)
    assert Booking.objects.filter(channel="hub").count() > 20
    assert Booking.objects.filter(channel="a-and-e").exists()
    assert slots.filter(reserved_for="nhs-111").count() >= 10  # a week of NHS 111 slots
    assert slots.filter(hub_opens_at__isnull=True, urgent_care_opens_at__isnull=False).exists()
    assert slots.filter(
        hub_opens_at__isnull=True, urgent_care_opens_at__isnull=True, online_opens_at__isnull=False
    ).exists()

    hub = Membership.objects.get(user__username="hub.reception")
    now = timezone.now()
    found = free_slots_for(
        actor=Actor(user=hub.user, membership=hub),
        start=now,
        end=now + datetime.timedelta(days=14),
        limit=500,
    )
    assert found
    assert "A99006" not in {slot.practice.ods_code for slot in found}


def test_the_lead_hub_receptionist_can_book_past_kirkgates_quota_with_a_reason(demo):
    """Kirkgate's nurse clinics take at most three hub bookings; the hub's lead receptionist,
    who also runs Kirkgate's sessions, may book a fourth, saying why."""
    from booking.errors import SlotNotBookable
    from booking.models import Booking, Slot
    from booking.services.bookings import book_slot
    from governance.audit import Actor
    from practices.models import Membership

    hub_lead = Membership.objects.get(user__username="hub.lead", organisation__ods_code="U99001")
    actor = Actor(user=hub_lead.user, membership=hub_lead)
    clinic = (
        Slot.objects.filter(
            practice__ods_code="A99002",
            session__rules__quota_per_session=3,
            status=Slot.Status.FREE,
        )
        .order_by("-start")
        .first()
        .session
    )
    free = list(clinic.slots.filter(status=Slot.Status.FREE).order_by("start"))
    patients = Patient.objects.filter(registered_practice__ods_code="A99002", is_sensitive=False)
    taken = Booking.objects.filter(slot__session=clinic, booking_organisation=hub_lead.organisation)
    for slot, patient in zip(free, patients, strict=False):
        if taken.count() == 3:
            break
        book_slot(by=actor, slot=slot, patient=patient)
    last = clinic.slots.filter(status=Slot.Status.FREE).first()
    patient = patients.exclude(bookings__slot__session=clinic).first()

    with pytest.raises(SlotNotBookable) as refused:
        book_slot(by=actor, slot=last, patient=patient)
    assert refused.value.reason_code == "quota-reached"
    booking = book_slot(by=actor, slot=last, patient=patient, override_reason="Wound check today")
    assert booking.rule_override_reason == "Wound check today"


def test_linked_practices_have_a_short_list_of_bookings_to_enter_by_hand(demo):
    """Hub bookings from before the links were on were keyed by hand; two are still to do."""
    from booking.models import Booking
    from demo.practice_systems import LINKED_PRACTICES, STILL_TO_ENTER_BY_HAND
    from writeback.models import WriteBackMessage

    for ods_code in LINKED_PRACTICES:
        waiting = WriteBackMessage.objects.filter(
            booking__slot__practice__ods_code=ods_code,
            state=WriteBackMessage.State.MANUAL,
            resolved_at__isnull=True,
        )
        assert waiting.count() == STILL_TO_ENTER_BY_HAND
        assert Booking.objects.filter(
            slot__practice__ods_code=ods_code, write_back=Booking.WriteBack.ENTERED
        ).exists()


def test_the_demo_sessions_carry_a_realistic_national_category_and_setting(demo):
    """The hub's Enhanced Access sessions: mostly routine consultations, some acute, telephone
    triage and medication reviews, and a nurses' clinic; none left to map."""
    from django.db.models import Count

    from booking.appointment_data import NationalCategory as N
    from booking.appointment_data import ServiceSetting
    from booking.models import Session

    published = Session.objects.filter(source=Session.Source.PORTAL)
    categories = {
        row["national_category"]: row["count"]
        for row in published.values("national_category").annotate(count=Count("id"))
    }
    assert set(published.values_list("service_setting", flat=True)) == {
        ServiceSetting.EXTENDED_ACCESS
    }
    assert max(categories, key=categories.get) == N.GENERAL_ROUTINE
    assert {
        N.GENERAL_ACUTE,
        N.CLINICAL_TRIAGE,
        N.PLANNED_CLINICS,
        N.MEDICATION_REVIEW,
    } <= set(categories)
    assert N.UNMAPPED not in categories
    assert set(
        published.filter(national_category=N.CLINICAL_TRIAGE).values_list(
            "delivery_channel", flat=True
        )
    ) == {"Telephone"}
