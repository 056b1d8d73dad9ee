"""Sharing agreements: either side proposes, the other accepts or declines, either ends."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Alert, Scope, SharingAgreement
from tests.factories import (
    HubFactory,
    PracticeFactory,
    SharingAgreementFactory,
    UrgentCareFactory,
)

TODAY = datetime.date(2026, 12, 1)


def _proposal(ods_code: str, **overrides) -> dict:
    return {
        "direction": "ours",
        "organisation": ods_code,
        "scope": Scope.BOOKING,
        "starts_on_day": "1",
        "starts_on_month": "12",
        "starts_on_year": "2026",
        "ends_on_day": "30",
        "ends_on_month": "11",
        "ends_on_year": "2027",
        **overrides,
    }


@pytest.fixture
def proposal_by_a(practice_a, hub, practice_manager_a):
    return SharingAgreementFactory(
        practice=practice_a,
        partner=hub,
        proposed=True,
        proposed_by=practice_manager_a,
        proposed_by_organisation=practice_a,
    )


def test_agreement_pages_require_sign_in(client, db, proposal_by_a):
    for url in (
        reverse("governance:agreements"),
        reverse("governance:agreement_propose"),
        reverse("governance:agreement_detail", args=[proposal_by_a.public_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("governance:agreement_accept", args=[proposal_by_a.public_id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.PROPOSED


def test_receptionist_cannot_manage_agreements(client_for, receptionist_practice_a):
    client = client_for(receptionist_practice_a)
    assert client.get(reverse("governance:agreements")).status_code == 403
    assert client.get(reverse("governance:agreement_propose")).status_code == 403


def test_list_shows_both_sides_agreements_and_not_others(
    client_for, ig_lead_a, practice_a, practice_b, hub
):
    SharingAgreementFactory(practice=practice_a, partner=hub, scope=Scope.BOOKING)
    SharingAgreementFactory(
        practice=PracticeFactory(name="Moorside Practice"),
        partner=practice_a,
        scope=Scope.RECORD_VIEW,
        status=SharingAgreement.Status.ENDED,
    )
    SharingAgreementFactory(practice=practice_b, partner=HubFactory(name="Elsewhere Hub"))
    response = client_for(ig_lead_a).get(reverse("governance:agreements"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Aire Valley Hub" in content and "Moorside Practice" in content
    assert "Elsewhere Hub" not in content
    assert "Active" in content and "Ended" in content


def test_practice_proposes_sharing_its_patients_with_the_hub(
    client_for, practice_manager_a, practice_a, hub, hub_manager
):
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_propose"), _proposal(hub.ods_code.lower())
    )
    agreement = SharingAgreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "governance:agreement_detail", args=[agreement.public_id]
    )
    assert (agreement.practice, agreement.partner) == (practice_a, hub)
    assert agreement.status == SharingAgreement.Status.PROPOSED
    assert (agreement.starts_on, agreement.ends_on) == (TODAY, datetime.date(2027, 11, 30))
    # The hub hears about it, and sees it waiting for them.
    alert = Alert.objects.get(organisation=hub)
    assert alert.kind == Alert.Kind.AGREEMENT_PROPOSED and alert.reference == agreement.public_id
    listing = client_for(hub_manager).get(reverse("governance:agreements")).content.decode()
    assert "Waiting for you" in listing


def test_practice_can_ask_for_another_practices_patients(
    client_for, practice_manager_a, practice_a, practice_b
):
    client_for(practice_manager_a).post(
        reverse("governance:agreement_propose"),
        _proposal(practice_b.ods_code, direction="theirs"),
    )
    agreement = SharingAgreement.objects.get()
    assert (agreement.practice, agreement.partner) == (practice_b, practice_a)


def test_hub_proposes_and_the_practice_is_the_sharing_side(
    client_for, hub_manager, hub, practice_b
):
    form = client_for(hub_manager).get(reverse("governance:agreement_propose")).content.decode()
    assert "Whose patients are shared?" not in form  # only a practice shares its patients
    client_for(hub_manager).post(
        reverse("governance:agreement_propose"), _proposal(practice_b.ods_code)
    )
    agreement = SharingAgreement.objects.get()
    assert (agreement.practice, agreement.partner) == (practice_b, hub)
    assert agreement.proposed_by_organisation == hub


def test_hub_cannot_propose_with_a_non_practice(client_for, hub_manager, hub):
    UrgentCareFactory(ods_code="RXX01")
    response = client_for(hub_manager).post(
        reverse("governance:agreement_propose"), _proposal("RXX01")
    )
    assert response.status_code == 200
    assert b"The sharing side must be a GP practice." in response.content
    assert not SharingAgreement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisation": "Z99999"}, "No organisation in Hub Diary has this ODS code."),
        ({"organisation": "A10001"}, "not your own"),
        ({"ends_on_year": "2025"}, "The end date must be on or after the start date."),
        ({"scope": ""}, "Select what is shared"),
    ],
)
def test_proposal_errors_are_shown(client_for, practice_manager_a, hub, overrides, message):
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_propose"), _proposal(hub.ods_code, **overrides)
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    assert not SharingAgreement.objects.exists()


def test_overlapping_live_agreement_for_the_same_scope_is_refused(
    client_for, practice_manager_a, practice_a, hub
):
    SharingAgreementFactory(practice=practice_a, partner=hub, scope=Scope.BOOKING)
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_propose"), _proposal(hub.ods_code)
    )
    assert b"There is a problem" in response.content
    assert b"already covers" in response.content
    assert SharingAgreement.objects.count() == 1


def test_other_side_accepts_and_sharing_starts(client_for, hub_manager, proposal_by_a):
    client = client_for(hub_manager)
    detail = client.get(reverse("governance:agreement_detail", args=[proposal_by_a.public_id]))
    assert b">Accept</button>" in detail.content
    response = client.post(reverse("governance:agreement_accept", args=[proposal_by_a.public_id]))
    assert response.status_code == 302
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.ACTIVE
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Agreement accepted." in page and "Active" in page


def test_other_side_declines(client_for, hub_manager, proposal_by_a):
    client_for(hub_manager).post(
        reverse("governance:agreement_decline", args=[proposal_by_a.public_id])
    )
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.DECLINED


def test_proposer_cannot_accept_their_own_proposal(client_for, practice_manager_a, proposal_by_a):
    client = client_for(practice_manager_a)
    detail = client.get(reverse("governance:agreement_detail", args=[proposal_by_a.public_id]))
    assert b">Accept</button>" not in detail.content
    assert b"Withdraw proposal" in detail.content
    url = reverse("governance:agreement_accept", args=[proposal_by_a.public_id])
    assert client.post(url).status_code == 403
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.PROPOSED


def test_proposer_withdraws_and_the_alert_goes(client_for, practice_manager_a, proposal_by_a):
    response = client_for(practice_manager_a).post(
        reverse("governance:agreement_end", args=[proposal_by_a.public_id]), follow=True
    )
    assert b"Proposal withdrawn." in response.content
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.ENDED
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


@pytest.mark.parametrize("side", ["ig_lead_a", "hub_manager"])
def test_either_side_ends_an_active_agreement(request, client_for, practice_a, hub, side):
    agreement = SharingAgreementFactory(practice=practice_a, partner=hub)
    client = client_for(request.getfixturevalue(side))
    url = reverse("governance:agreement_end", args=[agreement.public_id])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert b"Agreement ended." in response.content
    agreement.refresh_from_db()
    assert agreement.status == SharingAgreement.Status.ENDED
    assert agreement.ended_at is not None


def test_ending_twice_says_so(client_for, ig_lead_a, practice_a, hub):
    agreement = SharingAgreementFactory(
        practice=practice_a,
        partner=hub,
        status=SharingAgreement.Status.ENDED,
        ended_by=ig_lead_a,
        ended_at=timezone.now(),
    )
    response = client_for(ig_lead_a).post(
        reverse("governance:agreement_end", args=[agreement.public_id]), follow=True
    )
    assert b"This agreement has already ended." in response.content


def test_another_organisations_agreement_is_not_found(
    client_for, practice_manager_b, proposal_by_a
):
    client = client_for(practice_manager_b)
    detail = reverse("governance:agreement_detail", args=[proposal_by_a.public_id])
    assert client.get(detail).status_code == 404
    for action in ("agreement_accept", "agreement_decline", "agreement_end"):
        url = reverse(f"governance:{action}", args=[proposal_by_a.public_id])
        assert client.post(url).status_code == 404
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.PROPOSED


def test_actions_need_the_csrf_token(hub_manager, proposal_by_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hub_manager)
    response = client.post(reverse("governance:agreement_accept", args=[proposal_by_a.public_id]))
    assert response.status_code == 403
    proposal_by_a.refresh_from_db()
    assert proposal_by_a.status == SharingAgreement.Status.PROPOSED


def test_agreement_list_query_count_does_not_grow(client_for, ig_lead_a, practice_a):
    client = client_for(ig_lead_a)
    SharingAgreementFactory(practice=practice_a)
    client.get(reverse("governance:agreements"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:agreements")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(15):
        SharingAgreementFactory(practice=practice_a)
        SharingAgreementFactory(practice=PracticeFactory(), partner=practice_a, proposed=True)
    assert queries() == few
