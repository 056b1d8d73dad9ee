"""The organisation, its pool of practices, sites and clinicians through the API: the same
permissions as the organisation pages."""

from practices.models import Clinician, Site
from tests.api.helpers import error_of, token_client
from tests.factories import ClinicianFactory, SiteFactory

SITES = "/api/v1/sites/"
CLINICIANS = "/api/v1/clinicians/"
SITE = {
    "name": "Health centre",
    "address_line_1": "1 High St",
    "town": "Leeds",
    "postcode": "ls14ap",
}


def test_a_hub_sees_itself_and_its_member_practices(hub_receptionist):
    response = token_client(hub_receptionist).get("/api/v1/organisation/")
    assert response.status_code == 200
    body = response.json()
    assert (body["ods_code"], body["kind"]) == ("U30003", "hub")
    assert {p["ods_code"] for p in body["member_practices"]} == {"A10001", "B20002"}


def test_practices_are_those_the_hub_may_book_into(hub_receptionist, hub_books_for_a):
    response = token_client(hub_receptionist).get("/api/v1/practices/")
    assert [p["ods_code"] for p in response.json()["results"]] == ["A10001"]
    assert response.json()["next_cursor"] is None


def test_a_practice_manager_adds_a_site_with_its_postcode_normalised(practice_manager_a):
    client = token_client(practice_manager_a)
    response = client.post(SITES, SITE, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["postcode"] == "LS1 4AP"
    listed = client.get(SITES).json()["results"]
    assert [site["name"] for site in listed] == ["Health centre"]


def test_a_site_needs_a_real_postcode_and_a_name_of_its_own(practice_manager_a, practice_a):
    SiteFactory(organisation=practice_a, name="Health centre")
    client = token_client(practice_manager_a)
    bad = client.post(SITES, {**SITE, "name": "Annexe", "postcode": "nowhere"}, format="json")
    assert bad.status_code == 400
    assert list(error_of(bad)["details"]["fields"]) == ["postcode"]
    taken = client.post(SITES, SITE, format="json")
    assert taken.status_code == 400
    assert Site.objects.filter(organisation=practice_a).count() == 1


def test_a_role_without_manage_sites_reads_but_does_not_add(hub_receptionist):
    client = token_client(hub_receptionist)
    assert client.get(SITES).status_code == 200
    response = client.post(SITES, SITE, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert not Site.objects.filter(name="Health centre").exists()


def test_another_organisations_site_is_not_found(practice_manager_a, practice_b):
    theirs = SiteFactory(organisation=practice_b)
    client = token_client(practice_manager_a)
    for response in (
        client.get(f"{SITES}{theirs.public_id}/"),
        client.patch(f"{SITES}{theirs.public_id}/", {"name": "Mine now"}, format="json"),
    ):
        assert response.status_code == 404
        assert error_of(response)["code"] == "site-not-found"
    theirs.refresh_from_db()
    assert theirs.name != "Mine now"


def test_changing_a_site_changes_only_what_is_sent(practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a, name="Old name", town="Leeds")
    response = token_client(practice_manager_a).patch(
        f"{SITES}{site.public_id}/", {"name": "New name", "is_active": False}, format="json"
    )
    assert response.status_code == 200
    site.refresh_from_db()
    assert (site.name, site.town, site.is_active) == ("New name", "Leeds", False)


def test_sites_come_a_page_at_a_time(practice_manager_a, practice_a):
    for n in range(3):
        SiteFactory(organisation=practice_a, name=f"Site {n}")
    client = token_client(practice_manager_a)
    first = client.get(SITES, {"page_size": 2}).json()
    second = client.get(SITES, {"page_size": 2, "cursor": first["next_cursor"]}).json()
    names = [s["name"] for s in first["results"] + second["results"]]
    assert sorted(names) == ["Site 0", "Site 1", "Site 2"]
    assert second["next_cursor"] is None
    forged = client.get(SITES, {"cursor": "not-ours"})
    assert list(error_of(forged)["details"]["fields"]) == ["cursor"]


def test_a_practice_manager_adds_and_changes_a_clinician(practice_manager_a):
    client = token_client(practice_manager_a)
    made = client.post(
        CLINICIANS,
        {"title": "Dr", "given_name": "Amara", "family_name": "Okafor", "job_role": "R0260"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    changed = client.patch(f"{CLINICIANS}{made.json()['id']}/", {"is_active": False}, format="json")
    assert changed.status_code == 200
    clinician = Clinician.objects.get(public_id=made.json()["id"])
    assert (str(clinician), clinician.is_active) == ("Dr Amara Okafor", False)


def test_text_fields_take_json_strings_only(practice_manager_a, practice_a):
    clinician = ClinicianFactory(organisation=practice_a)
    response = token_client(practice_manager_a).patch(
        f"{CLINICIANS}{clinician.public_id}/", {"given_name": 12, "is_active": "no"}, format="json"
    )
    assert response.status_code == 400
    assert set(error_of(response)["details"]["fields"]) == {"given_name", "is_active"}


def test_a_receptionist_cannot_add_a_clinician(hub_receptionist):
    response = token_client(hub_receptionist).post(
        CLINICIANS, {"given_name": "A", "family_name": "B", "job_role": "R0260"}, format="json"
    )
    assert response.status_code == 403
