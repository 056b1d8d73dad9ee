"""The practice system problems worklist through the API: the loaders, services and audit of
the worklist pages."""

from django.utils import timezone

from booking.models import Booking, Slot
from governance.models import AuditEvent
from practices.models import ClinicalSystemLink
from tests.api.helpers import audited_patients, error_of, slots_of, token_client
from tests.writeback.builders import write_back_problem_at
from writeback.models import WriteBackMessage

PROBLEMS = "/api/v1/write-back/problems/"
VANISHED = "/api/v1/write-back/vanished-bookings/"
LINK = "/api/v1/write-back/link/"


def test_the_practice_lists_its_problems_and_each_page_is_audited(
    practice_a, receptionist_practice_a
):
    problem = write_back_problem_at(practice_a)
    response = token_client(receptionist_practice_a).get(PROBLEMS)
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [str(problem.public_id)]
    assert response.json()["results"][0]["booking"]["write_back"]
    event = AuditEvent.objects.filter(action="write-back.list").latest("id")
    assert audited_patients(event) == {problem.booking.patient}


def test_newest_problems_come_first_a_page_at_a_time(practice_a, receptionist_practice_a):
    made = [write_back_problem_at(practice_a) for _ in range(3)]
    client = token_client(receptionist_practice_a)
    first = client.get(PROBLEMS, {"page_size": 2}).json()
    second = client.get(PROBLEMS, {"page_size": 2, "cursor": first["next_cursor"]}).json()
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert ids == [str(m.public_id) for m in reversed(made)]


def test_another_practice_does_not_see_the_problem(practice_a, receptionist_practice_b):
    problem = write_back_problem_at(practice_a)
    client = token_client(receptionist_practice_b)
    assert client.get(PROBLEMS).json()["results"] == []
    response = client.get(f"{PROBLEMS}{problem.public_id}/")
    assert error_of(response)["code"] == "problem-not-found"
    retry = client.post(f"{PROBLEMS}{problem.public_id}/retry/")
    assert retry.status_code == 404


def test_retrying_a_dead_write_back_sends_it_again(practice_a, receptionist_practice_a):
    problem = write_back_problem_at(practice_a, state=WriteBackMessage.State.DEAD)
    response = token_client(receptionist_practice_a).post(f"{PROBLEMS}{problem.public_id}/retry/")
    assert response.status_code == 200
    assert response.json()["state"] == "pending"
    assert AuditEvent.objects.filter(action="write-back.retry").exists()


def test_only_a_change_waiting_for_a_person_can_be_marked_entered(
    practice_a, receptionist_practice_a
):
    conflict = write_back_problem_at(practice_a)
    manual = write_back_problem_at(practice_a, state=WriteBackMessage.State.MANUAL)
    client = token_client(receptionist_practice_a)
    refused = client.post(f"{PROBLEMS}{conflict.public_id}/done/")
    assert (refused.status_code, error_of(refused)["code"]) == (422, "invalid-change")
    done = client.post(f"{PROBLEMS}{manual.public_id}/done/")
    assert done.status_code == 200
    listed = [p["id"] for p in client.get(PROBLEMS).json()["results"]]
    assert listed == [str(conflict.public_id)]


def test_bookings_whose_slot_the_practice_system_dropped_are_listed_and_audited(
    practice_a, receptionist_practice_a, receptionist_practice_b
):
    booking = write_back_problem_at(practice_a, state=WriteBackMessage.State.CONFIRMED).booking
    Slot.objects.filter(pk=booking.slot_id).update(vanished_at=timezone.now())
    response = token_client(receptionist_practice_a).get(VANISHED)
    assert [b["id"] for b in response.json()["results"]] == [str(booking.public_id)]
    event = AuditEvent.objects.filter(action="write-back.list").latest("id")
    assert audited_patients(event) == {booking.patient}
    assert token_client(receptionist_practice_b).get(VANISHED).json()["results"] == []


def test_the_practice_manager_switches_the_link(practice_a, practice_manager_a):
    ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    client = token_client(practice_manager_a)
    assert client.get(LINK).json()["enabled"] is False
    response = client.put(LINK, {"enabled": True}, format="json")
    assert (response.status_code, response.json()["enabled"]) == (200, True)
    assert ClinicalSystemLink.objects.get(practice=practice_a).enabled
    assert AuditEvent.objects.filter(action="clinical-system-link.on").exists()


def test_only_the_practice_manager_switches_the_link(practice_a, receptionist_practice_a):
    ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    response = token_client(receptionist_practice_a).put(LINK, {"enabled": True}, format="json")
    assert response.status_code == 403
    assert not ClinicalSystemLink.objects.get(practice=practice_a).enabled


def test_a_hub_has_no_clinical_system_link(hub_manager):
    response = token_client(hub_manager).get(LINK)
    assert error_of(response)["code"] == "forbidden"


def test_a_practice_with_no_link_is_told_so(practice_manager_a):
    response = token_client(practice_manager_a).get(LINK)
    assert error_of(response)["code"] == "not-found"


def test_a_conflict_offers_the_nearest_slots_and_rebooks_in_one_step(
    publish, hub, hub_receptionist, hub_books_for_a, practice_a
):
    free = slots_of(publish(days_ahead=2)[0])
    conflict = write_back_problem_at(practice_a, made_by=hub)
    booking = conflict.booking
    client = token_client(hub_receptionist)
    detail = client.get(f"{PROBLEMS}{conflict.public_id}/").json()
    offered = [slot["id"] for slot in detail["alternatives"]]
    assert offered and set(offered) <= {str(slot.public_id) for slot in free}
    moved = client.post(
        f"{PROBLEMS}{conflict.public_id}/rebook/",
        {"slot_id": offered[0], "version": booking.version},
        format="json",
    )
    assert moved.status_code == 201, moved.json()
    assert moved.json()["slot"]["id"] == offered[0]
    assert moved.json()["patient"]["nhs_number"] == booking.patient.nhs_number
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert AuditEvent.objects.filter(action="write-back.rebook").exists()
