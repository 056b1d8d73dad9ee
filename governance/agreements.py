"""Which sharing agreements are in force: one definition of "active", for the access rules,
the pooled practices of search and booking, and the statements written out on hot paths."""

import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from core.db import prepared_cursor
from governance.models import SharingAgreement
from practices.models import Organisation


def active_agreements(
    *, partner: Organisation, scope: str, on: datetime.date | None = None
) -> QuerySet[SharingAgreement]:
    on = on or timezone.localdate()
    return SharingAgreement.objects.filter(
        partner=partner,
        scope=scope,
        status=SharingAgreement.Status.ACTIVE,
        starts_on__lte=on,
        ends_on__gte=on,
    )


def active_agreement_sql(alias: str, scope: str) -> tuple[str, list]:
    """`active_agreements`' conditions on the sharing agreement `alias`, with their values,
    for the statements written out on hot paths (ADR 0004): one definition of "active" for
    all of them."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    conditions = (
        f"{alias}.scope = %s AND {alias}.status = %s "
        f"AND {alias}.starts_on <= %s AND {alias}.ends_on >= %s"
    )
    return conditions, [scope, SharingAgreement.Status.ACTIVE, today, today]


def has_active_agreement(*, practice_id: int, partner: Organisation, scope: str) -> bool:
    """Whether `active_agreements(partner=partner, scope=scope)` holds one with this
    practice. Written out, as every access decision across practices asks it."""
    active, values = active_agreement_sql("a", scope)
    with prepared_cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM governance_sharingagreement a "  # noqa: S608 (our conditions)
            f"WHERE a.partner_id = %s AND a.practice_id = %s AND {active} LIMIT 1",
            [partner.pk, practice_id, *values],
        )
        return cursor.fetchone() is not None
