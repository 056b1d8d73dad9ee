"""The IG lead's way in: the governance menu and home card, the start page, alerts, and the
'who viewed this record' list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.audit import record_event
from governance.models import Alert, AuditEvent, Consent, Scope
from practices.roles import Role
from tests.factories import (
    AlertFactory,
    BreakGlassFactory,
    ConsentFactory,
    SharingAgreementFactory,
    staff,
)
from tests.governance.helpers import actor_for

GOVERNANCE_MENU = b'href="/governance/">Governance</a>'


@pytest.fixture
def break_glass_alert(practice_a, patient_a, ae_clinician, ae_department):
    event = BreakGlassFactory(user=ae_clinician, organisation=ae_department, patient=patient_a)
    return AlertFactory(
        organisation=practice_a,
        kind=Alert.Kind.BREAK_GLASS,
        message=f"Break-glass access by {ae_clinician.get_full_name()} of "
        f"{ae_department.name} needs review.",
        reference=event.public_id,
    )


@pytest.fixture
def proposal_alert(practice_a, hub, hub_manager):
    agreement = SharingAgreementFactory(
        practice=practice_a,
        partner=hub,
        proposed=True,
        proposed_by=hub_manager,
        proposed_by_organisation=hub,
    )
    return AlertFactory(
        organisation=practice_a,
        kind=Alert.Kind.AGREEMENT_PROPOSED,
        message="Aire Valley Hub proposes sharing for booking appointments.",
        reference=agreement.public_id,
    )


# Menu, home card and start page -----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("ig_lead_a", True),
        ("practice_manager_a", True),
        ("hub_manager", True),
        ("receptionist_practice_a", False),
        ("clinician_a", False),
        ("ae_clinician", False),
    ],
)
def test_governance_menu_is_for_roles_with_governance_work(request, client_for, persona, shown):
    client = client_for(request.getfixturevalue(persona))
    home = client.get(reverse("home"))
    assert (GOVERNANCE_MENU in home.content) is shown
    assert (b"Information governance</a>" in home.content) is shown
    assert client.get(reverse("governance:index")).status_code == (200 if shown else 403)


def test_governance_pages_require_sign_in(client, db):
    for name in ("governance:index", "governance:alerts"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_start_page_lists_the_areas_the_role_can_use(client_for, ig_lead_a, practice_manager_a):
    ig = client_for(ig_lead_a).get(reverse("governance:index")).content.decode()
    for area in ("Sharing agreements", "Honorary access", "Break-glass reviews", "Access report"):
        assert area in ig
    manager = client_for(practice_manager_a).get(reverse("governance:index")).content.decode()
    assert "Sharing agreements" in manager and "Honorary access" in manager
    assert "Break-glass reviews" not in manager and "Access report" not in manager


def test_home_card_counts_open_alerts(
    client_for, ig_lead_a, practice_manager_a, break_glass_alert, proposal_alert
):
    assert b"2 alerts" in client_for(ig_lead_a).get(reverse("home")).content
    # The practice manager manages agreements but does not review break-glass.
    assert b"1 alert<" in client_for(practice_manager_a).get(reverse("home")).content


# Alerts ------------------------------------------------------------------------------------


def test_alerts_link_to_what_they_are_about(
    client_for, ig_lead_a, break_glass_alert, proposal_alert
):
    content = client_for(ig_lead_a).get(reverse("governance:alerts")).content.decode()
    review = reverse("governance:break_glass_review", args=[break_glass_alert.reference])
    agreement = reverse("governance:agreement_detail", args=[proposal_alert.reference])
    assert f'href="{review}"' in content and f'href="{agreement}"' in content


def test_alerts_never_show_patient_identifiers(client_for, ig_lead_a, patient_a, break_glass_alert):
    content = client_for(ig_lead_a).get(reverse("governance:alerts")).content.decode()
    assert "needs review" in content
    for identifier in (
        patient_a.family_name,
        patient_a.given_name,
        patient_a.nhs_number,
        patient_a.formatted_nhs_number,
        str(patient_a.public_id),
    ):
        assert identifier not in content


def test_alerts_are_only_those_the_role_can_act_on(
    client_for, practice_manager_a, break_glass_alert, proposal_alert
):
    content = client_for(practice_manager_a).get(reverse("governance:alerts")).content.decode()
    assert "proposes sharing" in content
    assert "needs review" not in content


def test_alerts_are_the_organisations_own(client_for, practice_b, break_glass_alert):
    ig_lead_b = staff(practice_b, Role.IG_LEAD)
    content = client_for(ig_lead_b).get(reverse("governance:alerts")).content.decode()
    assert "No open alerts." in content


def test_resolved_alerts_leave_the_list(client_for, ig_lead_a, hub_manager, proposal_alert):
    agreement_id = proposal_alert.reference
    client_for(ig_lead_a).post(reverse("governance:agreement_accept", args=[agreement_id]))
    content = client_for(ig_lead_a).get(reverse("governance:alerts")).content.decode()
    assert "No open alerts." in content


def test_receptionist_sees_no_governance_alerts(
    client_for, receptionist_practice_a, break_glass_alert, proposal_alert
):
    response = client_for(receptionist_practice_a).get(reverse("governance:alerts"))
    assert "No open alerts." in response.content.decode()


def test_alert_list_query_count_does_not_grow(client_for, ig_lead_a, practice_a):
    client = client_for(ig_lead_a)
    AlertFactory(organisation=practice_a)
    client.get(reverse("governance:alerts"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:alerts")).status_code == 200
        return len(captured)

    few = queries()
    AlertFactory.create_batch(20, organisation=practice_a)
    AlertFactory.create_batch(
        20, organisation=practice_a, kind=Alert.Kind.AGREEMENT_EXPIRING, message="Ends soon."
    )
    assert queries() == few


# Who viewed this record --------------------------------------------------------------------


def _history(patient) -> str:
    return reverse("governance:patient_access_history", args=[patient.public_id])


def test_access_history_requires_sign_in(client, patient_a):
    response = client.get(_history(patient_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_ig_lead_sees_who_viewed_the_record(
    client_for, ig_lead_a, patient_a, ae_clinician, receptionist_practice_a
):
    record_event(
        actor=actor_for(ae_clinician),
        action="patient.view",
        patient=patient_a,
        basis="break-glass",
    )
    record_event(
        actor=actor_for(ae_clinician),
        action="patient.view",
        patient=patient_a,
        outcome=AuditEvent.Outcome.DENIED,
        reason="no basis for access",
    )
    content = client_for(ig_lead_a).get(_history(patient_a)).content.decode()
    assert "St Luke&#x27;s Emergency Department" in content
    assert "Urgent-care clinician" in content
    assert "Break-glass" in content and "Viewed the record" in content
    assert "no basis for access" not in content  # refusals are in the access report
    # Looking at the history is itself in the history, decided and audited.
    assert AuditEvent.objects.filter(
        actor=ig_lead_a, action="patient.access-history", patient=patient_a, outcome="allowed"
    ).exists()


def test_access_history_is_for_the_ig_lead(client_for, receptionist_practice_a, patient_a):
    assert client_for(receptionist_practice_a).get(_history(patient_a)).status_code == 403


def test_another_practices_ig_lead_gets_not_found(client_for, practice_b, patient_a):
    ig_lead_b = staff(practice_b, Role.IG_LEAD)
    assert client_for(ig_lead_b).get(_history(patient_a)).status_code == 404


def test_ig_lead_sharing_the_record_still_gets_not_found(client_for, hub, practice_a, patient_a):
    """A hub IG lead may see the record under an agreement; its history is the practice's."""
    SharingAgreementFactory(practice=practice_a, partner=hub, scope=Scope.RECORD_VIEW)
    ConsentFactory(patient=patient_a, scope=Consent.Scope.SHARE_RECORD)
    hub_ig_lead = staff(hub, Role.IG_LEAD)
    assert client_for(hub_ig_lead).get(_history(patient_a)).status_code == 404


def test_access_history_query_count_does_not_grow(client_for, ig_lead_a, patient_a, clinician_a):
    client = client_for(ig_lead_a)
    client.get(_history(patient_a))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_history(patient_a)).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(20):
        record_event(actor=actor_for(clinician_a), action="patient.view", patient=patient_a)
    assert queries() == few
