"""The REST API, version 1, at /api/v1/: one module per resource."""

from django.urls import path

from api import booking_changes, bookings, me, slots

app_name = "api"

urlpatterns = [
    path("me/", me.MeApi.as_view(), name="me"),
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
]
