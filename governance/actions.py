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
    SESSION_CATEGORISE = (
        "session.categorise",
        "Set a session's national appointment category and setting",
    )
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
    # Staff signing in with CIS2, and who may.
    STAFF_SIGN_IN = "staff.sign-in", "Signed in with CIS2"
    STAFF_SIGN_IN_REFUSED = "staff.sign-in-refused", "Was refused signing in with CIS2"
    CIS2_LINK = "staff.cis2-link", "Changed who may sign in with CIS2 as a member of staff"
    # Systems calling the API.
    API_TOKEN_CREATE = "api-token.create", "Created an API token"
    API_TOKEN_ROTATE = "api-token.rotate", "Replaced an API token"
    GPCONNECT_CONSUMER_REGISTER = "gpconnect.register", "Registered a GP Connect consumer system"
    GPCONNECT_CONSUMER_KEY = "gpconnect.key", "Replaced a GP Connect consumer system's key"
    GPCONNECT_CALL = "gpconnect.call", "Called the hub's GP Connect endpoint"
    GPCONNECT_REFUSED = "gpconnect.refused", "Was refused by the hub's GP Connect endpoint"
    # Unused capacity handed on.
    SLOT_RELEASE_UNUSED = "slot.release-unused", "Released a session's free slots to urgent care"
    SLOT_RESERVE_111 = "slot.reserve-111", "Reserved a slot for NHS 111 direct booking"
    SLOT_UNRESERVE_111 = "slot.unreserve-111", "Gave a slot reserved for NHS 111 back"
    RESERVATION_111_SET = "reservation-111.set", "Set the slots kept each day for NHS 111"
    # The care diary: urgent care, out-of-hours and NHS 111.
    CARE_DIARY_FIND = "care-diary.find", "Searched for a patient in the care diary"
    CARE_DIARY_PATIENT = "care-diary.patient", "Opened the patient in the care diary"
    CONTACT_LOG = "contact.log", "Logged an attendance or contact"
    # The care tracker.
    CARE_ENROL = "care.enrol", "Enrolled the patient in the care tracker"
    CARE_DISCHARGE = "care.discharge", "Ended the patient's care tracker enrolment"
    CARE_VIEW = "care.view", "Viewed the care record"
    CARE_TEAM_CHANGE = "care.team", "Changed the care team"
    CARE_PLAN_VIEW = "care.plan-view", "Viewed a care or escalation plan"
    CARE_PLAN_CHANGE = "care.plan", "Changed a care or escalation plan"
    CARE_TIMELINE = "care.timeline", "Viewed the patient's timeline"
    CARE_CASELOAD = "care.caseload", "Viewed a caseload"
    CARE_INBOX = "care.inbox", "Viewed a task inbox"
    TASK_CREATE = "task.create", "Created a care task"
    TASK_VIEW = "task.view", "Viewed a care task"
    TASK_ACCEPT = "task.accept", "Accepted a care task"
    TASK_HAND_BACK = "task.hand-back", "Handed back a care task"
    TASK_COMPLETE = "task.complete", "Completed a care task"
    TASK_ESCALATE = "task.escalate", "Escalated a care task"
    # Patients online.
    ONLINE_REGISTER = "online.register", "Registered for online services"
    ONLINE_SIGN_IN = "online.sign-in", "Signed in online"
    ONLINE_STAFF_PAGE = "online.staff-page", "Tried a staff page while signed in as a patient"
    ONLINE_APPOINTMENTS = "online.appointments", "Viewed their appointments online"
    ONLINE_ACCESS_HISTORY = "online.access-history", "Viewed who has looked at their record"
    LINKAGE_KEY_ISSUE = "online.linkage-key", "Printed a registration key for online services"
    WAITING_LIST_JOIN = "waiting-list.join", "Added to the waiting list"
    WAITING_LIST_LEAVE = "waiting-list.leave", "Taken off the waiting list"
    WAITING_LIST_VIEW = "waiting-list.view", "Viewed the waiting list"
    OFFER_MAKE = "offer.make", "Offered a freed appointment"
    OFFER_ACCEPT = "offer.accept", "Accepted an offered appointment"
    OFFER_DECLINE = "offer.decline", "Declined an offered appointment"
