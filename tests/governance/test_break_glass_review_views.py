"""The patient's practice IG lead reviews every break-glass access to their patients."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.audit import record_event
from governance.models import Alert, AuditEvent, BreakGlass
from practices.roles import Role
from tests.factories import AlertFactory, BreakGlassFactory, PatientFactory, staff
from tests.governance.helpers import actor_for


@pytest.fixture
def glass_broken(ae_clinician, ae_department, patient_a, practice_a):
    """An A&E clinician broke glass on practice A's patient and looked at the record."""
    event = BreakGlassFactory(user=ae_clinician, organisation=ae_department, patient=patient_a)
    AlertFactory(organisation=practice_a, kind=Alert.Kind.BREAK_GLASS, reference=event.public_id)
    record_event(
        actor=actor_for(ae_clinician),
        action="patient.view",
        patient=patient_a,
        basis="break-glass",
    )
    return event


def _review_url(event: BreakGlass) -> str:
    return reverse("governance:break_glass_review", args=[event.public_id])


def test_review_pages_require_sign_in(client, glass_broken):
    for url in (reverse("governance:break_glass_reviews"), _review_url(glass_broken)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.post(_review_url(glass_broken), {"outcome": "appropriate"})
    glass_broken.refresh_from_db()
    assert glass_broken.review == BreakGlass.Review.PENDING


def test_only_the_ig_lead_reviews(client_for, practice_manager_a, glass_broken):
    client = client_for(practice_manager_a)
    assert client.get(reverse("governance:break_glass_reviews")).status_code == 403
    assert client.get(_review_url(glass_broken)).status_code == 403


def test_another_practices_ig_lead_cannot_see_the_event(client_for, practice_b, glass_broken):
    client = client_for(staff(practice_b, Role.IG_LEAD))
    assert client.get(_review_url(glass_broken)).status_code == 404
    assert client.post(_review_url(glass_broken), {"outcome": "appropriate"}).status_code == 404
    listing = client.get(reverse("governance:break_glass_reviews")).content.decode()
    assert "No one has used break-glass access" in listing
    glass_broken.refresh_from_db()
    assert glass_broken.review == BreakGlass.Review.PENDING


def test_queue_shows_who_and_when_but_not_the_patient(
    client_for, ig_lead_a, glass_broken, ae_clinician
):
    response = client_for(ig_lead_a).get(reverse("governance:break_glass_reviews"))
    content = response.content.decode()
    assert ae_clinician.display_name in content and "Waiting for review" in content
    assert "LOVELACE" not in content and glass_broken.patient.nhs_number not in content


def test_queue_puts_waiting_reviews_first(client_for, ig_lead_a, practice_a, glass_broken):
    done = BreakGlassFactory(
        patient=PatientFactory(registered_practice=practice_a),
        review=BreakGlass.Review.REFERRED,
        reviewed_by=ig_lead_a,
        reviewed_at=glass_broken.started_at,
        review_note="Asked the clinician's manager.",
        started_at=glass_broken.started_at.replace(year=glass_broken.started_at.year + 1),
    )
    content = client_for(ig_lead_a).get(reverse("governance:break_glass_reviews")).content.decode()
    assert content.index(str(glass_broken.public_id)) < content.index(str(done.public_id))


def test_review_page_shows_the_patient_and_what_was_done(client_for, ig_lead_a, glass_broken):
    response = client_for(ig_lead_a).get(_review_url(glass_broken))
    content = response.content.decode()
    assert "Ada LOVELACE" in content
    assert "Unconscious in resus" in content
    assert "Viewed the record" in content
    # Seeing the patient here is an audited access to their data.
    assert AuditEvent.objects.filter(
        actor=ig_lead_a, action="break-glass.review-view", patient=glass_broken.patient
    ).exists()


def test_ig_lead_marks_access_appropriate(client_for, ig_lead_a, glass_broken):
    client = client_for(ig_lead_a)
    response = client.post(
        _review_url(glass_broken), {"outcome": "appropriate", "note": "Seen in A&E that night."}
    )
    assert response.status_code == 302
    glass_broken.refresh_from_db()
    assert glass_broken.review == BreakGlass.Review.APPROPRIATE
    assert glass_broken.reviewed_by == ig_lead_a
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    listing = client.get(response["Location"]).content.decode()
    assert "Review recorded." in listing and "Appropriate" in listing


def test_referral_needs_a_note(client_for, ig_lead_a, glass_broken):
    response = client_for(ig_lead_a).post(_review_url(glass_broken), {"outcome": "referred"})
    assert response.status_code == 200
    assert b"Say why you are referring it for investigation." in response.content
    glass_broken.refresh_from_db()
    assert glass_broken.review == BreakGlass.Review.PENDING


def test_a_reviewed_event_is_not_reviewed_again(client_for, ig_lead_a, glass_broken):
    client = client_for(ig_lead_a)
    client.post(_review_url(glass_broken), {"outcome": "referred", "note": "No A&E attendance."})
    page = client.get(_review_url(glass_broken)).content.decode()
    assert "Record review" not in page and "No A&amp;E attendance." in page
    response = client.post(_review_url(glass_broken), {"outcome": "appropriate"})
    assert b"This access has already been reviewed." in response.content
    glass_broken.refresh_from_db()
    assert glass_broken.review == BreakGlass.Review.REFERRED


def test_review_queue_query_count_does_not_grow(client_for, ig_lead_a, practice_a, glass_broken):
    client = client_for(ig_lead_a)
    client.get(reverse("governance:break_glass_reviews"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:break_glass_reviews")).status_code == 200
        return len(captured)

    few = queries()
    BreakGlassFactory.create_batch(20, patient=PatientFactory(registered_practice=practice_a))
    assert queries() == few
