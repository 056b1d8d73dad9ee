"""compose.yaml: valid against the Compose Specification's schema (vendored in
ops/compose-spec, Apache-2.0), and everything it names exists: the image's build, env
files, mounted files, the services it waits for, the pages its health checks ask for."""

import copy
import json

import jsonschema
import pytest
from django.urls import Resolver404, resolve

from tests.ops.deployment import READINESS, ROOT, compose, dockerfile_commands, probed_path, seconds

APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads((ROOT / "ops/compose-spec/compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_follows_the_compose_specification(validator):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []


def test_the_schema_refuses_what_compose_would_refuse(validator):
    """The check has teeth: a misspelt key and a wrong type are both caught."""
    misspelt = copy.deepcopy(compose())
    misspelt["services"]["web"]["helthcheck"] = misspelt["services"]["web"].pop("healthcheck")
    wrong_type = copy.deepcopy(compose())
    wrong_type["services"]["web"]["ports"] = "8000:8000"
    assert not validator.is_valid(misspelt)
    assert not validator.is_valid(wrong_type)


def test_the_hub_runs_web_worker_one_beat_a_primary_a_replica_and_redis():
    services = compose()["services"]
    assert {"web", "worker", "beat", "db", "db-replica", "redis"} <= set(services)
    beats = [name for name, s in services.items() if "beat" in s.get("command", [])]
    assert beats == ["beat"]
    # The replica is made from the primary and streams from it.
    replica = services["db-replica"]
    assert replica["environment"]["PRIMARY_HOST"] == "db"
    assert "pg_basebackup" in (ROOT / "ops/postgres/start-replica.sh").read_text()


def test_every_app_service_runs_our_image_with_the_databases_and_broker_of_the_hub():
    services = compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["image"] == "hub-diary:latest", name
        assert service["build"]["context"] == "."
        environment = service["environment"]
        assert "@db:5432/" in environment["DATABASE_URL"], name
        assert "@db-replica:5432/" in environment["DATABASE_REPLICA_URL"], name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:"), name


def test_what_compose_builds_and_reads_exists():
    for name, service in compose()["services"].items():
        if "build" in service:
            context = ROOT / service["build"]["context"]
            assert (context / service["build"].get("dockerfile", "Dockerfile")).is_file(), name
        for env_file in service.get("env_file", []):
            path = env_file["path"] if isinstance(env_file, dict) else env_file
            if isinstance(env_file, dict) and not env_file.get("required", True):
                # An operator's file, never committed: its template is.
                assert (ROOT / f"{path}.example").is_file(), path
            else:
                assert (ROOT / path).is_file(), path
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./") and not source.startswith("./var/"):
                assert (ROOT / source).exists(), f"{name} mounts {source}"
                if source.endswith(".sh"):
                    assert (ROOT / source).stat().st_mode & 0o111, f"{source} is not executable"


def test_services_wait_only_for_services_that_exist():
    services = compose()["services"]
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), name
    # Nothing serves before the schema is migrated.
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_health_checks_ask_for_pages_the_site_serves():
    tests = [
        s["healthcheck"]["test"]
        for s in compose()["services"].values()
        if "test" in s.get("healthcheck", {})
    ]
    tests += [c.value for c in dockerfile_commands() if c.cmd == "HEALTHCHECK"]
    paths = {probed_path(test) for test in tests} - {None}
    assert paths == {"/healthz", READINESS}
    for path in paths:
        try:
            resolve(path)
        except Resolver404:
            assert path == READINESS, f"{path} is not in the URLconf"


def test_web_readiness_is_readyz_and_liveness_is_the_images_healthz():
    web = compose()["services"]["web"]
    assert probed_path(web["healthcheck"]["test"]) == READINESS
    [healthcheck] = [c for c in dockerfile_commands() if c.cmd == "HEALTHCHECK"]
    assert probed_path(healthcheck.value) == "/healthz"
    # Containers that serve no pages have their own checks, or none, never the web node's.
    for name in ("worker", "beat", "migrate"):
        check = compose()["services"][name]["healthcheck"]
        assert check.get("disable") or probed_path(check["test"]) is None, name


def test_web_nodes_are_given_longer_to_stop_than_gunicorn_gives_requests():
    [cmd] = [c for c in dockerfile_commands() if c.cmd == "CMD"]
    graceful = float(cmd.value[cmd.value.index("--graceful-timeout") + 1])
    assert seconds(compose()["services"]["web"]["stop_grace_period"]) > graceful
