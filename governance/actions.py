"""What the audit trail records: one vocabulary of actions, each with the words an IG lead
reads in the access report. Every audit event's action is one of these (a test holds every
call to it, and every event the demo writes, to this list)."""

from django.db import models


class Action(models.TextChoices):
    # A patient's record and lists of patients.
    PATIENT_VIEW = "patient.view", "Viewed the record"
    PATIENT_LIST = "patient.list", "Listed registered patients"
    PATIENT_FIND = "patient.find", "Searched for a patient"
    PATIENT_REGISTER = "patient.register", "Registered the patient"
    PATIENT_UPDATE = "patient.update", "Changed the patient's details"
    PATIENT_ACCESS_HISTORY = "patient.access-history", "Viewed who accessed the record"
    CONSENT_VIEW = "consent.view", "Viewed consent"
    CONSENT_RECORD = "consent.record", "Recorded consent"
    # Access on no other basis, and its review by the patient's practice.
    BREAK_GLASS = "break-glass", "Broke glass"
    BREAK_GLASS_STEP_UP = "break-glass.step-up", "Confirmed password for break-glass"
    BREAK_GLASS_REVIEW = "break-glass.review", "Reviewed break-glass access"
    BREAK_GLASS_REVIEW_VIEW = "break-glass.review-view", "Opened a break-glass review"
    RELATIONSHIP_CLAIM = "relationship.claim", "Claimed a care relationship"
    RELATIONSHIP_REVIEW = "relationship.review", "Reviewed access through a care relationship"
    RELATIONSHIP_REVIEW_VIEW = "relationship.review-view", "Opened a care relationship review"
    # Sharing agreements and honorary contracts.
    AGREEMENT_PROPOSE = "agreement.propose", "Proposed a sharing agreement"
    AGREEMENT_ACCEPT = "agreement.accept", "Accepted a sharing agreement"
    AGREEMENT_DECLINE = "agreement.decline", "Declined a sharing agreement"
    AGREEMENT_END = "agreement.end", "Ended a sharing agreement"
    GRANT_CREATE = "grant.create", "Gave honorary access"
    GRANT_REVOKE = "grant.revoke", "Revoked honorary access"
    # The audit trail itself.
    AUDIT_REPORT = "audit.report", "Viewed the access report"
    AUDIT_EXPORT = "audit.export", "Downloaded the access report"
    # Appointments.
    BOOKING_PATIENT = "booking.patient", "Chose the patient to book for"
    BOOKING_CREATE = "booking.create", "Booked an appointment"
    BOOKING_VIEW = "booking.view", "Viewed an appointment"
    BOOKING_LIST = "booking.list", "Listed appointments"
    BOOKING_CANCEL = "booking.cancel", "Cancelled an appointment"
    BOOKING_REBOOK = "booking.rebook", "Moved an appointment"
    BOOKING_AMEND = "booking.amend", "Changed an appointment's details"
    BOOKING_ARRIVED = "booking.arrived", "Marked as arrived"
    BOOKING_ATTENDED = "booking.attended", "Marked as attended"
    BOOKING_DID_NOT_ATTEND = "booking.dna", "Marked as did not attend"
    BOOKING_BOOKED = "booking.booked", "Marked as booked again"
    BOOKING_RULE_OVERRIDE = "booking.rule-override", "Booked past a release rule"
    BOOKING_DIARY = "booking.diary", "Viewed the day's diary"
    BOOKING_SESSION = "booking.session", "Viewed a session's bookings"
    BOOKING_RUN_SHEET = "booking.run-sheet", "Printed a session's run sheet"
    # Sessions and slots.
    SESSION_PUBLISH = "session.publish", "Published a session"
    SESSION_RELEASE_RULES = "session.release-rules", "Changed who may book a session"
    SESSION_CANCEL = "session.cancel", "Cancelled a session"
    SLOT_BLOCK = "slot.block", "Blocked a slot"
    SLOT_UNBLOCK = "slot.unblock", "Unblocked a slot"
    SLOT_IMPORT = "slot.import", "Imported slots from the practice system"
    # Write-back to practice systems.
    WRITE_BACK_VIEW = "write-back.view", "Viewed a practice system problem"
    WRITE_BACK_LIST = "write-back.list", "Listed practice system problems"
    WRITE_BACK_REBOOK = "write-back.rebook", "Moved an appointment the practice system refused"
    WRITE_BACK_RETRY = "write-back.retry", "Sent a change to the practice system again"
    WRITE_BACK_ENTERED = "write-back.entered-by-hand", "Entered a change in the practice system"
    WRITE_BACK_CONFLICT = "write-back.conflict", "Practice system had filled the slot"
    WRITE_BACK_FAILED = "write-back.failed", "Practice system refused a change"
    WRITE_BACK_DEAD = "write-back.dead", "Gave up sending a change to the practice system"
    LINK_ON = "clinical-system-link.on", "Turned on the link to the practice system"
    LINK_OFF = "clinical-system-link.off", "Turned off the link to the practice system"
    # Systems calling the API.
    API_TOKEN_CREATE = "api-token.create", "Created an API token"
    API_TOKEN_ROTATE = "api-token.rotate", "Replaced an API token"
