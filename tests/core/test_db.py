"""The plain statements of the hot paths behave as the ORM's would."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db import CompiledLookup, insert_row, prepared_cursor
from governance.models import AuditEvent
from patients.models import Patient


def test_prepared_statements_show_in_the_query_log_with_their_values(db):
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1, %s", [41, "O'Brien"])
        assert cursor.fetchone() == (42, "O'Brien")

    assert captured.captured_queries[-1]["sql"] == "SELECT 41::int + 1, 'O''Brien'"


def _event(at: datetime.datetime) -> AuditEvent:
    return AuditEvent(
        chain=AuditEvent.CHAIN_WITHOUT_ORGANISATION,
        sequence=1,
        occurred_at=at,
        actor_username="system",
        actor_name="Hub Diary",
        action="test.insert",
        outcome=AuditEvent.Outcome.ALLOWED,
        previous_hash="0" * 64,
        hash="f" * 64,
    )


def test_an_inserted_row_reads_back_as_saved(db):
    event = _event(datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC))

    insert_row(event)

    assert event.pk is not None and not event._state.adding
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.sequence, stored.occurred_at, stored.action, stored.client_address) == (
        1,
        event.occurred_at,
        "test.insert",
        None,
    )


def test_an_insert_can_carry_another_write_with_it(practice_a):
    from practices.models import Organisation

    event = _event(datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC))
    renamed = (
        "UPDATE practices_organisation SET name = %s WHERE id = %s",
        ["Riverside", practice_a.pk],
    )

    with CaptureQueriesContext(connection) as captured:
        insert_row(event, along_with=renamed)

    assert len(captured.captured_queries) == 1  # one round trip on PostgreSQL
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert Organisation.objects.get(pk=practice_a.pk).name == "Riverside"


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_compiled_lookup_loads_what_the_orm_loads(patient_a):
    lookup = CompiledLookup(Patient.objects.select_related("registered_practice"), "nhs_number")
    expected = Patient.objects.select_related("registered_practice").get(pk=patient_a.pk)

    with CaptureQueriesContext(connection) as captured:
        found = lookup.get(patient_a.nhs_number)
        practice = found.registered_practice  # loaded with it, not read now

    assert len(captured.captured_queries) == 1
    assert _values(found) == _values(expected)
    assert _values(practice) == _values(expected.registered_practice)
    assert not found._state.adding and found._state.db == "default"


def test_a_compiled_lookup_binds_each_calls_key(patient_a, patient_b):
    lookup = CompiledLookup(Patient.objects.all(), "nhs_number")

    assert lookup.get(patient_a.nhs_number) == patient_a
    assert lookup.get(patient_b.nhs_number) == patient_b
    assert lookup.get("9999999999") is None


def test_a_compiled_lookup_refuses_a_key_that_is_not_unique():
    with pytest.raises(ValueError, match="not unique"):
        CompiledLookup(Patient.objects.all(), "family_name")


def test_this_django_has_what_the_hot_paths_rely_on():
    """Fails, with what is missing, when a Django upgrade changes the internals core.db
    leans on: re-check them (ADR 0004) before moving CHECKED_DJANGO on."""
    from core.checks import django_internals_problems

    assert django_internals_problems() == []


def test_a_django_not_yet_checked_fails_the_start_up_check(monkeypatch):
    import django

    from core.checks import check_django_internals

    monkeypatch.setattr(django, "VERSION", (9, 9, 0, "final", 0))
    [problem] = [p for p in check_django_internals(None) if "has not been checked" in p.msg]
    assert problem.id == "core.E001"


def test_a_compiled_lookup_knows_what_the_compiler_gave_it(patient_a):
    """The compiler's select, klass_info and col_count, as CompiledLookup reads them."""
    lookup = CompiledLookup(Patient.objects.select_related("registered_practice"), "nhs_number")
    lookup.get(patient_a.nhs_number)
    compiled = lookup._compiled
    assert compiled.model is Patient and compiled.related
    assert "nhs_number" in compiled.init_list
