from django.db import connection
from django.urls import reverse

from config import health


def _not_cached(response) -> bool:
    control = response["Cache-Control"]
    return "no-store" in control or "max-age=0" in control


def test_healthz_answers_without_asking_the_database_or_broker(
    client, db, settings, django_assert_num_queries
):
    """Liveness: a broker (or database) outage must not get the web node restarted."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert _not_cached(response)


def test_readyz_reports_database_broker_and_migrations(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "migrations": "ok",
    }
    assert _not_cached(response)


def test_readyz_says_when_the_broker_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_readyz_says_when_a_migration_is_not_applied(client, db, monkeypatch):
    """A node started on new code before `migrate` has run is not given traffic."""
    monkeypatch.setattr(health, "_migrated", False)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"
    assert response.json()["database"] == "ok"


def test_health_needs_no_sign_in_and_refuses_changes(client, db):
    for name in ("healthz", "readyz"):
        assert client.post(reverse(name)).status_code == 405
