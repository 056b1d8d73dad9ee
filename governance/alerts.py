"""Alerts: what an organisation's staff must look at, raised once and closed when settled.
They name no patient, so they can be shown and sent safely."""

from collections.abc import Iterable
from uuid import UUID

from django.utils import timezone

from governance.models import (
    Alert,
)
from practices.models import Organisation


def create_alert(
    organisation: Organisation, kind: str, message: str, reference, link: str = "", user=None
) -> Alert:
    return Alert.objects.create(
        organisation=organisation,
        user=user,
        kind=kind,
        message=message,
        reference=reference,
        link=link,
    )


def raise_alert(
    *,
    organisations: Iterable[Organisation],
    kind: str,
    message: str,
    reference: UUID,
    link: str = "",
) -> list[Alert]:
    """Alert each organisation about `reference`, unless an alert of this kind about it is
    open there already. `message` must name no patient: alerts are shown and sent safely.
    `link`: the page where it is acted on, for an alert raised by another app."""
    raised = []
    for organisation in {o.pk: o for o in organisations}.values():
        open_already = Alert.objects.filter(
            organisation=organisation, kind=kind, reference=reference, resolved_at__isnull=True
        ).exists()
        if not open_already:
            raised.append(create_alert(organisation, kind, message[:300], reference, link))
    return raised


def alert_person(
    *, user, organisation: Organisation, kind: str, message: str, reference: UUID, link: str = ""
) -> Alert | None:
    """Alert one person at an organisation (a key worker, a team's lead) about `reference`,
    unless an alert of this kind about it is open for them already. Names no patient."""
    open_already = Alert.objects.filter(
        organisation=organisation,
        user=user,
        kind=kind,
        reference=reference,
        resolved_at__isnull=True,
    ).exists()
    if open_already:
        return None
    return create_alert(organisation, kind, message[:300], reference, link, user=user)


def resolve_alerts(*, reference: UUID, kinds: Iterable[str]) -> int:
    """Close the open alerts of these kinds about `reference`, wherever they were raised."""
    return Alert.objects.filter(
        reference=reference, kind__in=list(kinds), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())
