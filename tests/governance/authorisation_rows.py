"""The rows of the authorisation matrix: the personas, and which of them may use each URL,
in which scopes (test_authorisation_matrix.py explains the scopes and runs the rows)."""

from dataclasses import dataclass

from practices.roles import Role

OWN, SHARED, UNSHARED = "own", "shared", "unshared"
SCOPES = (OWN, SHARED, UNSHARED)
ALL = frozenset(SCOPES)


@dataclass(frozen=True)
class Persona:
    key: str
    role: str | None  # None: signed in with no role; "anonymous": not signed in
    home: str | None  # which organisation of the world they work for


PRACTICE_ROLES = (
    Role.PRACTICE_MANAGER,
    Role.PRACTICE_RECEPTIONIST,
    Role.CLINICIAN,
    Role.CARE_COORDINATOR,
    Role.IG_LEAD,
)
PERSONAS = (
    *(Persona(f"{role}@A", role, "A") for role in PRACTICE_ROLES),
    *(Persona(f"{role}@B", role, "B") for role in PRACTICE_ROLES),
    Persona("hub-manager@hub", Role.HUB_MANAGER, "hub"),
    Persona("hub-receptionist@hub", Role.HUB_RECEPTIONIST, "hub"),
    Persona("urgent-care-clinician@ae", Role.URGENT_CARE_CLINICIAN, "ae"),
    Persona("urgent-care-clinician@ooh", Role.URGENT_CARE_CLINICIAN, "ooh"),
    Persona("care-home-staff@care-home", Role.CARE_HOME_STAFF, "care-home"),
    Persona("district-nurse@community", Role.DISTRICT_NURSE, "community"),
    Persona("social-worker@social-care", Role.SOCIAL_WORKER, "social-care"),
    Persona("hospital-clinician@hospital", Role.HOSPITAL_CLINICIAN, "hospital"),
    Persona("no-role", None, None),
    Persona("anonymous", "anonymous", None),
)

PM, PR, CL, CC, IG = PRACTICE_ROLES
HM, HR, UC = Role.HUB_MANAGER, Role.HUB_RECEPTIONIST, Role.URGENT_CARE_CLINICIAN
CH, DN = Role.CARE_HOME_STAFF, Role.DISTRICT_NURSE
SW, HC = Role.SOCIAL_WORKER, Role.HOSPITAL_CLINICIAN
STAFF_ROLES = (*PRACTICE_ROLES, HM, HR, UC, CH, DN, SW, HC)
SIGNED_IN = (*STAFF_ROLES, None)


def roles(*names, scopes=ALL) -> dict:
    return {name: frozenset(scopes) for name in names}


# Who may use each URL. Admin URLs are for superusers only and appear for no persona.
MATRIX: dict[str, dict] = {
    "home": roles(*SIGNED_IN),
    "choose_organisation": roles(*SIGNED_IN),
    "login": roles(*SIGNED_IN, "anonymous"),
    "logout": roles(*SIGNED_IN, "anonymous"),
    "healthz": roles(*SIGNED_IN, "anonymous"),
    # CIS2 sign-in: its start is open to all (the signed-in are sent home); its callback
    # refuses anyone who did not come back from CIS2 with this session's state, and choosing
    # a role profile needs a CIS2 sign-in waiting for the choice.
    "cis2:start": roles(*SIGNED_IN, "anonymous"),
    "cis2:callback": {},
    "cis2:choose_role": {},
    "readyz": roles(*SIGNED_IN, "anonymous"),
    # Prometheus, with a bearer token or from an allowed network: no persona (tests/config/).
    "metrics": {},
    "organisation:organisation": roles(*STAFF_ROLES),
    "organisation:list_size": roles(PM),
    # Reports: counts of a hub's or practice's appointments, for the roles that report.
    "reports:index": roles(PM, IG, HM),
    "reports:compliance": roles(PM, IG, HM),
    "reports:utilisation": roles(PM, IG, HM),
    "reports:fair_share": roles(PM, IG, HM),
    "reports:did_not_attend": roles(PM, IG, HM),
    "reports:flows": roles(PM, IG, HM),
    "reports:appointments": roles(PM, IG, HM),
    "organisation:site_create": roles(PM, HM),
    "organisation:site_edit": roles(PM, HM, scopes={OWN}),
    "organisation:clinician_create": roles(PM, HM),
    "organisation:clinician_edit": roles(PM, HM, scopes={OWN}),
    "organisation:staff_add": roles(PM, HM),
    "organisation:staff_edit": roles(PM, HM, scopes={OWN}),
    "patients:list": roles(*PRACTICE_ROLES),
    "patients:create": roles(PM, PR),
    # Care homes and social workers: the residents and clients on their caseload only.
    "patients:find": roles(*PRACTICE_ROLES, HM, HR, UC, DN, HC),
    "patients:detail": {
        **roles(*PRACTICE_ROLES, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    "patients:edit": roles(PM, PR, scopes={OWN}),
    "governance:consent_record": roles(*PRACTICE_ROLES, scopes={OWN, SHARED}),
    "governance:break_glass": roles(CL, UC, HC),
    # Two-factor sign-in: every member of staff, for themselves.
    "account:overview": roles(*STAFF_ROLES),
    "account:set_up": roles(*STAFF_ROLES),
    "account:verify": roles(*STAFF_ROLES),
    "account:recovery_codes": roles(*STAFF_ROLES),
    "account:new_recovery_codes": roles(*STAFF_ROLES),
    # Information governance.
    "governance:index": roles(PM, HM, IG),
    "governance:alerts": roles(*STAFF_ROLES),
    "governance:alert_count": roles(*STAFF_ROLES),
    "governance:agreements": roles(PM, HM, IG),
    "governance:agreement_propose": roles(PM, HM, IG),
    "governance:agreement_detail": roles(PM, HM, IG, scopes={OWN}),
    "governance:agreement_renew": roles(PM, HM, IG, scopes={OWN}),
    "governance:agreement_accept": roles(PM, HM, IG, scopes={OWN}),
    "governance:agreement_decline": roles(PM, HM, IG, scopes={OWN}),
    "governance:agreement_end": roles(PM, HM, IG, scopes={OWN}),
    "governance:grants": roles(PM, HM, IG),
    "governance:grant_create": roles(PM, HM, IG),
    "governance:grant_revoke": roles(PM, HM, IG, scopes={OWN}),
    "governance:break_glass_reviews": roles(IG),
    "governance:break_glass_review": roles(IG, scopes={OWN}),
    "governance:relationship_claim": roles(CL, UC, HC),
    "governance:relationship_reviews": roles(IG),
    "governance:relationship_review": roles(IG, scopes={OWN}),
    "governance:access_report": roles(IG),
    "governance:access_report_csv": roles(IG),
    "governance:patient_access_history": roles(IG, scopes={OWN}),
    # The booking API: whoever books appointments; a booking, for the organisation that made
    # it (or the practice it is at). The schema and docs: any member of staff.
    "api:slot_search": roles(PM, PR, CL, HM, HR, UC),
    "api:booking_list": roles(PM, PR, CL, HM, HR, UC),
    "api:booking_create": roles(PM, PR, CL, HM, HR, UC),
    "api:booking_detail": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:booking_amend": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:booking_cancel": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:booking_rebook": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:booking_status": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    # The rest of the API: each operation as its page.
    "api:organisation": roles(*STAFF_ROLES),
    "api:practice_list": roles(PM, PR, CL, HM, HR, UC),
    "api:site_list": roles(*STAFF_ROLES),
    "api:site_detail": roles(*STAFF_ROLES, scopes={OWN}),
    "api:clinician_list": roles(*STAFF_ROLES),
    "api:clinician_detail": roles(*STAFF_ROLES, scopes={OWN}),
    "api:session_list": roles(PM, PR),
    "api:session": roles(PM, PR, scopes={OWN}),
    "api:session_rules": roles(PM, PR, scopes={OWN}),
    "api:session_cancel": roles(PM, PR, scopes={OWN}),
    "api:slot_block": roles(PM, PR, scopes={OWN}),
    "api:slot_unblock": roles(PM, PR, scopes={OWN}),
    "api:patient_find": roles(*PRACTICE_ROLES, HM, HR, UC, DN, HC),
    "api:patient": {
        **roles(*PRACTICE_ROLES, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    "api:problem_list": roles(PM, PR, CL, HM, HR, UC),
    "api:problem": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:problem_rebook": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:problem_retry": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:problem_done": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "api:vanished_booking_list": roles(PM, PR, CL, HM, HR, UC),
    "api:clinical_system_link": roles(PM),
    "api_schema": roles(*STAFF_ROLES),
    "api_docs": roles(*STAFF_ROLES),
    "api:me": roles(*STAFF_ROLES),  # who am I: any member of staff
    # The hub diary. Whoever books: the pooled diary, search and the booking flow; a slot at
    # a practice they pool with (practice staff: their own); a booking their organisation
    # made or one into their practice's slots. Practice managers and receptionists: their
    # own practice's diary, sessions, slots and the bookings into them.
    "booking:diary": roles(PM, PR, CL, HM, HR, UC),
    "booking:search": roles(PM, PR, CL, HM, HR, UC),
    "booking:find_patient": roles(PM, PR, CL, HM, HR, UC),
    "booking:bookings_made": roles(PM, PR, CL, HM, HR, UC),
    "booking:book": {**roles(PM, PR, CL, scopes={OWN}), **roles(HM, HR, UC, scopes={SHARED})},
    "booking:booking": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:confirmation": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:booking_amend": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:booking_cancel": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:booking_rebook": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:booking_attendance": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "booking:practice_diary": roles(PM, PR),
    "booking:practice_bookings": roles(PM, PR),
    "booking:nhs111_reservation": roles(PM, PR),
    "booking:session_publish": roles(PM, PR),
    "booking:session": roles(PM, PR, scopes={OWN}),
    "booking:session_rules": roles(PM, PR, scopes={OWN}),
    "booking:session_cancel": roles(PM, PR, scopes={OWN}),
    "booking:session_category": roles(PM, PR, scopes={OWN}),
    "booking:run_sheet": roles(PM, PR, scopes={OWN}),
    "booking:slot_block": roles(PM, PR, scopes={OWN}),
    "booking:slot_unblock": roles(PM, PR, scopes={OWN}),
    # Write-back: the practice system problems list for whoever books, each problem for the
    # organisation that booked or the practice that owns the slot; the practice's link to
    # its clinical system for its practice manager.
    "writeback:problems": roles(PM, PR, CL, HM, HR, UC),
    "writeback:problem": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "writeback:problem_rebook": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "writeback:problem_retry": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "writeback:problem_done": roles(PM, PR, CL, HM, HR, UC, scopes={OWN}),
    "writeback:clinical_system_link": roles(PM),
    # The care diary: urgent-care and practice clinicians; a patient they may book for.
    "carediary:home": roles(CL, UC),
    "carediary:patient": {**roles(CL, scopes={OWN, SHARED}), **roles(UC, scopes={SHARED})},
    "carediary:log_contact": {**roles(CL, scopes={OWN, SHARED}), **roles(UC, scopes={SHARED})},
    # The care tracker: a care record where the agreements and the patient's consent allow.
    "caretracker:caseload": roles(CL, CC, UC, CH, DN, SW, HC),
    "caretracker:inbox": roles(CL, CC, UC, CH, DN, SW, HC),
    "caretracker:task_create": {
        **roles(CL, CC, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    # Enrolling: the patient's own practice. Plans and team: whoever keeps care plans and
    # may see the care record; every version of a plan: whoever may see the record.
    "caretracker:enrol": roles(CL, CC, scopes={OWN}),
    "caretracker:team": roles(CL, CC, scopes={OWN, SHARED}),
    "caretracker:team_add": roles(CL, CC, scopes={OWN, SHARED}),
    "caretracker:end": roles(CL, CC, scopes={OWN}),  # the patient's own practice
    # Admissions and discharges: anyone who may see the care record.
    "caretracker:hospital_stay": {
        **roles(CL, CC, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    "caretracker:care_plan": roles(CL, CC, scopes={OWN, SHARED}),
    "caretracker:escalation_plan": roles(CL, CC, scopes={OWN, SHARED}),
    "caretracker:care_plan_history": {
        **roles(CL, CC, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    "caretracker:escalation_plan_history": {
        **roles(CL, CC, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    # A task: the teams it is from or with, where they may see the patient.
    "caretracker:task": roles(CL, CC, scopes={OWN}),
    "caretracker:record": {
        **roles(CL, CC, scopes={OWN, SHARED}),
        **roles(UC, HC, scopes={SHARED}),
    },
    # Patients online, staff side: the hub manager sets the hub's rules; the hub keeps the
    # waiting list; anyone who books for a patient may put them on their hub's list; a
    # practice prints registration keys for its own patients.
    "online_staff:policy": roles(HM),
    "online_staff:waiting_list": roles(HM, HR),
    "online_staff:add_to_waiting_list": roles(PM, PR, CL, HM, HR, UC, scopes={OWN, SHARED}),
    "online_staff:remove_from_waiting_list": roles(HM, HR, scopes={OWN}),
    "online_staff:registration_key": roles(PM, PR, scopes={OWN}),
    # GOV.UK Notify's delivery receipts: Notify alone, with its bearer token.
    "notify_receipts": {},
    # The hub's GP Connect endpoint: registered consumer systems alone, with a signed JWT.
    "gpconnect_facade:endpoint": {},
    "gpconnect_facade:no_endpoint": {},
    "gpconnect_facade:no_endpoint_root": {},
    # Messages the organisation sent to patients (no patient named): whoever books.
    "organisation:messages": roles(PM, PR, CL, HM, HR, UC),
}
