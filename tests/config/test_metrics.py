"""/metrics: who may scrape it, and what a scrape shows after things happen (a booking, a
write-back, a refusal, a walk of the audit trail)."""

import io
import re

import pytest
from celery import current_app
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from practices.clinical_systems import links
from practices.models import ClinicalSystemLink
from tests.practices.clinical_systems.fake import FakeClinicalSystem
from tests.writeback.helpers import deliver, make_due, message_of

TOKEN = "scrape-token-for-tests"


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape, by name and labels."""
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


@pytest.fixture
def scraper(client, settings):
    settings.METRICS_TOKEN = TOKEN
    return client


@pytest.fixture
def linked_slots(publish, practice_a, practice_manager_a, monkeypatch):
    """Practice A's slots, held in its own system, which its link writes back to; tasks are
    handed to no broker."""
    slots = list(publish()[0].slots.order_by("start"))
    for number, slot in enumerate(slots, start=1):
        slot.external_id = f"practice-slot-{number}"
        slot.save(update_fields=["external_id"])
    # On after publishing: with it on, sessions come from the practice system.
    ClinicalSystemLink.objects.create(
        practice=practice_a,
        base_url="http://practice-a.test/gpconnect",
        enabled=True,
        switched_by=practice_manager_a,
        switched_at=timezone.now(),
    )
    monkeypatch.setattr(current_app, "send_task", lambda *args, **kwargs: None)
    return slots


def _book_on_the_page(client, slot, patient):
    book = reverse("booking:book", args=[slot.public_id])
    page = client.get(book, {"patient": patient.public_id})
    key = re.search(rb'name="idempotency_key" value="(\w+)"', page.content).group(1).decode()
    return client.post(
        book,
        {"patient": patient.public_id, "idempotency_key": key, "description": "Review"},
    )


# Who may scrape -----------------------------------------------------------------------------


def test_metrics_are_refused_without_the_token(client, db, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get(reverse("metrics")).status_code == 403
    wrong = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 403


def test_metrics_are_refused_to_everyone_when_nothing_is_configured(client, db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_metrics_are_allowed_from_an_allowed_network_without_a_token(client, db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    inside = client.get(reverse("metrics"), REMOTE_ADDR="10.1.2.3")
    outside = client.get(reverse("metrics"), REMOTE_ADDR="192.0.2.7")
    assert inside.status_code == 200
    assert outside.status_code == 403


def test_a_signed_in_member_of_staff_is_no_more_allowed_than_anyone(
    client_for, practice_manager_a, settings
):
    settings.METRICS_TOKEN = TOKEN
    assert client_for(practice_manager_a).get(reverse("metrics")).status_code == 403


# What a scrape shows ------------------------------------------------------------------------


def test_a_booking_counts_for_its_channel_and_its_write_back_shows_in_the_outbox(
    scraper,
    client_for,
    hub_receptionist,
    hub_books_for_a,
    linked_slots,
    patient_a,
    practice_a,
    django_capture_on_commit_callbacks,
):
    booked = ("hubdiary_bookings_total", (("channel", "hub"),))
    before = scrape(scraper).get(booked, 0.0)

    with django_capture_on_commit_callbacks(execute=True):
        response = _book_on_the_page(client_for(hub_receptionist), linked_slots[0], patient_a)
    assert response.status_code == 302

    after = scrape(scraper)
    assert after[booked] == before + 1
    labels = (("practice", practice_a.ods_code), ("system", "gp-connect"))
    assert after["hubdiary_write_back_outbox_depth", labels] == 1
    assert after["hubdiary_write_back_outbox_oldest_age_seconds", labels] >= 0


def test_a_booking_refused_is_not_counted(
    scraper,
    client_for,
    hub_receptionist,
    hub_books_for_a,
    linked_slots,
    patient_b,
    django_capture_on_commit_callbacks,
):
    """Someone the hub may not book for: the refusal commits, the booking never does."""
    booked = ("hubdiary_bookings_total", (("channel", "hub"),))
    before = scrape(scraper).get(booked, 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hub_receptionist).post(
            reverse("booking:book", args=[linked_slots[0].public_id]),
            {"patient": patient_b.public_id, "idempotency_key": "k" * 32, "description": "Review"},
        )
    assert response.status_code == 404
    assert scrape(scraper).get(booked, 0.0) == before


def test_write_back_outcomes_are_counted_and_the_outbox_empties(
    scraper,
    client_for,
    hub_receptionist,
    hub_books_for_a,
    linked_slots,
    patient_a,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(links, "clinical_system_for", lambda link: FakeClinicalSystem())
    confirmed = ("hubdiary_write_back_outcomes_total", (("outcome", "confirmed"),))
    before = scrape(scraper).get(confirmed, 0.0)
    with django_capture_on_commit_callbacks(execute=True):
        _book_on_the_page(client_for(hub_receptionist), linked_slots[0], patient_a)
    message = message_of(patient_a.bookings.get())
    make_due(message)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(message)

    after = scrape(scraper)
    assert after[confirmed] == before + 1
    assert not [key for key in after if key[0] == "hubdiary_write_back_outbox_depth"]


def test_refusals_are_counted_by_kind(
    scraper,
    client_for,
    ig_lead_a,
    practice_manager_a,
    patient_b,
    django_capture_on_commit_callbacks,
):
    audited = ("hubdiary_access_refusals_total", (("kind", "audited"),))
    role = ("hubdiary_access_refusals_total", (("kind", "role"),))
    before = scrape(scraper)

    with django_capture_on_commit_callbacks(execute=True):
        # Another practice's patient: the access door refuses, and audits it.
        unseen = client_for(practice_manager_a).get(
            reverse("patients:detail", args=[patient_b.public_id])
        )
    # A page the role does not open.
    refused = client_for(ig_lead_a).get(reverse("booking:find_patient"))

    assert (unseen.status_code, refused.status_code) == (404, 403)
    after = scrape(scraper)
    assert after[audited] == before.get(audited, 0.0) + 1
    assert after[role] == before.get(role, 0.0) + 1


def test_the_last_walk_of_the_audit_trail_is_shown(scraper, practice_manager_a):
    samples = scrape(scraper)
    assert not [name for name, _ in samples if name.startswith("hubdiary_audit_verification")]

    call_command("verify_audit", stdout=io.StringIO())

    samples = scrape(scraper)
    assert samples["hubdiary_audit_verification_broken_chains", ()] == 0
    assert samples["hubdiary_audit_verification_seals_broken", ()] == 0
    ran_at = samples["hubdiary_audit_verification_last_run_timestamp_seconds", ()]
    assert abs(ran_at - timezone.now().timestamp()) < 60


def test_a_scrape_reads_the_database_in_two_queries(
    scraper,
    client_for,
    hub_receptionist,
    hub_books_for_a,
    linked_slots,
    patient_a,
    django_assert_num_queries,
):
    """The outbox in one grouped query and the last walk of the trail in another, however
    many messages wait."""
    _book_on_the_page(client_for(hub_receptionist), linked_slots[0], patient_a)
    call_command("verify_audit", stdout=io.StringIO())
    with django_assert_num_queries(2):
        scrape(scraper)
