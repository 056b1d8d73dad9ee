"""The OpenAPI schema and its docs."""

import os
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings


def test_the_schema_generates_without_warnings_and_documents_the_errors(tmp_path):
    target = tmp_path / "schema.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--fail-on-warn",
            "--validate",
            "--file",
            str(target),
        ],
        cwd=Path(settings.BASE_DIR),
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    schema = yaml.safe_load(target.read_text())
    create = schema["paths"]["/api/v1/bookings/create/"]["post"]
    taken = create["responses"]["409"]["content"]["application/json"]["examples"]
    assert {"slot-taken", "slot-not-bookable"} == {
        example["value"]["error"]["code"] for example in taken.values()
    }
    assert {"200", "400", "403", "404"} <= set(
        schema["paths"]["/api/v1/bookings/{booking_id}/"]["get"]["responses"]
    )
    parameters = {p["name"] for p in schema["paths"]["/api/v1/slots/"]["get"]["parameters"]}
    assert {"X-Acting-Organisation", "start", "end", "practice", "cursor"} <= parameters
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            assert {"400", "403"} <= errors, (method, path)
            if method in ("post", "put", "patch"):
                assert "415" in errors, (method, path)


def test_the_schema_and_docs_are_for_staff(client_for, hub_receptionist, outsider, client):
    staff_client = client_for(hub_receptionist)
    schema = staff_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = staff_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"<style" not in docs.content  # the strict CSP allows no inline style
    assert b"swagger-ui-bundle" in docs.content
    assert client_for(outsider).get("/api/schema/").status_code == 403
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


# Query budgets --------------------------------------------------------------------------------
