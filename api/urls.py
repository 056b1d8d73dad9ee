"""The REST API, version 1, at /api/v1/: one module per resource."""

from django.urls import path

from api import bookings, me, slots

app_name = "api"

urlpatterns = [
    path("me/", me.MeApi.as_view(), name="me"),
    path("slots/", slots.SlotSearchApi.as_view(), name="slot_search"),
    path("bookings/", bookings.BookingListApi.as_view(), name="booking_list"),
    path("bookings/create/", bookings.BookingCreateApi.as_view(), name="booking_create"),
    path("bookings/<uuid:booking_id>/", bookings.BookingDetailApi.as_view(), name="booking_detail"),
    path(
        "bookings/<uuid:booking_id>/cancel/",
        bookings.BookingCancelApi.as_view(),
        name="booking_cancel",
    ),
    path(
        "bookings/<uuid:booking_id>/rebook/",
        bookings.BookingRebookApi.as_view(),
        name="booking_rebook",
    ),
    path(
        "bookings/<uuid:booking_id>/amend/",
        bookings.BookingAmendApi.as_view(),
        name="booking_amend",
    ),
    path(
        "bookings/<uuid:booking_id>/status/",
        bookings.BookingStatusApi.as_view(),
        name="booking_status",
    ),
]
