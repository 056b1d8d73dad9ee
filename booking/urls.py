"""The hub diary's pages: practice sessions and diaries, pooled search, the booking flow."""

from django.urls import path

from booking.views import book, bookings, diary, lists, nhs111, search, sessions

app_name = "booking"

urlpatterns = [
    # Everyone who books: the pooled diary, search, the booking flow, one booking.
    path("", diary.diary, name="diary"),
    path("slots/", search.search, name="search"),
    path("book/", book.find_patient, name="find_patient"),
    path("slots/<uuid:slot_id>/book/", book.book, name="book"),
    path("bookings/", lists.bookings_made, name="bookings_made"),
    path("bookings/<uuid:booking_id>/", bookings.booking_detail, name="booking"),
    path("bookings/<uuid:booking_id>/booked/", book.confirmation, name="confirmation"),
    path("bookings/<uuid:booking_id>/change/", bookings.booking_amend, name="booking_amend"),
    path("bookings/<uuid:booking_id>/cancel/", bookings.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:booking_id>/rebook/", bookings.booking_rebook, name="booking_rebook"),
    path(
        "bookings/<uuid:booking_id>/attendance/",
        bookings.booking_attendance,
        name="booking_attendance",
    ),
    # Practice staff: their own sessions, diary and the bookings into them.
    path("practice/", diary.practice_diary, name="practice_diary"),
    path("practice/bookings/", lists.practice_bookings, name="practice_bookings"),
    path("practice/nhs-111/", nhs111.reservation, name="nhs111_reservation"),
    path("sessions/new/", sessions.session_publish, name="session_publish"),
    path("sessions/<uuid:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<uuid:session_id>/rules/", sessions.session_rules, name="session_rules"),
    path("sessions/<uuid:session_id>/cancel/", sessions.session_cancel, name="session_cancel"),
    path(
        "sessions/<uuid:session_id>/category/", sessions.session_category, name="session_category"
    ),
    path("sessions/<uuid:session_id>/run-sheet/", sessions.run_sheet, name="run_sheet"),
    path("slots/<uuid:slot_id>/block/", sessions.slot_block, name="slot_block"),
    path("slots/<uuid:slot_id>/unblock/", sessions.slot_unblock, name="slot_unblock"),
]
