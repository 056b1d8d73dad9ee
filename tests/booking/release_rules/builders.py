"""Searchers, slots and times the release-rule tests share."""

from datetime import UTC, datetime

from booking.release_rules.terms import Audience, QuotaUse, Release, Searcher, SlotFacts
from core.time import LONDON

OWNER = "B20002"
HUB_ODS = "Y00001"
UC_ODS = "RYA01"
NOTHING_USED = QuotaUse()

hub = Searcher(Audience.HUB, HUB_ODS, "hub")
urgent_care = Searcher(Audience.URGENT_CARE, UC_ODS, "urgent-care")
patient = Searcher(Audience.ONLINE)
own_practice = Searcher(Audience.PRACTICE, OWNER, "gp-practice")
other_practice = Searcher(Audience.PRACTICE, "C30003", "gp-practice")


def london(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LONDON, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slot_with(*rules: Release, start: datetime | None = None, **facts) -> SlotFacts:
    return SlotFacts(
        start=start or london(2026, 4, 2, 18, 30), practice_ods=OWNER, rules=rules, **facts
    )
