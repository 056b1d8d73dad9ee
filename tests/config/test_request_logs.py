"""A request's log lines, as the configured handler writes them: one JSON object each, with
the request id and the acting organisation, and no patient identifier anywhere."""

from django.urls import reverse

from tests.config.logs_capture import capture_logs


def test_a_request_log_line_carries_its_id_and_organisation_and_no_patient_identifier(
    client_for, practice_manager_a, practice_a, patient_a
):
    """A search by NHS number and by name: the query strings hold them, the lines must not."""
    client = client_for(practice_manager_a)
    with capture_logs() as logs:
        by_number = client.get(
            reverse("patients:list"),
            {"q": patient_a.nhs_number},
            HTTP_X_REQUEST_ID="req-1234-abcd",
        )
        by_name = client.get(reverse("patients:list"), {"q": patient_a.family_name})
        by_birth = client.get(reverse("patients:list"), {"q": patient_a.date_of_birth.isoformat()})
    assert by_number.status_code == by_name.status_code == by_birth.status_code == 200
    assert by_number["X-Request-ID"] == "req-1234-abcd"

    lines = logs.json()
    finished = [line for line in lines if line["event"] == "request_finished"]
    assert len(finished) == 3
    first = finished[0]
    assert first["request_id"] == "req-1234-abcd"
    assert first["organisation"] == practice_a.ods_code
    assert first["request"] == "GET /patients/"
    assert first["code"] == 200
    assert {line["request_id"] for line in finished[1:]} == {
        by_name["X-Request-ID"],
        by_birth["X-Request-ID"],
    }
    for identifier in (
        patient_a.nhs_number,
        patient_a.formatted_nhs_number,
        patient_a.family_name,
        patient_a.given_name,
        patient_a.date_of_birth.isoformat(),
    ):
        assert identifier not in logs.text


def test_an_unsafe_request_id_is_replaced_and_the_new_one_logged(client, db):
    with capture_logs() as logs:
        response = client.get(reverse("login"), HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    [line] = [line for line in logs.json() if line["event"] == "request_finished"]
    assert line["request_id"] == response["X-Request-ID"]
    assert "organisation" not in line  # nobody signed in
    assert "<script>" not in logs.text


def test_django_s_own_lines_name_the_path_without_the_query_string(
    client_for, practice_manager_a, patient_b
):
    """Django logs a 4xx with the request; its query string may hold a search."""
    with capture_logs() as logs:
        response = client_for(practice_manager_a).get(
            reverse("patients:detail", args=[patient_b.public_id]),
            {"q": patient_b.family_name},
        )
    assert response.status_code == 404
    assert any(line["logger"] == "django.request" for line in logs.json())
    assert patient_b.family_name not in logs.text
