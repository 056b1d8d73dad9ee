"""The REST API, version 1, at /api/v1/: one module per resource."""

from django.urls import path

from api import booking_changes, bookings, me, organisations, patients, sessions, slots, writeback

app_name = "api"

urlpatterns = [
    path("me/", me.MeApi.as_view(), name="me"),
    # The organisation acted for, the practices it books into, its sites and clinicians.
    path("organisation/", organisations.OrganisationApi.as_view(), name="organisation"),
    path("practices/", organisations.PracticeListApi.as_view(), name="practice_list"),
    path("sites/", organisations.SiteListApi.as_view(), name="site_list"),
    path("sites/<uuid:site_id>/", organisations.SiteDetailApi.as_view(), name="site_detail"),
    path("clinicians/", organisations.ClinicianListApi.as_view(), name="clinician_list"),
    path(
        "clinicians/<uuid:clinician_id>/",
        organisations.ClinicianDetailApi.as_view(),
        name="clinician_detail",
    ),
    # A practice's sessions and slots.
    path("sessions/", sessions.SessionListApi.as_view(), name="session_list"),
    path("sessions/<uuid:session_id>/", sessions.SessionDetailApi.as_view(), name="session"),
    path(
        "sessions/<uuid:session_id>/rules/",
        sessions.SessionRulesApi.as_view(),
        name="session_rules",
    ),
    path(
        "sessions/<uuid:session_id>/cancel/",
        sessions.SessionCancelApi.as_view(),
        name="session_cancel",
    ),
    path("slots/<uuid:slot_id>/block/", sessions.SlotBlockApi.as_view(), name="slot_block"),
    path("slots/<uuid:slot_id>/unblock/", sessions.SlotUnblockApi.as_view(), name="slot_unblock"),
    # Booking.
    path("slots/", slots.SlotSearchApi.as_view(), name="slot_search"),
    path("bookings/", bookings.BookingListApi.as_view(), name="booking_list"),
    path("bookings/create/", bookings.BookingCreateApi.as_view(), name="booking_create"),
    path("bookings/<uuid:booking_id>/", bookings.BookingDetailApi.as_view(), name="booking_detail"),
    path(
        "bookings/<uuid:booking_id>/cancel/",
        booking_changes.BookingCancelApi.as_view(),
        name="booking_cancel",
    ),
    path(
        "bookings/<uuid:booking_id>/rebook/",
        booking_changes.BookingRebookApi.as_view(),
        name="booking_rebook",
    ),
    path(
        "bookings/<uuid:booking_id>/amend/",
        booking_changes.BookingAmendApi.as_view(),
        name="booking_amend",
    ),
    path(
        "bookings/<uuid:booking_id>/status/",
        booking_changes.BookingStatusApi.as_view(),
        name="booking_status",
    ),
    # Patients, through governance's access door.
    path("patients/find/", patients.PatientFindApi.as_view(), name="patient_find"),
    path("patients/<uuid:patient_id>/", patients.PatientDetailApi.as_view(), name="patient"),
    # Write-back: the practice system problems worklist.
    path("write-back/problems/", writeback.ProblemListApi.as_view(), name="problem_list"),
    path(
        "write-back/problems/<uuid:problem_id>/",
        writeback.ProblemDetailApi.as_view(),
        name="problem",
    ),
    path(
        "write-back/problems/<uuid:problem_id>/rebook/",
        writeback.ProblemRebookApi.as_view(),
        name="problem_rebook",
    ),
    path(
        "write-back/problems/<uuid:problem_id>/retry/",
        writeback.ProblemRetryApi.as_view(),
        name="problem_retry",
    ),
    path(
        "write-back/vanished-bookings/",
        writeback.VanishedBookingListApi.as_view(),
        name="vanished_booking_list",
    ),
    path(
        "write-back/link/", writeback.ClinicalSystemLinkApi.as_view(), name="clinical_system_link"
    ),
    path(
        "write-back/problems/<uuid:problem_id>/done/",
        writeback.ProblemDoneApi.as_view(),
        name="problem_done",
    ),
]
