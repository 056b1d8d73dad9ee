"""Why someone wants a patient's data (the purpose), what lets them have it (the basis), and
the answer (a decision). The vocabulary of the access door and of the audit trail."""

from dataclasses import dataclass

from django.db import models

from governance.models import Consent, Scope
from governance.permissions import Perm


class Purpose(models.TextChoices):
    BOOK = "book", "Booking"  # find a patient and book, cancel or rebook for them
    VIEW_RECORD = "view-record", "Viewing the record"  # details, appointments and plans
    CARE_TRACKER = "care-tracker", "Care tracker"  # enrol them and work on their care plan
    MANAGE_REGISTRATION = "manage-registration", "Registration"  # change registered details
    RECORD_CONSENT = "record-consent", "Recording consent"  # the patient's word on sharing


class Basis(models.TextChoices):
    """What an allowed access rests on, in the order the rules try them."""

    REGISTERED_PRACTICE = "registered-practice", "Registered practice"
    ACCESS_GRANT = "access-grant", "Honorary contract"
    SHARING_AGREEMENT = "sharing-agreement", "Sharing agreement"
    CARE_RELATIONSHIP = "care-relationship", "Care relationship"
    SELF_CLAIMED = "self-claimed", "Claimed care relationship"
    CARE_TEAM = "care-team", "Care team"
    BREAK_GLASS = "break-glass", "Break-glass"
    THE_PATIENT = "the-patient", "The patient, online"


# Access on these bases is reviewed by the patient's practice afterwards.
REVIEWED_BASES = frozenset({Basis.CARE_RELATIONSHIP, Basis.SELF_CLAIMED, Basis.BREAK_GLASS})


@dataclass(frozen=True)
class PurposeRule:
    perm: Perm  # what the acting role must hold
    scope: str | None  # the sharing-agreement scope that covers it; None: own practice only
    consent: str | None  # the consent it needs across organisations, if any
    relationships: bool  # whether a care relationship (or a claimed one) is enough
    team: bool = False  # whether a place on the patient's care team is (with the consent)


PURPOSES: dict[str, PurposeRule] = {
    # Booking is direct care the patient asked for: an agreement suffices.
    Purpose.BOOK: PurposeRule(Perm.BOOK_FOR_PATIENTS, Scope.BOOKING, None, True),
    Purpose.VIEW_RECORD: PurposeRule(
        Perm.VIEW_PATIENT_RECORDS, Scope.RECORD_VIEW, Consent.Scope.SHARE_RECORD, True
    ),
    Purpose.CARE_TRACKER: PurposeRule(
        Perm.USE_CARE_TRACKER, Scope.CARE_TRACKER, Consent.Scope.CARE_TRACKER, False, team=True
    ),
    Purpose.MANAGE_REGISTRATION: PurposeRule(Perm.MANAGE_REGISTERED_PATIENTS, None, None, False),
    # A record-view partner may ask the patient in front of them and record the answer.
    Purpose.RECORD_CONSENT: PurposeRule(Perm.RECORD_CONSENT, Scope.RECORD_VIEW, None, False),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis | None
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def refused(reason: str) -> Decision:
    return Decision(False, None, reason)
