"""Renewing a sharing agreement while it runs: the service, the database's guard against
two agreements on one day, and the reminders that point at the renewal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from booking.selectors import pooled_practice_ids
from governance import sharing
from governance.agreements import active_agreements
from governance.models import Alert, Scope, SharingAgreement
from tests.factories import SharingAgreementFactory
from tests.governance.helpers import actor_for, renew

DAY = datetime.timedelta(days=1)


# The service -------------------------------------------------------------------------------


def test_a_live_agreement_can_be_renewed_from_the_day_after_it_ends(
    current, practice_manager_a, hub_manager, hub
):
    renewal = renew(current, by=practice_manager_a)
    assert renewal.status == SharingAgreement.Status.PROPOSED
    assert renewal.starts_on == current.ends_on + DAY
    assert Alert.objects.filter(
        organisation=hub, kind=Alert.Kind.AGREEMENT_PROPOSED, reference=renewal.public_id
    ).exists()

    sharing.accept_agreement(by=actor_for(hub_manager), agreement=renewal)

    current.refresh_from_db()
    renewal.refresh_from_db()
    assert current.status == renewal.status == SharingAgreement.Status.ACTIVE
    # One agreement on any day: the current one to its last day, the renewal from the next.
    for day, expected in (
        (current.ends_on, current),
        (renewal.starts_on, renewal),
        (renewal.ends_on, renewal),
    ):
        assert list(active_agreements(partner=hub, scope=Scope.BOOKING, on=day)) == [expected]


def test_the_hub_keeps_pooling_the_practice_across_the_renewal(
    current, practice_manager_a, hub_manager, hub, practice_a
):
    renewal = renew(current, by=practice_manager_a)
    sharing.accept_agreement(by=actor_for(hub_manager), agreement=renewal)
    assert pooled_practice_ids(hub) == [practice_a.pk]


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (0, 365),  # the last day of the current agreement
        (-100, 30),  # inside it
        (-400, -300),  # before it, reaching into it
    ],
)
def test_dates_overlapping_a_live_agreement_are_refused_with_a_reason(
    current, practice_manager_a, starts, ends
):
    with pytest.raises(ValidationError) as refused:
        sharing.propose_agreement(
            by=actor_for(practice_manager_a),
            practice=current.practice,
            partner=current.partner,
            scope=current.scope,
            starts_on=current.ends_on + datetime.timedelta(days=starts),
            ends_on=current.ends_on + datetime.timedelta(days=ends),
        )
    message = " ".join(refused.value.messages)
    assert "already covers" in message
    assert f"{current.ends_on:%-d %B %Y}" in message
    assert SharingAgreement.objects.count() == 1


def test_the_overlap_message_says_when_a_renewal_may_start(current, practice_manager_a):
    renewal = renew(current, by=practice_manager_a)
    with pytest.raises(ValidationError) as refused:
        renew(current, by=practice_manager_a)
    day_after = renewal.ends_on + DAY
    assert f"to renew it, start on {day_after:%-d %B %Y}" in " ".join(refused.value.messages)


def test_ended_and_declined_agreements_do_not_block_new_dates(
    practice_a, hub, practice_manager_a, today
):
    for status in (SharingAgreement.Status.ENDED, SharingAgreement.Status.DECLINED):
        SharingAgreementFactory(practice=practice_a, partner=hub, status=status)
    proposal = sharing.propose_agreement(
        by=actor_for(practice_manager_a),
        practice=practice_a,
        partner=hub,
        scope=Scope.BOOKING,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=365),
    )
    assert proposal.status == SharingAgreement.Status.PROPOSED


def test_the_same_dates_for_another_scope_are_another_agreement(current, practice_manager_a):
    other_scope = sharing.propose_agreement(
        by=actor_for(practice_manager_a),
        practice=current.practice,
        partner=current.partner,
        scope=Scope.RECORD_VIEW,
        starts_on=current.starts_on,
        ends_on=current.ends_on,
    )
    assert other_scope.pk != current.pk


# The database ----------------------------------------------------------------------------


def _live(current, *, starts_on, ends_on, status=SharingAgreement.Status.PROPOSED):
    return SharingAgreementFactory(
        practice=current.practice,
        partner=current.partner,
        scope=current.scope,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )


@pytest.mark.parametrize(
    "status", [SharingAgreement.Status.PROPOSED, SharingAgreement.Status.ACTIVE]
)
def test_the_database_refuses_two_live_agreements_on_one_day(current, status):
    overlapping = pytest.raises(IntegrityError, match="agreement_live_dates_never_overlap")
    with overlapping, transaction.atomic():
        _live(current, starts_on=current.ends_on, ends_on=current.ends_on + DAY, status=status)


def test_the_database_takes_a_renewal_from_the_day_after(current):
    renewal = _live(current, starts_on=current.ends_on + DAY, ends_on=current.ends_on + 10 * DAY)
    renewal.status = SharingAgreement.Status.ACTIVE
    renewal.save()
    assert SharingAgreement.objects.filter(status=SharingAgreement.Status.ACTIVE).count() == 2


def test_the_database_refuses_reviving_an_ended_agreement_over_a_live_one(current):
    ended = _live(
        current,
        starts_on=current.starts_on,
        ends_on=current.ends_on,
        status=SharingAgreement.Status.ENDED,
    )
    ended.status = SharingAgreement.Status.ACTIVE
    with pytest.raises(IntegrityError), transaction.atomic():
        ended.save()


def test_a_proposal_racing_an_overlapping_one_gets_the_message_not_an_error(
    current, practice_manager_a, monkeypatch
):
    """The check in Python passes for both of two simultaneous proposals; the exclusion
    constraint refuses the second, and the service says why as the check would have."""
    from governance import selectors

    monkeypatch.setattr(selectors, "live_agreements_between", _none_until_created())
    with pytest.raises(ValidationError) as refused:
        sharing.propose_agreement(
            by=actor_for(practice_manager_a),
            practice=current.practice,
            partner=current.partner,
            scope=current.scope,
            starts_on=current.ends_on,
            ends_on=current.ends_on + 30 * DAY,
        )
    assert "already covers" in " ".join(refused.value.messages)


def _none_until_created():
    """live_agreements_between that sees nothing the first time it is asked (as a check
    that ran before the other proposal committed), then the truth."""
    from governance import selectors

    real = selectors.live_agreements_between
    calls = []

    def fake(*args, **kwargs):
        calls.append(1)
        found = real(*args, **kwargs)
        return found.none() if len(calls) == 1 else found

    return fake


# Reminders -------------------------------------------------------------------------------


def _expiring_alerts():
    return Alert.objects.filter(kind=Alert.Kind.AGREEMENT_EXPIRING, resolved_at__isnull=True)


def test_no_renewal_reminds_both_sides_torenew(current, practice_a, hub):
    assert sharing.send_agreement_reminders() == 1
    alerts = _expiring_alerts()
    assert {a.organisation for a in alerts} == {practice_a, hub}
    assert all(a.reference == current.public_id for a in alerts)
    assert all("Renew it to keep sharing" in a.message for a in alerts)


def test_an_accepted_renewal_means_no_reminder(current, practice_manager_a, hub_manager):
    renewal = renew(current, by=practice_manager_a)
    sharing.accept_agreement(by=actor_for(hub_manager), agreement=renewal)
    assert sharing.send_agreement_reminders() == 0
    assert not _expiring_alerts().exists()


def test_a_proposed_renewal_is_what_the_reminder_points_at(
    current, practice_manager_a, hub, client_for, hub_manager
):
    renewal = renew(current, by=practice_manager_a)
    assert sharing.send_agreement_reminders() == 1
    alerts = _expiring_alerts()
    assert alerts.count() == 2
    for alert in alerts:
        assert alert.reference == renewal.public_id
        assert f"A renewal from {renewal.starts_on:%-d %B %Y} is waiting" in alert.message
        assert f"an answer from {hub.name}" in alert.message
    # The hub's alerts page links to the renewal, where it can answer.
    page = client_for(hub_manager).get(reverse("governance:alerts")).content.decode()
    assert reverse("governance:agreement_detail", args=[renewal.public_id]) in page
    # Answering it settles the reminder too.
    sharing.accept_agreement(by=actor_for(hub_manager), agreement=renewal)
    assert not _expiring_alerts().exists()


def test_a_renewal_proposed_after_the_reminder_takes_its_place(current, practice_manager_a):
    sharing.send_agreement_reminders()
    renewal = renew(current, by=practice_manager_a)
    assert not _expiring_alerts().filter(reference=current.public_id).exists()
    assert sharing.send_agreement_reminders() == 1
    assert set(_expiring_alerts().values_list("reference", flat=True)) == {renewal.public_id}


@pytest.mark.parametrize("answer", ["decline", "withdraw"])
def test_a_renewal_that_falls_through_brings_the_reminder_back(
    current, practice_manager_a, hub_manager, answer
):
    renewal = renew(current, by=practice_manager_a)
    sharing.send_agreement_reminders()
    if answer == "decline":
        sharing.decline_agreement(by=actor_for(hub_manager), agreement=renewal)
    else:
        sharing.end_agreement(by=actor_for(practice_manager_a), agreement=renewal)
    assert not _expiring_alerts().exists()
    assert sharing.send_agreement_reminders() == 1
    alerts = _expiring_alerts()
    assert alerts.count() == 2
    assert all(a.reference == current.public_id for a in alerts)
    assert all("Renew it to keep sharing" in a.message for a in alerts)


def test_a_renewal_with_a_gap_is_no_renewal(current, practice_manager_a):
    sharing.propose_agreement(
        by=actor_for(practice_manager_a),
        practice=current.practice,
        partner=current.partner,
        scope=current.scope,
        starts_on=current.ends_on + 5 * DAY,
        ends_on=current.ends_on + 300 * DAY,
    )
    sharing.send_agreement_reminders()
    assert set(_expiring_alerts().values_list("reference", flat=True)) == {current.public_id}
