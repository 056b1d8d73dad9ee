"""The plain statements of the hot paths behave as the ORM's would."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.db import insert_row, prepared_cursor
from governance.models import AuditEvent


def test_prepared_statements_show_in_the_query_log_with_their_values(db):
    with CaptureQueriesContext(connection) as captured, prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1, %s", [41, "O'Brien"])
        assert cursor.fetchone() == (42, "O'Brien")

    assert captured.captured_queries[-1]["sql"] == "SELECT 41::int + 1, 'O''Brien'"


def _event(at: datetime.datetime) -> AuditEvent:
    return AuditEvent(
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
