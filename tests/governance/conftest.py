"""Governance test fixtures."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import SharingAgreementFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def current(practice_a, hub, practice_manager_a, today):
    """Practice A shares with the hub for booking until 20 days from now."""
    return SharingAgreementFactory(
        practice=practice_a,
        partner=hub,
        starts_on=today - datetime.timedelta(days=345),
        ends_on=today + datetime.timedelta(days=20),
        proposed_by=practice_manager_a,
    )
